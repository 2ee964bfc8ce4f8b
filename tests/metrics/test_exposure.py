"""True-origin exposure: sums to 100 %, equals direct shares on one stage, traces recipes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import reechain
from reechain.chain import Chain
from reechain.errors import InputError
from reechain.metrics.exposure import chain_exposure, exposure_of, origin_model
from reechain.metrics.reliance import chain_reliance
from tests.metrics.chains import closing_residuals, write_chain


def test_one_stage_exposure_equals_direct_supplier_shares(one_stage: Chain) -> None:
    e = chain_exposure(one_stage, "JPN", "ore")
    assert e.share("mine", "CHN") == pytest.approx(0.75)
    assert e.share("mine", "AUS") == pytest.approx(0.25)
    for supplier in ("CHN", "AUS"):
        (direct,) = chain_reliance(one_stage, "JPN", "ore", supplier=supplier)
        assert e.share("mine", supplier) == pytest.approx(direct.supplier_share)


def test_japanese_magnets_rest_on_chinese_separation(sample_chain: Chain) -> None:
    # JPN's 180 t of magnets: 150 made in JPN from JPN metal (40 t NdPr made from 16 t CHN
    # + 32 t AUS oxide, 5 t imported CHN metal) and 1.5 t Dy metal from 5:2 CHN:AUS oxide;
    # 30 t imported from CHN, all-Chinese upstream.
    e = chain_exposure(sample_chain, "JPN", "NdFeB")
    chn = 16 + 5 * 1.2 + 1.5 * 1.2 * 5 / 7 + 30 * 0.3 * 1.2 + 30 * 0.01 * 1.2
    aus = 32 + 1.5 * 1.2 * 2 / 7
    assert e.share("magnet", "JPN") == pytest.approx(150 / 180)
    assert e.share("separate", "CHN") == pytest.approx(chn / (chn + aus))
    assert e.stage_totals[sample_chain.stage_index("separate")] == pytest.approx(chn + aus)
    dy = sample_chain.commodity_index("Dy_oxide")
    assert e.content[dy, sample_chain.region_index("CHN")] / e.content[dy].sum() > 0.7


def test_every_stage_sums_to_one(sample_chain: Chain) -> None:
    for region in ("CHN", "JPN", "USA"):  # AUS has no end use
        e = chain_exposure(sample_chain, region)
        sums = e.stage_shares.sum(axis=1)
        assert np.allclose(sums[e.stage_totals > 0], 1.0)
        assert np.all(sums[e.stage_totals <= 0] == 0)


@given(arrays(np.float64, (4, 7), elements=st.floats(0, 1e3, allow_nan=False)))
def test_any_demand_sums_to_one_per_stage(demand: np.ndarray) -> None:
    chain = reechain.compile_chain(reechain.load_dataset("sample"))
    model = origin_model(chain)
    demand = np.where(model.supply > 0, demand, 0.0)
    e = exposure_of(model, model.origin_of(demand), "random")
    sums = e.stage_shares.sum(axis=1)
    assert np.allclose(sums[e.stage_totals > 0], 1.0)
    assert np.all(e.stage_shares >= -1e-12)


def test_re_exports_pass_on_the_exporters_mix(tmp_path: Path) -> None:
    trade = [
        ("ore", "CHN", "JPN", 10.0),
        ("ore", "AUS", "JPN", 30.0),
        ("ore", "JPN", "USA", 20.0),
    ]
    production = {("CHN", "ore"): 10.0, ("AUS", "ore"): 30.0}
    write_chain(
        tmp_path / "reexport",
        regions=[("CHN", "country"), ("AUS", "country"), ("JPN", "country"), ("USA", "country")],
        stages=["mine"],
        commodities=[("ore", "mine", "La")],
        recipes=[("mining", "ore", "output", 1.0)],
        processes=[
            ("CHN_m", "CHN", "mine", "mining", 10.0),
            ("AUS_m", "AUS", "mine", "mining", 30.0),
        ],
        trade=trade,
        residuals=closing_residuals(production, trade),
    )
    chain = reechain.compile_chain(reechain.load_dataset(tmp_path / "reexport"))
    e = chain_exposure(chain, "USA", "ore")
    assert e.share("mine", "AUS") == pytest.approx(0.75)  # JPN's pool is 1:3 CHN:AUS
    assert e.share("mine", "JPN") == 0


def test_records_and_errors(sample_chain: Chain) -> None:
    e = chain_exposure(sample_chain, "USA", sector="wind_generator")
    records = e.records(detail=True, year=2024)
    assert {"origin_region", "origin_share", "embodied_per_year", "stage"} <= set(records[0])
    stage_rows = [r for r in records if r["commodity"] == "all" and r["stage"] == "magnet"]
    assert sum(r["origin_share"] for r in stage_rows) == pytest.approx(1.0)
    with pytest.raises(InputError, match="no supply of conc_mixed"):
        chain_exposure(sample_chain, "JPN", "conc_mixed")


def test_a_group_counts_trade_between_its_members_once(sample_chain: Chain) -> None:
    # USA 50 + JPN 150 magnets made, 80 imported from CHN; the supply is 280 t.
    e = chain_exposure(sample_chain, "partners_us_jp", "NdFeB")
    assert e.stage_totals[sample_chain.stage_index("magnet")] == pytest.approx(280)
    assert e.share("magnet", "CHN") == pytest.approx(80 / 280)
    # JPN makes 2 t Dy metal and ships 0.5 t to the USA: the block holds 2 t, not 2.5.
    dy = chain_exposure(sample_chain, "partners_us_jp", "Dy_metal")
    assert dy.stage_totals[sample_chain.stage_index("metal")] == pytest.approx(2.0)
