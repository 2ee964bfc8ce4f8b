"""The engine in the loop: the surrogate is refitted to the engine until they agree."""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.optimize.analysis import LoopOptions, track
from reechain.optimize.candidates import bundled_candidates
from reechain.optimize.evaluate import EngineLosses
from reechain.optimize.loop import fit_surrogate, solve_with_engine
from reechain.optimize.model import Solution
from reechain.optimize.partnership import bundled_partnership
from reechain.optimize.sampling import stratified_histories
from reechain.optimize.settings import Settings, settings_of
from tests.optimize.instances import plant_row, stock_row, tiny_instance

EXPECTED = Settings(value_of_lost_output_share=1.0, mip_gap=0.0)


def tripled(solution: Solution) -> EngineLosses:
    """An 'engine' that loses three times what the linear engine loses."""
    assert solution.linear_loss_usd is not None
    loss = 3.0 * solution.linear_loss_usd
    return EngineLosses(solution.candidates, loss, loss, loss, None, solution.weights)


def test_the_loop_changes_the_decision_when_the_engine_loses_more() -> None:
    """Plant (USD 200, 6 t/yr) or stock (≤ 5 t at USD 20/t); histories import 10 t and 4 t
    of a 10-unit need worth USD 100 a unit. The linear engine prefers the stock (total 150,
    see test_tiny). If the engine loses 3× as much, a stock of 5 t leaves 3 × 50 = 150 of
    loss (total 250) while the plant leaves none (total 200): after one refit the loop
    buys the plant, and its surrogate (0 loss) agrees with the engine (0)."""
    inst = tiny_instance([10, 4], rows=plant_row("plant", 200, 6) + stock_row("stock", 5, 20))
    tracked = solve_with_engine(inst, EXPECTED, tripled)
    first, second = tracked.steps
    assert first.chosen == ("stock",)
    assert first.surrogate_expected_loss_usd == pytest.approx(50.0)
    assert first.engine_expected_loss_usd == pytest.approx(150.0)
    assert first.relative_gap == pytest.approx(-2 / 3)
    assert "plant" in second.chosen
    assert second.first_stage_cost_usd == pytest.approx(200.0)  # a stock of 0 t costs 0
    assert second.relative_gap == pytest.approx(0.0)
    assert tracked.converged
    assert "plant" in tracked.solution.chosen()
    assert tracked.settings.loss_scale == pytest.approx((1.0, 3.0))
    assert "within 20%" in tracked.note()


def test_a_loop_that_runs_out_of_iterations_says_so() -> None:
    inst = tiny_instance([10, 4], rows=plant_row("plant", 200, 6) + stock_row("stock", 5, 20))
    tracked = solve_with_engine(inst, EXPECTED, tripled, max_iterations=1)
    assert not tracked.converged
    assert len(tracked.steps) == 1
    assert "NOT within 20%" in tracked.note()


def test_fit_through_the_latest_point_with_the_earlier_slope() -> None:
    """History 0: linear 4 → engine 10, then linear 2 → engine 8: slope (10 − 8) ÷ (4 − 2)
    = 1 through (2, 8): offset 6. History 1: the slope 5 would exceed the ratio at the
    latest point (1 → 2), so it is cut to 2, offset 0."""
    scale, offset = fit_surrogate(
        [np.array([4.0, 2.0]), np.array([2.0, 1.0])], [np.array([10.0, 7.0]), np.array([8.0, 2.0])]
    )
    assert scale.tolist() == pytest.approx([1.0, 2.0])
    assert offset.tolist() == pytest.approx([6.0, 0.0])


def test_on_the_default_chain_the_surrogate_ends_within_20_percent() -> None:
    """US–Japan, 6 stratified three-year histories: the loop ends with the surrogate's
    in-sample expected loss within 20 % of the engine's on the same portfolio."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    p = bundled_partnership("us-japan").model_copy(update={"horizon_years": 3})
    histories = stratified_histories(chain, p.seed, 6, 36, p.members)
    _, tracked = track(
        chain, p, bundled_candidates(), histories, settings_of(p), p.members, LoopOptions()
    )
    assert tracked.converged
    gap = tracked.relative_gap
    assert gap is not None
    assert abs(gap) <= 0.2
    last = tracked.steps[-1]
    assert last.engine_expected_loss_usd == pytest.approx(tracked.engine.expected_loss_usd)
