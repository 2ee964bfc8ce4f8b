"""The bill partners can sign: who pays what of the portfolio's cost, and what each gets.

The **bill** B(N) is what the partners pay for the chosen portfolio: capex, stockpile
material purchases, opex and holding costs over the horizon, discounted
(:func:`reechain.optimize.objective.build_costs`). What a partner **gets** is its
**avoided loss**: the engine's expected loss in its regions with nothing bought, less the
same with the portfolio in place.

Fairness comes from the *savings game*. Each coalition T solves its own problem and has
a cost c(T) = its own bill + the engine's expected loss in its regions at its own optimum
(:func:`reechain.optimize.analysis.coalition_cost`). Partner i's fair total cost is its
Shapley value φ_i(c) (equivalently, its Shapley share of the savings v(T) = Σ_{i∈T} c({i})
− c(T), which differs from φ_i(c) by the constant c({i})), so its **Shapley bill** is
φ_i(c) − L_i, L_i its own loss under the grand portfolio; the bills add up to B(N).

That split is then kept, in this order of preference, within

1. the **core**: Σ_{i∈T} (b_i + L_i) ≤ c(T) for every coalition T (no group is better off
   alone), when the core is non-empty;
2. **individual rationality** (b_i + L_i ≤ c({i})), when the core is empty (said so);
3. the **standalone cost** (b_i ≤ c({i})) when even that cannot hold (said so);

always with b_i ≥ 0 unless side payments are allowed, and Σ b_i = B(N). Among the
allocations allowed, the one nearest the Shapley bill (least total absolute change; an LP,
HiGHS through SciPy) is chosen, so the Shapley bill is kept whenever it is allowed.

Examples
--------
>>> costs = {("A",): 10.0, ("B",): 20.0, ("A", "B"): 24.0}
>>> split = split_bill(("A", "B"), lambda t: costs[t], bill_usd=6.0, loss_usd=(4.0, 14.0),
...                    nothing_loss_usd=(10.0, 20.0))
>>> split.share_usd, split.rule
((3.0, 3.0), 'Shapley value (in the core)')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog

from reechain.errors import InfeasibleError
from reechain.optimize.shapley import Coalition, shapley_shares

TOL = 1e-6
"""Relative tolerance of the allocation LP (USD checks use it × the bill's scale)."""


@dataclass(frozen=True)
class BillSplit:
    """Each partner's share of the bill, what it gets and its standalone alternative (USD)."""

    players: tuple[str, ...]
    bill_usd: float
    share_usd: tuple[float, ...]
    """What each partner pays of the bill (sums to ``bill_usd``)."""
    shapley_usd: tuple[float, ...]
    """The Shapley bill before the core, sign and standalone limits."""
    loss_usd: tuple[float, ...]
    """Each partner's expected loss with the portfolio (engine)."""
    avoided_loss_usd: tuple[float, ...]
    """Each partner's expected loss with nothing bought, less ``loss_usd``."""
    standalone_cost_usd: tuple[float, ...]
    """c({i}): going alone, its own bill plus its own loss."""
    core_nonempty: bool
    rule: str
    """Which allocation was chosen (see the module)."""
    side_payments: bool
    coalition_costs: tuple[tuple[Coalition, float], ...]

    @property
    def net_benefit_usd(self) -> tuple[float, ...]:
        """Avoided loss less the bill share, per partner."""
        return tuple(a - b for a, b in zip(self.avoided_loss_usd, self.share_usd, strict=True))

    def standalone_net_benefit_usd(self) -> tuple[float, ...]:
        """Going alone: loss with nothing bought less c({i}), per partner."""
        nothing = [a + x for a, x in zip(self.avoided_loss_usd, self.loss_usd, strict=True)]
        return tuple(n - c for n, c in zip(nothing, self.standalone_cost_usd, strict=True))

    def records(self) -> list[dict[str, Any]]:
        """Return one row per partner (USD)."""
        rows = []
        alone = self.standalone_net_benefit_usd()
        for i, p in enumerate(self.players):
            rows.append(
                {
                    "partner": p,
                    "bill_usd": self.share_usd[i],
                    "bill_share": self.share_usd[i] / self.bill_usd if self.bill_usd else None,
                    "avoided_loss_usd": self.avoided_loss_usd[i],
                    "net_benefit_usd": self.net_benefit_usd[i],
                    "loss_left_usd": self.loss_usd[i],
                    "standalone_cost_usd": self.standalone_cost_usd[i],
                    "standalone_net_benefit_usd": alone[i],
                    "shapley_bill_usd": self.shapley_usd[i],
                    "rule": self.rule,
                }
            )
        return rows


def _nearest(
    target: np.ndarray,
    total: float,
    rows: list[tuple[np.ndarray, float]],
    lower: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray | None:
    """Return b with Σ b = total, rows a·b ≤ c, lower ≤ b ≤ upper, nearest ``target`` in L1."""
    n = len(target)
    scale = max(1.0, float(np.abs(target).max(initial=0.0)), abs(total))
    # variables: b (n), t (n) with t ≥ |b − target|
    c = np.concatenate([np.zeros(n), np.ones(n)])
    a_ub, b_ub = [], []
    for a, cap in rows:
        a_ub.append(np.concatenate([a, np.zeros(n)]))
        b_ub.append(cap / scale + TOL)
    eye = np.eye(n)
    for i in range(n):
        a_ub.append(np.concatenate([eye[i], -eye[i]]))
        b_ub.append(target[i] / scale)
        a_ub.append(np.concatenate([-eye[i], -eye[i]]))
        b_ub.append(-target[i] / scale)
    bounds = [
        (None if not np.isfinite(lo) else lo / scale, None if not np.isfinite(hi) else hi / scale)
        for lo, hi in zip(lower, upper, strict=True)
    ] + [(0, None)] * n
    res = linprog(
        c,
        A_ub=np.array(a_ub),
        b_ub=np.array(b_ub),
        A_eq=np.concatenate([np.ones(n), np.zeros(n)])[None, :],
        b_eq=[total / scale],
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        return None
    out: np.ndarray = np.asarray(res.x[:n]) * scale
    return out


def _spread(share: np.ndarray) -> np.ndarray:
    """Return weights (summing to 1) that spread a rounding residual over the positive
    shares in proportion (over all when none is positive)."""
    positive = np.maximum(share, 0.0)
    total = float(positive.sum())
    out: np.ndarray = positive / total if total > 0 else np.full(len(share), 1.0 / len(share))
    return out


def split_bill(
    players: Sequence[str],
    cost: Callable[[Coalition], float],
    *,
    bill_usd: float,
    loss_usd: Sequence[float],
    nothing_loss_usd: Sequence[float],
    side_payments: bool = False,
) -> BillSplit:
    """Return the bill split of ``players`` (see the module).

    ``cost(T)`` is c(T) for every non-empty coalition (called once each, grand coalition
    included); ``bill_usd`` the grand portfolio's bill; ``loss_usd`` and
    ``nothing_loss_usd`` each partner's expected loss with the portfolio and with nothing
    bought. InfeasibleError when even the standalone limits cannot cover the bill.
    """
    order = tuple(players)
    n = len(order)
    shapley = shapley_shares(order, cost)
    c = {frozenset(t): v for t, v in shapley.coalition_costs}
    L = np.asarray(loss_usd, dtype=np.float64)
    target = np.asarray(shapley.share_usd) - L
    standalone = np.array([c[frozenset((p,))] for p in order])
    lower = np.full(n, -np.inf) if side_payments else np.zeros(n)
    scale = max(1.0, abs(bill_usd), float(np.abs(standalone).max(initial=0.0)))

    def rows(sizes: range) -> list[tuple[np.ndarray, float]]:
        out = []
        for k in sizes:
            for t in itertools.combinations(range(n), k):
                a = np.zeros(n)
                a[list(t)] = 1.0
                out.append((a, c[frozenset(order[i] for i in t)] - float(L[list(t)].sum())))
        return out

    core_rows = rows(range(1, n))
    core_nonempty = (
        _nearest(target, bill_usd, core_rows, np.full(n, -np.inf), np.full(n, np.inf)) is not None
    )
    tries = [
        (core_rows, "Shapley value (in the core)", "nearest core allocation to the Shapley value"),
        (
            rows(range(1, 2)),
            "Shapley value (individually rational; the core is empty)",
            "nearest individually rational allocation (the core is empty)",
        ),
        (
            [],
            "Shapley value (within standalone costs; not individually rational)",
            "nearest allocation within standalone costs (not individually rational)",
        ),
    ]
    if n == 1:
        tries = [([], "the whole bill (one partner)", "the whole bill (one partner)")]
    for constraint_rows, kept, moved in tries:
        if n > 1 and kept.startswith("Shapley value (in the core)") and not core_nonempty:
            continue
        found = _nearest(target, bill_usd, constraint_rows, lower, standalone)
        if found is None:
            continue
        unchanged = bool(np.abs(found - target).max(initial=0.0) <= TOL * scale * 10)
        share = target if unchanged else found
        share = np.where(np.abs(share) <= TOL * scale, 0.0, share)
        if not side_payments:
            share = np.maximum(share, 0.0)
        share = share + (bill_usd - share.sum()) * _spread(share)
        return BillSplit(
            players=order,
            bill_usd=float(bill_usd),
            share_usd=tuple(float(x) for x in share),
            shapley_usd=tuple(float(x) for x in target),
            loss_usd=tuple(float(x) for x in L),
            avoided_loss_usd=tuple(float(a - b) for a, b in zip(nothing_loss_usd, L, strict=True)),
            standalone_cost_usd=tuple(float(x) for x in standalone),
            core_nonempty=core_nonempty,
            rule=kept if unchanged else moved,
            side_payments=side_payments,
            coalition_costs=shapley.coalition_costs,
        )
    raise InfeasibleError(
        f"bill: USD {bill_usd:,.0f} exceeds what the partners would pay alone "
        f"(USD {float(standalone.sum()):,.0f} in all); no split keeps every bill within its "
        "standalone cost"
    )
