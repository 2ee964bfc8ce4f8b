"""The bill split computed for four partners (USA, JPN, AUS, eu27) on the default chain."""

from __future__ import annotations

import pytest

import reechain
from reechain.optimize.analysis import LoopOptions, analyse
from reechain.optimize.candidates import bundled_candidates
from reechain.optimize.partnership import bundled_partnership


def test_quad_eu_bill() -> None:
    """Fifteen coalition solves with the engine in the loop (3 histories, 3 years): the
    bills add up to the portfolio's bill, none is negative or above the partner's
    standalone cost, and AUS, with no end use of its own in the default dataset, has a
    standalone cost of zero and so pays nothing."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    partnership = bundled_partnership("quad-eu").model_copy(update={"horizon_years": 3})
    analysis = analyse(
        chain,
        partnership,
        bundled_candidates(),
        scenarios=3,
        out_of_sample=0,
        shapley=True,
        gap_histories=0,
        options=LoopOptions(max_iterations=2),
    )
    bill = analysis.bill
    assert bill is not None
    assert bill.players == ("USA", "JPN", "AUS", "eu27")
    assert len(bill.coalition_costs) == 15
    assert sum(bill.share_usd) == pytest.approx(analysis.solution.first_stage_cost_usd, rel=1e-6)
    for share, alone in zip(bill.share_usd, bill.standalone_cost_usd, strict=True):
        assert 0.0 <= share <= alone + 1e-6 * max(1.0, alone)
    assert bill.standalone_cost_usd[2] == pytest.approx(0.0, abs=1.0)
    assert bill.share_usd[2] == pytest.approx(0.0, abs=1.0)
    rows = analysis.tables()["bill"]
    assert [r["partner"] for r in rows] == ["USA", "JPN", "AUS", "eu27"]
    if not bill.core_nonempty:
        assert any("core of the savings game is empty" in w for w in analysis.warnings())
