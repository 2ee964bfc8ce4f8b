"""The engine in the loop: refit the second stage's losses to the engine until they agree.

The linear second stage (:mod:`~reechain.optimize.second_stage`) leaves out inventories,
prices and knock-on effects, so on its own it can see a fraction of the engine's losses.
:func:`solve_with_engine` closes the gap by iteration:

1. solve the MILP with the current surrogate (at first the linear engine itself);
2. run the engine (:func:`~reechain.optimize.evaluate.engine_losses`) on the in-sample
   histories with the chosen portfolio;
3. compare the surrogate's expected loss at that portfolio with the engine's: within
   ``tolerance`` (default 20 %) the loop stops;
4. otherwise refit the surrogate per history, loss_s(x) = a_s × linear_s(x) + b_s
   (:func:`fit_surrogate`: exact at the last portfolio the engine ran, slope from the
   earlier ones), and go back to 1.

The surrogate is *exact* at the portfolio it was fitted on, so when the optimum stops
moving the gap is zero; when it moves, the gap measures how well the per-history curves
extrapolated. After ``max_iterations`` without agreement the loop keeps the evaluated
portfolio with the lowest engine cost and says it did not converge.

Examples
--------
>>> import numpy as np
>>> scale, offset = fit_surrogate([np.array([2.0, 0.0])], [np.array([6.0, 5.0])])
>>> scale.tolist(), offset.tolist()
([3.0, 1.0], [0.0, 5.0])
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.optimize.candidates import Candidate
from reechain.optimize.evaluate import EngineLosses, engine_losses
from reechain.optimize.histories import Histories
from reechain.optimize.model import Solution, solve
from reechain.optimize.second_stage import Instance
from reechain.optimize.settings import Settings

FloatArray = NDArray[np.float64]

TOLERANCE = 0.2
"""The surrogate's in-sample expected loss must be within 20 % of the engine's (issue 20)."""
MAX_ITERATIONS = 5
"""Solves at most (each followed by one engine run on the in-sample histories)."""
MAX_SCALE = 50.0
"""Largest factor on a history's linear loss (a guard against a near-zero linear loss)."""

EngineRun = Callable[[Solution], EngineLosses]


