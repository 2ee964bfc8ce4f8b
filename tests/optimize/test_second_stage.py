"""The linear engine on the default chain: baseline, policies and its gap to the engine."""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.engine import simulate
from reechain.optimize.candidates import bundled_candidates
from reechain.optimize.evaluate import shortfall_gap
from reechain.optimize.histories import Histories, history_seeds, sample_histories
from reechain.optimize.model import portfolio_to_policies, solve
from reechain.optimize.second_stage import build_instance, open_candidates
from reechain.optimize.settings import Settings
from reechain.scenario.models import Scenario

MEMBERS = ("USA", "JPN")
NOTHING = Settings(fixed_build={}, fixed_size_t={})


@pytest.fixture(scope="module")
def chain() -> reechain.Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


def quiet(chain: reechain.Chain, n: int, years: int) -> Histories:
    scenarios = tuple(
        Scenario(name=f"quiet-{i}", dataset="default", horizon_months=12 * years) for i in range(n)
    )
    return Histories(scenarios, history_seeds(0, 0, n))


def test_no_disruption_no_loss(chain: reechain.Chain) -> None:
    """The baseline balances, so with no events and nothing bought nothing is lost."""
    inst = build_instance(chain, MEMBERS, bundled_candidates(), quiet(chain, 2, 2), horizon_years=2)
    sol = solve(inst, NOTHING)
    assert sol.lost_output_usd == pytest.approx([0.0, 0.0], abs=1e-3)
    assert sol.first_stage_cost_usd == 0.0


def test_quarterly_resolution(chain: reechain.Chain) -> None:
    h = sample_histories(chain, 5, 0, 2, 24, MEMBERS)
    yearly = build_instance(chain, MEMBERS, bundled_candidates(), h, horizon_years=2)
    quarterly = build_instance(
        chain, MEMBERS, bundled_candidates(), h, horizon_years=2, steps_per_year=4
    )
    assert quarterly.imports.shape[1] == 8
    assert quarterly.imports.sum() == pytest.approx(yearly.imports.sum())
    assert quarterly.requirement.sum() == pytest.approx(yearly.requirement.sum())


def test_portfolio_policies_run_in_the_engine(chain: reechain.Chain) -> None:
    """Every candidate kind becomes a policy the engine accepts."""
    table = bundled_candidates()
    chosen = {c: 1.0 for c in table}
    policies = portfolio_to_policies(chain, table, chosen, members=MEMBERS, horizon_months=48)
    kinds = {p.kind for p in policies}
    assert kinds == {"new_capacity", "recycling", "stockpile", "substitution"}
    later = portfolio_to_policies(chain, table, chosen, members=MEMBERS, horizon_months=12)
    assert len(later) < len(policies)
    scenario = Scenario(name="all", dataset="default", horizon_months=48, policies=tuple(policies))
    results = simulate(chain, scenario, months=48)
    assert np.all(np.isfinite(results.run.price))


def test_gap_to_the_engine_is_measured(chain: reechain.Chain) -> None:
    """On the same two draws (2 years), both engines report a finite lost output."""
    h = sample_histories(chain, 11, 0, 2, 24, MEMBERS)
    inst = build_instance(chain, MEMBERS, bundled_candidates(), h, horizon_years=2)
    sol = solve(inst, NOTHING)
    gap = shortfall_gap(
        chain,
        h,
        open_candidates(chain, bundled_candidates(), MEMBERS),
        sol,
        NOTHING,
        horizon_years=2,
    )
    summary = gap.summary()
    assert summary["histories"] == 2
    assert np.all(np.isfinite(gap.engine_lost_output_usd))
    assert np.all(gap.engine_rationed_output_usd <= gap.engine_lost_output_usd + 1e-6)
