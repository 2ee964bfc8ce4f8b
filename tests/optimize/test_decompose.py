"""The decomposed solve (one LP per history, L-shaped cuts) is the monolithic MILP's solve:
the same optimum within the MIP gap, valid cuts, and the whole model where histories are
coupled."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reechain
from reechain.optimize import bundled_candidates, settings_of
from reechain.optimize.decompose import Split, evaluate, split
from reechain.optimize.histories import sample_histories
from reechain.optimize.model import build_model, solve
from reechain.optimize.partnership import bundled_partnership
from reechain.optimize.second_stage import Instance, build_instance
from reechain.optimize.settings import Settings


@pytest.fixture(scope="module")
def instance() -> Instance:
    """US-Japan on the default chain: 6 histories of 3 years."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    members = ["USA", "JPN"]
    h = sample_histories(chain, 7, 0, 6, 36, members)
    return build_instance(chain, members, bundled_candidates(), h, horizon_years=3)


@pytest.fixture(scope="module")
def partnership_settings() -> Settings:
    """The us-japan partnership's settings: a budget, a max-share rule, days of cover."""
    return settings_of(bundled_partnership("us-japan"))


@pytest.fixture(scope="module")
def parts(instance: Instance, partnership_settings: Settings) -> Split:
    parts = split(build_model(instance, partnership_settings).model)
    assert parts is not None
    return parts


def test_decomposed_and_monolithic_solves_agree_within_the_gap(
    instance: Instance, partnership_settings: Settings
) -> None:
    decomposed = solve(instance, partnership_settings)
    whole = solve(instance, partnership_settings.with_(decompose=False))
    assert (decomposed.method, whole.method) == ("decomposed", "monolithic")
    assert decomposed.iterations > 1
    gap = partnership_settings.mip_gap
    assert decomposed.objective_usd == pytest.approx(whole.objective_usd, rel=2 * gap)
    # the decomposed solution reads back like a monolithic one: its objective is its cost
    assert decomposed.objective_usd == pytest.approx(decomposed.total_cost_usd, rel=1e-6)
    assert decomposed.first_stage_cost_usd <= partnership_settings.budget_usd * (1 + 1e-9)


def test_a_fixed_portfolio_costs_the_same_either_way(
    instance: Instance, partnership_settings: Settings
) -> None:
    """With the first stage fixed, both solve the same LP: the same losses per history."""
    chosen = solve(instance, partnership_settings)
    build, size = chosen.fixed()
    fixed = partnership_settings.with_(fixed_build=build, fixed_size_t=size)
    a = solve(instance, fixed)
    b = solve(instance, fixed.with_(decompose=False))
    np.testing.assert_allclose(a.loss_usd, b.loss_usd, rtol=1e-6, atol=1.0)
    assert a.first_stage_cost_usd == pytest.approx(b.first_stage_cost_usd)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_every_cut_lies_below_the_history_cost(parts: Split, data: st.DataObject) -> None:
    """Q_s is convex in the first stage, so Q_s(x) ≥ Q_s(x̂) + g·(x − x̂) for any x."""
    fractions = st.lists(st.floats(0, 1), min_size=len(parts.first), max_size=len(parts.first)).map(
        np.array
    )
    upper = np.where(parts.upper < 1e12, parts.upper, parts.lower + 1e3)
    at = parts.lower + data.draw(fractions) * (upper - parts.lower)
    x = parts.lower + data.draw(fractions) * (upper - parts.lower)
    s = data.draw(st.integers(0, len(parts.histories) - 1))
    here, there = evaluate(parts.histories[s], at), evaluate(parts.histories[s], x)
    assert here is not None
    assert there is not None
    cost, gradient, _ = here
    assert there[0] >= cost + gradient @ (x - at) - 1e-6 * max(1.0, abs(there[0]))


def test_a_cvar_limit_couples_the_histories_so_the_model_is_solved_whole(
    instance: Instance,
) -> None:
    limited = Settings(cvar_limit_usd=1e12)
    assert split(build_model(instance, limited).model) is None
    assert solve(instance, limited).method == "monolithic"
