"""Reliance: net import reliance and supplier shares, by hand on the sample chain."""

from __future__ import annotations

import math

import pytest

from reechain.chain import Chain
from reechain.errors import NotFoundError
from reechain.metrics.reliance import (
    apparent_consumption,
    chain_reliance,
    net_import_reliance,
)


def test_usgs_definition() -> None:
    assert net_import_reliance(20, 100, 20).item() == pytest.approx(0.8)
    assert net_import_reliance(100, 0, 50).item() == pytest.approx(-1.0)  # net exporter
    assert math.isnan(net_import_reliance(0, 0, 0).item())
    assert apparent_consumption(10, 5, 3, 2).item() == 10


def test_japan_magnets_by_hand(sample_chain: Chain) -> None:
    # JPN makes 150 t of magnets and imports 30 t from CHN; it uses 180 t.
    (r,) = chain_reliance(sample_chain, "JPN", "NdFeB")
    assert r.apparent_consumption == pytest.approx(180)
    assert r.net_import_reliance == pytest.approx(30 / 180)
    assert r.supplier_share == pytest.approx(30 / 180)
    assert r.import_share_from_supplier == pytest.approx(1.0)


def test_stock_change_counts_against_consumption(sample_chain: Chain) -> None:
    # JPN imports 7 t Dy oxide (5 CHN, 2 AUS) and stocks 4.6 t of it.
    (r,) = chain_reliance(sample_chain, "JPN", "Dy_oxide")
    assert r.apparent_consumption == pytest.approx(2.4)
    assert r.net_import_reliance == pytest.approx(1.0)
    assert r.supplier_share == pytest.approx(5 / 7)


def test_group_block_ignores_trade_inside_it(sample_chain: Chain) -> None:
    by_stage = {
        r.stage: r
        for r in chain_reliance(
            sample_chain, "partners_us_jp", supplier="not:partners_us_jp", per="stage"
        )
    }
    magnets = by_stage["magnet"]
    # USA 50 + JPN 150 made; 80 t imported from CHN; JPN→USA trade is inside the block.
    assert (magnets.production, magnets.imports) == (200, 80)
    assert magnets.net_import_reliance == pytest.approx(80 / 280)
    assert magnets.supplier_share == pytest.approx(80 / 280)
    metal = by_stage["metal"]
    assert metal.exports == 0  # JPN's 0.5 t Dy metal to the USA stays inside


def test_no_consumption_gives_no_reliance(sample_chain: Chain) -> None:
    (r,) = chain_reliance(sample_chain, "AUS", "NdPr_oxide")  # 40 made, 32 exported, 8 stocked
    assert r.apparent_consumption == pytest.approx(0)
    assert r.as_record()["import_reliance"] is None
    assert r.as_record()["net_exporter"] is True


def test_unknown_region_gets_a_suggestion(sample_chain: Chain) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'JPN'"):
        chain_reliance(sample_chain, "Japan")
