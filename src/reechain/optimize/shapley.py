"""Cost sharing between partners: the Shapley value of the cooperative cost game.

Each coalition T of partners solves its own problem (its regions pooled, its candidates,
its demand) and gets its optimal cost c(T) (first-stage cost + expected loss); c(∅) = 0.
Partner i pays

    φ_i = Σ_{T ⊆ N∖{i}} |T|! (n − |T| − 1)! ÷ n! × (c(T ∪ {i}) − c(T)),

which splits c(N) exactly (efficiency), treats interchangeable partners alike (symmetry)
and charges nothing to a partner who changes no coalition's cost (null player). A partner's
**benefit** is its standalone cost c({i}) minus its share. Exact enumeration needs 2ⁿ − 1
solves, so it is limited to :data:`MAX_EXACT_PLAYERS` partners.

Examples
--------
>>> costs = {(): 0.0, ("A",): 10.0, ("B",): 20.0, ("A", "B"): 24.0}
>>> shares = shapley_shares(("A", "B"), lambda t: costs[t])
>>> shares.share_usd, shares.benefit_usd
((7.0, 17.0), (3.0, 3.0))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reechain.errors import InputError

MAX_EXACT_PLAYERS = 8
"""Largest partnership shared exactly (2⁸ − 1 = 255 coalition solves)."""

Coalition = tuple[str, ...]


@dataclass(frozen=True)
class CostShares:
    """Each partner's Shapley share of the grand coalition's cost, and its benefit (USD)."""

    players: tuple[str, ...]
    share_usd: tuple[float, ...]
    standalone_usd: tuple[float, ...]
    benefit_usd: tuple[float, ...]
    """Standalone cost − share: what joining saves the partner."""
    grand_coalition_usd: float
    coalition_costs: tuple[tuple[Coalition, float], ...]

    def records(self) -> list[dict[str, Any]]:
        """Return one row per partner (USD)."""
        total = self.grand_coalition_usd
        return [
            {
                "partner": p,
                "standalone_cost_usd": a,
                "shapley_share_usd": s,
                "share": s / total if total else None,
                "benefit_usd": b,
            }
            for p, s, a, b in zip(
                self.players, self.share_usd, self.standalone_usd, self.benefit_usd, strict=True
            )
        ]


def coalitions(players: Sequence[str]) -> list[Coalition]:
    """Return every non-empty coalition, as tuples in the players' order."""
    return [
        tuple(c) for k in range(1, len(players) + 1) for c in itertools.combinations(players, k)
    ]


def shapley_shares(players: Sequence[str], cost: Callable[[Coalition], float]) -> CostShares:
    """Return the Shapley cost shares of ``players`` for the coalition cost function ``cost``.

    ``cost`` is called once per non-empty coalition (a tuple in ``players``' order).
    """
    n = len(players)
    if n > MAX_EXACT_PLAYERS:
        raise InputError(
            f"members: got {n} partners, expected at most {MAX_EXACT_PLAYERS} for exact "
            "Shapley sharing (2^n - 1 coalition solves)"
        )
    if len(set(players)) != n:
        raise InputError("members: expected distinct partners")
    order = tuple(players)
    values: dict[frozenset[str], float] = {frozenset(): 0.0}
    listed = []
    for c in coalitions(order):
        values[frozenset(c)] = float(cost(c))
        listed.append((c, values[frozenset(c)]))
    shares = []
    for i in order:
        others = [p for p in order if p != i]
        total = 0.0
        for k in range(len(others) + 1):
            weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            for t in itertools.combinations(others, k):
                total += weight * (values[frozenset((*t, i))] - values[frozenset(t)])
        shares.append(total)
    standalone = tuple(values[frozenset((p,))] for p in order)
    return CostShares(
        players=order,
        share_usd=tuple(shares),
        standalone_usd=standalone,
        benefit_usd=tuple(a - s for a, s in zip(standalone, shares, strict=True)),
        grand_coalition_usd=values[frozenset(order)],
        coalition_costs=tuple(listed),
    )
