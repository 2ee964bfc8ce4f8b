"""The briefing's model-against-observation box reads each observed price as the market
calibration does: China's export prices of 2010-11 as the episode's buyers paid them."""

from __future__ import annotations

import pytest

import reechain
from reechain.engine import simulate
from reechain.report.episodes import load_observations, model_value
from reechain.risk.market_fit import load_destinations, outside_multiple
from reechain.scenario import load_composed
from reechain.workflows.runs import run_fresh


def test_the_2010_replays_dy_peak_is_the_one_the_calibration_and_validation_read() -> None:
    """Within 2 %: the briefing weighs each importer by its requirement in the run's month
    (what its result tables hold), the calibration by the baseline's; both scale them by
    2010's destinations. Today's reading is a quarter higher."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    tables = run_fresh("cn-2010")
    dy = next(
        o for o in load_observations() if o.scenario == "cn-2010" and "Dy2O3" in o.commodities
    )
    assert dy.buyers == "2010"
    got, phrase = model_value(tables, dy, chain)
    res = simulate(chain, load_composed("cn-2010"))
    c = chain.commodities.index("Dy2O3")
    then = outside_multiple(chain, res.run.price, res.baseline.requirement[0], load_destinations())
    today = outside_multiple(chain, res.run.price, res.baseline.requirement[0])
    assert got == pytest.approx(then[:, c].max(), rel=0.02)
    assert got < 0.9 * today[:, c].max()
    assert phrase.startswith(f"{got:.1f}×, ")
    with pytest.raises(ValueError, match="2010's buyers need the chain"):
        model_value(tables, dy)


def test_the_2025_observations_are_todays_buyers() -> None:
    assert all(o.buyers == "" for o in load_observations() if o.scenario.startswith("cn-2025"))