def fit_surrogate(
    linear: Sequence[FloatArray], engine: Sequence[FloatArray]
) -> tuple[FloatArray, FloatArray]:
    """Return per-history (scale, offset) so that scale × linear + offset fits the engine.

    ``linear`` and ``engine`` hold one (S,) array of losses (USD) per evaluated portfolio,
    the last the latest. The fit passes through the latest point; its slope is the least
    squares slope through the earlier points (one point: the ratio engine ÷ linear), kept
    within [0, engine ÷ linear at the latest point] so the offset is never negative. A
    history where the linear engine loses (almost) nothing gets scale 1 and the engine's
    loss as offset.
    """
    lin = np.asarray(linear, dtype=np.float64)
    eng = np.asarray(engine, dtype=np.float64)
    l_k, e_k = lin[-1], eng[-1]
    tiny = 1e-9 * max(1.0, float(np.abs(l_k).max(initial=0.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(l_k > tiny, e_k / l_k, 1.0)
        if len(lin) > 1:
            dl, de = lin[:-1] - l_k, eng[:-1] - e_k
            denom = (dl * dl).sum(axis=0)
            slope = np.where(denom > tiny**2, (dl * de).sum(axis=0) / denom, ratio)
        else:
            slope = ratio
    scale = np.where(l_k > tiny, np.clip(slope, 0.0, np.minimum(ratio, MAX_SCALE)), 1.0)
    offset = np.maximum(e_k - scale * l_k, 0.0)
    return scale, offset


@dataclass(frozen=True)
class LoopStep:
    """One iteration: the portfolio solved for, and surrogate against engine on it (USD)."""

    iteration: int
    chosen: tuple[str, ...]
    investment_usd: float
    first_stage_cost_usd: float
    surrogate_expected_loss_usd: float
    engine_expected_loss_usd: float
    solve_seconds: float
    engine_seconds: float
    build_seconds: float = 0.0

    @property
    def relative_gap(self) -> float | None:
        """(surrogate − engine) ÷ engine, expected loss in sample (None: engine loses 0)."""
        e = self.engine_expected_loss_usd
        if e <= 0:
            return 0.0 if abs(self.surrogate_expected_loss_usd) <= 1.0 else None
        return (self.surrogate_expected_loss_usd - e) / e

    def record(self) -> dict[str, Any]:
        """Return the step as a row (USD, seconds)."""
        return {
            "iteration": self.iteration,
            "surrogate_expected_loss_usd": self.surrogate_expected_loss_usd,
            "engine_expected_loss_usd": self.engine_expected_loss_usd,
            "relative_gap": self.relative_gap,
            "first_stage_cost_usd": self.first_stage_cost_usd,
            "engine_total_cost_usd": self.first_stage_cost_usd + self.engine_expected_loss_usd,
            "chosen": " ".join(self.chosen),
            "build_s": self.build_seconds,
            "solve_s": self.solve_seconds,
            "engine_s": self.engine_seconds,
        }


@dataclass(frozen=True, eq=False)
class Tracked:
    """The portfolio the loop settled on, with its surrogate and its engine check."""

    solution: Solution
    settings: Settings
    """The settings of the final solve (with the fitted surrogate)."""
    engine: EngineLosses
    """The engine on the in-sample histories with this portfolio."""
    steps: tuple[LoopStep, ...]
    converged: bool
    tolerance: float

    @property
    def relative_gap(self) -> float | None:
        """The chosen step's gap (surrogate vs engine, in-sample expected loss)."""
        chosen = [s for s in self.steps if s.chosen == self.solution.chosen()]
        return chosen[-1].relative_gap if chosen else None

    def note(self) -> str:
        """Return one line on how the loop ended."""
        gap = self.relative_gap
        text = "n/a" if gap is None else f"{gap:+.1%}"
        if self.converged:
            return (
                f"surrogate within {self.tolerance:.0%} of the engine in sample after "
                f"{len(self.steps)} iteration(s) (gap {text})"
            )
        return (
            f"surrogate NOT within {self.tolerance:.0%} of the engine after {len(self.steps)} "
            f"iterations (gap {text}); kept the evaluated portfolio with the lowest engine cost"
        )


def solve_with_engine(
    inst: Instance,
    settings: Settings,
    run_engine: EngineRun,
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
    progress: Callable[[float], None] | None = None,
) -> Tracked:
    """Return the portfolio whose surrogate agrees with the engine in sample (see module).

    ``run_engine(solution)`` returns the engine's losses on the instance's histories with
    the solution's portfolio (:func:`engine_runner`).
    """
    current = settings
    linear: list[FloatArray] = []
    engine: list[FloatArray] = []
    steps: list[LoopStep] = []
    tried: list[tuple[Solution, Settings, EngineLosses]] = []
    for k in range(max(1, max_iterations)):
        solution = solve(inst, current)
        start = time.perf_counter()
        checked = run_engine(solution)
        seconds = time.perf_counter() - start
        step = LoopStep(
            k,
            solution.chosen(),
            solution.investment_usd,
            solution.first_stage_cost_usd,
            solution.expected_loss_usd,
            checked.expected_loss_usd,
            solution.solve_seconds,
            seconds,
            solution.build_seconds,
        )
        steps.append(step)
        tried.append((solution, current, checked))
        if progress:
            progress((k + 1) / max(1, max_iterations))
        gap = step.relative_gap
        if gap is not None and abs(gap) <= tolerance:
            return Tracked(solution, current, checked, tuple(steps), True, tolerance)
        assert solution.linear_loss_usd is not None
        linear.append(solution.linear_loss_usd)
        engine.append(checked.loss_usd)
        scale, offset = fit_surrogate(linear, engine)
        current = current.with_(
            loss_scale=tuple(scale.tolist()), loss_offset_usd=tuple(offset.tolist())
        )
    best = min(tried, key=lambda t: t[0].first_stage_cost_usd + t[2].expected_loss_usd)
    return Tracked(best[0], best[1], best[2], tuple(steps), False, tolerance)


def engine_runner(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    settings: Settings,
    *,
    horizon_years: int,
) -> EngineRun:
    """Return ``run_engine(solution)``: the engine on ``histories`` with the portfolio."""

    def run(solution: Solution) -> EngineLosses:
        return engine_losses(
            chain, histories, candidates, solution, settings, horizon_years=horizon_years
        )

    return run
