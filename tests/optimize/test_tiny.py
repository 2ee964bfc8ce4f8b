"""Tiny instances whose optimum is worked out by hand (one commodity, one step, USD)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.errors import InfeasibleError
from reechain.optimize.model import solve
from reechain.optimize.partnership import Cover, Objective
from reechain.optimize.settings import Settings
from tests.optimize.instances import plant_row, stock_row, tiny_instance

EXPECTED = Settings(value_of_lost_output_share=1.0, mip_gap=0.0)


def test_do_nothing_costs_the_expected_loss() -> None:
    """Two equally likely histories: imports 10 t (no loss) and 4 t (6 units lost).

    Expected loss = ½ × 0 + ½ × 6 units × USD 100 = USD 300; nothing to buy.
    """
    sol = solve(tiny_instance([10, 4]), EXPECTED)
    assert sol.chosen() == ()
    assert sol.expected_loss_usd == pytest.approx(300.0)
    assert sol.total_cost_usd == pytest.approx(300.0)
    assert list(sol.lost_output_usd) == pytest.approx([0.0, 600.0])


def test_stockpile_beats_plant_by_hand() -> None:
    """A plant (6 t/yr, USD 200) or a stock (≤ 5 t at USD 20/t, no holding cost).

    Plant: 200 + 0 = 200. Stock of s t: 20 s + ½ × 100 × (6 − s) = 300 − 30 s, least at
    s = 5: 150. Both: 200 + 100 = 300. Optimum: the stock at 5 t, total USD 150.
    """
    rows = plant_row("plant", 200, 6) + stock_row("stock", 5, 20)
    sol = solve(tiny_instance([10, 4], rows=rows), EXPECTED)
    assert sol.chosen() == ("stock",)
    assert dict(zip(sol.stock_names, sol.stock_size_t, strict=True)) == {"stock": pytest.approx(5)}
    assert sol.first_stage_cost_usd == pytest.approx(100.0)
    assert sol.total_cost_usd == pytest.approx(150.0)


def test_budget_binds_by_hand() -> None:
    """With a budget of USD 50 the stock is 2.5 t: 50 + ½ × 100 × 3.5 = 225."""
    rows = plant_row("plant", 200, 6) + stock_row("stock", 5, 20)
    sol = solve(tiny_instance([10, 4], rows=rows), EXPECTED.with_(budget_usd=50.0))
    assert sol.investment_usd == pytest.approx(50.0)
    assert sol.total_cost_usd == pytest.approx(225.0)


def test_cvar_limit_buys_the_plant() -> None:
    """CVaR₅₀ of loss (the worse history) ≤ 0 needs 6 t in history 2: the plant (USD 200)
    or stock 5 t + nothing else cannot; cost 200 is the cheapest way to lose nothing."""
    rows = plant_row("plant", 200, 6) + stock_row("stock", 5, 20)
    settings = EXPECTED.with_(objective=Objective.CVAR, cvar_level=0.5, cvar_limit_usd=0.0)
    sol = solve(tiny_instance([10, 4], rows=rows), settings)
    assert "plant" in sol.chosen()
    assert sol.loss_usd.max() == pytest.approx(0.0, abs=1e-6)


@given(
    cut=st.floats(0, 10),
    price=st.floats(1, 200),
    capex=st.floats(0, 1000),
    budgets=st.tuples(st.floats(0, 500), st.floats(0, 500)).map(sorted),
)
def test_a_larger_budget_never_worsens_the_objective(
    cut: float, price: float, capex: float, budgets: list[float]
) -> None:
    """Raising the budget only widens the feasible set, so the optimum cannot rise."""
    rows = plant_row("plant", capex, 4) + stock_row("stock", 8, price)
    inst = tiny_instance([10, 10 - cut], rows=rows)
    small = solve(inst, EXPECTED.with_(budget_usd=budgets[0]))
    large = solve(inst, EXPECTED.with_(budget_usd=budgets[1]))
    assert large.total_cost_usd <= small.total_cost_usd + 1e-6 * max(1.0, small.total_cost_usd)


def test_infeasible_names_the_conflict() -> None:
    """Days of cover need 5 t (USD 100) but the budget is USD 10: both are named."""
    rows = stock_row("stock", 5, 20)
    settings = EXPECTED.with_(
        budget_usd=10.0, days_of_cover=(Cover(holder="A", commodity="m", days=182.5),)
    )
    with pytest.raises(InfeasibleError, match=r"budget .* conflicts with days-of-cover\[A,m\]"):
        solve(tiny_instance([10, 4], rows=rows), settings)


def test_infeasible_alone_is_said_so() -> None:
    """365 days of cover (10 t) cannot be met by a stock of at most 5 t, whatever the budget."""
    rows = stock_row("stock", 5, 20)
    settings = EXPECTED.with_(days_of_cover=(Cover(holder="A", commodity="m", days=365),))
    with pytest.raises(InfeasibleError, match=r"days-of-cover\[A,m\].*even with every candidate"):
        solve(tiny_instance([10, 4], rows=rows), settings)


def test_fixed_portfolio_is_the_linear_engine() -> None:
    """Fixing the plant: history 2 gets 4 + 6 = 10 t, nothing is lost; cost 200."""
    rows = plant_row("plant", 200, 6) + stock_row("stock", 5, 20)
    sol = solve(
        tiny_instance([10, 4], rows=rows),
        EXPECTED.with_(fixed_build={"plant": 1.0}, fixed_size_t={}),
    )
    assert sol.chosen() == ("plant",)
    assert sol.total_cost_usd == pytest.approx(200.0)
