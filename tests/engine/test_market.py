"""The market's parameters and the price caps: where each comes from (issue 19, item 1)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reechain.engine.market import heavy_mask, load_market, magnet_mask
from reechain.errors import DatasetError
from reechain.workflows.datasets import bundled_path

TESTED_EPISODES = ("2009-2013", "2010", "2011", "2025")
"""Episodes the engine is tested on (VALIDATION.md): the 2010 replay and the 2025 ones."""


def test_no_price_cap_was_set_from_an_episode_it_is_tested_on() -> None:
    """Each cap of the default dataset names what it stands for and the episode it was set
    from; none was set from 2009-2013 or 2025."""
    path = Path(bundled_path("default")) / "elasticities.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["cap_source"], row["commodity"]
        assert row["cap_episode"], row["commodity"]
        for episode in TESTED_EPISODES:
            assert episode not in row["cap_episode"], row["commodity"]
            assert episode not in row["cap_source"], row["commodity"]


def test_medium_and_heavy_rare_earths() -> None:
    names = ("Dy2O3", "Tb_metal", "Y2O3", "Nd2O3", "NdPr_metal", "La2O3", "SmCo", "Sc2O3")
    assert heavy_mask(names).tolist() == [True, True, True, False, False, False, False, False]


def test_magnet_rare_earths_and_magnets() -> None:
    names = ("Nd2O3", "Pr6O11", "NdPr_metal", "NdFeB_bonded", "SmCo", "La2O3", "CeO2", "Dy2O3")
    assert magnet_mask(names).tolist() == [True] * 5 + [False] * 3


def test_a_market_table_missing_a_parameter_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "market.csv"
    path.write_text(
        "parameter,value,source,confidence\nwedge,0.5,made up,high\nnonsense,1,made up,high\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as err:
        load_market(path)
    text = str(err.value)
    assert "market.csv, line 3, column parameter" in text
    assert "nonsense" in text
