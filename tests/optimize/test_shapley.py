"""Shapley cost shares: the axioms as properties, a hand example and a four-partner game."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.errors import InputError
from reechain.optimize.shapley import MAX_EXACT_PLAYERS, coalitions, shapley_shares

PLAYERS = ("A", "B", "C", "D")


def games(n: int) -> st.SearchStrategy[dict[frozenset[str], float]]:
    names = PLAYERS[:n]
    return st.lists(st.floats(0, 1e9, allow_nan=False), min_size=2**n - 1, max_size=2**n - 1).map(
        lambda xs: {frozenset(c): x for c, x in zip(coalitions(names), xs, strict=True)}
    )


@given(st.integers(1, 4).flatmap(lambda n: st.tuples(st.just(n), games(n))))
def test_efficiency(game: tuple[int, dict[frozenset[str], float]]) -> None:
    """The shares add up to the grand coalition's cost."""
    n, costs = game
    shares = shapley_shares(PLAYERS[:n], lambda t: costs[frozenset(t)])
    assert sum(shares.share_usd) == pytest.approx(costs[frozenset(PLAYERS[:n])], abs=1e-3)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=4, max_size=4))
def test_symmetry(by_size: list[float]) -> None:
    """When cost depends only on how many join, every partner pays the same."""
    shares = shapley_shares(PLAYERS, lambda t: by_size[len(t) - 1])
    assert max(shares.share_usd) - min(shares.share_usd) == pytest.approx(0.0, abs=1e-6)


@given(games(3))
def test_null_player(costs: dict[frozenset[str], float]) -> None:
    """A partner who changes no coalition's cost pays nothing and gains nothing."""

    def cost(t: tuple[str, ...]) -> float:
        rest = frozenset(t) - {"D"}
        return costs[rest] if rest else 0.0

    shares = shapley_shares(PLAYERS, cost)
    assert shares.share_usd[3] == pytest.approx(0.0, abs=1e-6)


def test_two_partners_by_hand() -> None:
    """c(A)=10, c(B)=20, c(AB)=24: φ_A = ½·10 + ½·(24 − 20) = 7, φ_B = 17; each saves 3."""
    costs = {("A",): 10.0, ("B",): 20.0, ("A", "B"): 24.0}
    shares = shapley_shares(("A", "B"), lambda t: costs[t])
    assert shares.share_usd == (7.0, 17.0)
    assert shares.benefit_usd == (3.0, 3.0)


def test_more_than_eight_partners_is_refused() -> None:
    players = [f"P{i}" for i in range(MAX_EXACT_PLAYERS + 1)]
    with pytest.raises(InputError, match="at most 8"):
        shapley_shares(players, lambda t: 0.0)


def test_every_coalition_is_solved_once() -> None:
    seen: list[tuple[str, ...]] = []

    def cost(t: tuple[str, ...]) -> float:
        seen.append(t)
        return float(len(t))

    shapley_shares(PLAYERS, cost)
    assert len(seen) == 15 == len(set(seen))
    assert set(seen) == {c for k in range(1, 5) for c in itertools.combinations(PLAYERS, k)}
