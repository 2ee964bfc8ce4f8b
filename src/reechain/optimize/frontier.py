"""The cost–resilience frontier: first-stage cost against P95 lost output.

Each point re-solves the MILP with a tighter budget (or CVaR limit); the frontier shows what
a dollar of investment buys in tail resilience. Points where a limit cannot be met are left
out. A larger budget never worsens the optimum (tested), so along a budget sweep the total
cost falls (weakly) as the budget grows.

Examples
--------
>>> from reechain.optimize.frontier import cvar
>>> cvar([0.0, 0.0, 0.0, 10.0], 0.75)
10.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reechain.errors import InfeasibleError
from reechain.optimize.constraints import first_stage_rows
from reechain.optimize.model import Solution, solve
from reechain.optimize.partnership import Objective
from reechain.optimize.second_stage import Instance
from reechain.optimize.settings import Settings


def cvar(
    values: Sequence[float] | np.ndarray,
    level: float,
    weights: Sequence[float] | np.ndarray | None = None,
) -> float:
    """Return the CVaR (mean of the worst 1 − level share, interpolated) of ``values``.

    The Rockafellar–Uryasev form: min over η of η + Σ w max(v − η, 0) ÷ (1 − level),
    with probability ``weights`` (default: equally likely values).
    """
    v = np.asarray(values, dtype=np.float64)
    if not len(v):
        return 0.0
    w = (
        np.full(len(v), 1.0 / len(v))
        if weights is None
        else np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    )
    return float(min(eta + (w @ np.maximum(v - eta, 0)) / (1 - level) for eta in v))


@dataclass(frozen=True)
class FrontierPoint:
    """One solve of the sweep."""

    limit: str
    """What was imposed, e.g. ``budget ≤ USD 1.2e+09``."""
    first_stage_cost_usd: float
    investment_usd: float
    expected_loss_usd: float
    p95_lost_output_usd: float
    cvar_loss_usd: float
    chosen: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """Return the point as a row (USD)."""
        return {
            "limit": self.limit,
            "first_stage_cost_usd": self.first_stage_cost_usd,
            "investment_usd": self.investment_usd,
            "expected_loss_usd": self.expected_loss_usd,
            "total_cost_usd": self.first_stage_cost_usd + self.expected_loss_usd,
            "p95_lost_output_usd": self.p95_lost_output_usd,
            "cvar_loss_usd": self.cvar_loss_usd,
            "chosen": " ".join(self.chosen),
        }


def _point(label: str, s: Solution, level: float) -> FrontierPoint:
    return FrontierPoint(
        label,
        s.first_stage_cost_usd,
        s.investment_usd,
        s.expected_loss_usd,
        s.p95_lost_output_usd(),
        cvar(s.loss_usd, level, s.history_weights),
        s.chosen(),
    )


def budget_frontier(
    inst: Instance,
    settings: Settings,
    budgets: Sequence[float] | None = None,
    *,
    points: int = 6,
    progress: Callable[[float], None] | None = None,
) -> list[FrontierPoint]:
    """Return the frontier swept over ``budgets``.

    Default: ``points`` budgets from the least spend the other constraints allow to what
    the unconstrained optimum spends.
    """
    if budgets is None:
        free = solve(inst, settings.with_(budget_usd=None, objective=Objective.EXPECTED))
        least = solve(
            inst,
            settings.with_(
                budget_usd=None, objective=Objective.EXPECTED, value_of_lost_output_share=1e-12
            ),
        )
        top = max(free.investment_usd, least.investment_usd + 1.0)
        budgets = [float(b) for b in np.linspace(least.investment_usd, top, points)]
    out = []
    for i, budget in enumerate(budgets):
        try:
            s = solve(inst, settings.with_(budget_usd=float(budget), objective=Objective.EXPECTED))
        except InfeasibleError:
            continue
        out.append(_point(f"budget ≤ USD {budget:.3g}", s, settings.cvar_level))
        if progress:
            progress((i + 1) / len(budgets))
    return out


def cvar_frontier(
    inst: Instance,
    settings: Settings,
    limits: Sequence[float] | None = None,
    *,
    points: int = 6,
    progress: Callable[[float], None] | None = None,
) -> list[FrontierPoint]:
    """Return the frontier swept over CVaR limits on loss (cost minimised under each)."""
    if limits is None:
        rows = frozenset(r.name for r in first_stage_rows(inst, settings))
        none = solve(inst, settings.with_(fixed_build={}, fixed_size_t={}, skip=rows))
        best = solve(inst, settings.with_(budget_usd=None, objective=Objective.EXPECTED))
        hi = cvar(none.loss_usd, settings.cvar_level, none.history_weights)
        lo = cvar(best.loss_usd, settings.cvar_level, best.history_weights)
        limits = [float(x) for x in np.linspace(hi, lo, points)]
    out = []
    for i, limit in enumerate(limits):
        try:
            s = solve(
                inst,
                settings.with_(objective=Objective.CVAR, cvar_limit_usd=float(limit) * (1 + 1e-9)),
            )
        except InfeasibleError:
            continue
        out.append(_point(f"CVaR ≤ USD {limit:.3g}", s, settings.cvar_level))
        if progress:
            progress((i + 1) / len(limits))
    return out
