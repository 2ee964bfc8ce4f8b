"""Build → solve → read back the partnership MILP, and turn a portfolio into policies.

:func:`build_model` assembles the model from the ``define_*`` families of
:mod:`~reechain.optimize.variables`, :mod:`~reechain.optimize.constraints` and
:mod:`~reechain.optimize.objective`; :func:`solve_model` solves it with HiGHS, by history
decomposition (:mod:`~reechain.optimize.decompose`: one LP per history, L-shaped cuts on
the first stage) where the model splits and the settings allow, else as one MILP through
linopy's direct interface; :func:`read_solution` returns a frozen :class:`Solution` with a
:class:`SolveStatus`. :func:`optimize` does the three and, when the problem is infeasible,
raises :class:`~reechain.errors.InfeasibleError` naming the constraints in conflict
(found by dropping named constraints one at a time, then in pairs, on the first stage).

Examples
--------
>>> import reechain
>>> from reechain.optimize import Settings, build_instance, bundled_candidates, sample_histories
>>> chain = reechain.compile_chain(reechain.load_dataset("default"))
>>> h = sample_histories(chain, 1, 0, 2, 24, ["USA", "JPN"])
>>> inst = build_instance(chain, ["USA", "JPN"], bundled_candidates(), h, horizon_years=2)
>>> solve(inst, Settings()).status
<SolveStatus.OPTIMAL: 'optimal'>
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import linopy
import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import InfeasibleError
from reechain.optimize import decompose
from reechain.optimize.candidates import Candidate, CandidateKind
from reechain.optimize.constraints import (
    define_balance_constraints,
    define_capacity_constraints,
    define_cvar_constraints,
    define_enduse_constraints,
    define_first_stage_constraints,
    define_stockpile_constraints,
    end_use_material,
    expression,
    first_stage_rows,
    loss_coefficients,
    loss_offsets,
)
from reechain.optimize.objective import build_costs, define_objective
from reechain.optimize.second_stage import Instance
from reechain.optimize.settings import Settings
from reechain.optimize.variables import (
    define_investment_variables,
    define_operation_variables,
    define_risk_variables,
    define_stockpile_size_variables,
)
from reechain.scenario.models import (
    NewCapacity,
    Policy,
    Recycling,
    StockpilePolicy,
    Substitution,
    Trigger,
)

FloatArray = NDArray[np.float64]

SOLVER_TUNING: dict[str, Any] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_allow_restart": False,
    "mip_lp_age_limit": 2,
    "mip_pool_soft_limit": 200,
    "mip_detect_symmetry": False,
}
"""HiGHS options measured to solve the default instance about 3× faster (few binaries, a
tight LP relaxation: sub-MIP heuristics, restarts and a large cut pool cost more than they
save; see benchmarks/bench_optimize.py)."""

RELEASE_TRIGGER_SHORTFALL_PCT = 1.0
"""Chosen and existing partner stocks release when a holder's shortfall passes 1 %."""


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    """Optimal within the MIP gap."""
    FEASIBLE = "feasible"
    """A solution, not proven optimal (time limit)."""
    INFEASIBLE = "infeasible"
    FAILED = "failed"


@dataclass(frozen=True)
class Built:
    """A built model and what is needed to read it back."""

    model: linopy.Model
    instance: Instance
    settings: Settings
    objective_constant_usd: float
    build_seconds: float


@dataclass(frozen=True, eq=False)
class Solution:
    """A solved partnership problem (USD, tonnes; per-history arrays in history order)."""

    status: SolveStatus
    members: tuple[str, ...]
    candidates: tuple[str, ...]
    build: FloatArray
    """(J,) 1 where chosen."""
    stock_names: tuple[str, ...]
    stock_size_t: FloatArray
    """(K,) tonnes held at the start (dataset stocks: their quantity)."""
    first_stage_cost_usd: float
    investment_usd: float
    """Capex of chosen candidates plus stock purchases (what a budget limits)."""
    loss_usd: FloatArray
    """(S,) value share of lost output per history (discounted)."""
    lost_output_usd: FloatArray
    """(S,) value of lost end-use output per history (undiscounted, whole value)."""
    shortfall_t: FloatArray
    """(S, C) end-use material not met per history, units (intensity × lost output)."""
    objective_usd: float
    mip_gap: float
    build_seconds: float
    solve_seconds: float
    n_variables: int
    n_constraints: int
    weights: FloatArray | None = None
    """(S,) probability of each history (None: equal)."""
    linear_loss_usd: FloatArray | None = None
    """(S,) the linear engine's own loss, before the engine-fitted scale and offset."""
    method: str = "monolithic"
    """How it was solved: ``decomposed`` (one LP per history) or ``monolithic``."""
    iterations: int = 0
    """Master solves of the decomposition (0 for a monolithic solve)."""

    @property
    def history_weights(self) -> FloatArray:
        """(S,) probability weights summing to 1."""
        if self.weights is not None:
            return self.weights
        n = len(self.loss_usd)
        return np.full(n, 1.0 / n) if n else np.zeros(0)

    @property
    def expected_loss_usd(self) -> float:
        """Probability-weighted mean loss over histories (USD)."""
        return float(self.history_weights @ self.loss_usd) if len(self.loss_usd) else 0.0

    @property
    def total_cost_usd(self) -> float:
        """First-stage cost plus expected loss (USD)."""
        return self.first_stage_cost_usd + self.expected_loss_usd

    def p95_lost_output_usd(self) -> float:
        """95th percentile of lost output value over histories, weighted (USD)."""
        return weighted_quantile(self.lost_output_usd, self.history_weights, 0.95)

    def chosen(self) -> tuple[str, ...]:
        """Names of the chosen candidates."""
        return tuple(c for c, b in zip(self.candidates, self.build, strict=True) if b > 0.5)

    def fixed(self) -> tuple[dict[str, float], dict[str, float]]:
        """Return (build, size) mappings that fix this portfolio in another solve."""
        build = {c: float(round(b)) for c, b in zip(self.candidates, self.build, strict=True)}
        size = {k: float(s) for k, s in zip(self.stock_names, self.stock_size_t, strict=True)}
        return build, size


def weighted_quantile(values: FloatArray, weights: FloatArray, q: float) -> float:
    """Return the ``q`` quantile of ``values`` under probability ``weights`` (the smallest
    value whose cumulative weight reaches q; 0 for no values)."""
    v = np.asarray(values, dtype=np.float64)
    if not len(v):
        return 0.0
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(np.asarray(weights, dtype=np.float64)[order])
    i = int(np.searchsorted(cum, q * cum[-1] - 1e-12, side="left"))
    return float(v[order][min(i, len(v) - 1)])


def build_model(inst: Instance, settings: Settings) -> Built:
    """Return the MILP of ``inst`` under ``settings`` (not solved)."""
    start = time.perf_counter()
    m = linopy.Model()
    define_investment_variables(m, inst, settings)
    define_stockpile_size_variables(m, inst, settings)
    define_operation_variables(m, inst)
    define_risk_variables(m, inst, settings)
    define_balance_constraints(m, inst)
    define_enduse_constraints(m, inst)
    define_capacity_constraints(m, inst)
    define_stockpile_constraints(m, inst)
    define_first_stage_constraints(m, inst, settings)
    define_cvar_constraints(m, inst, settings)
    constant = define_objective(m, inst, settings)
    return Built(m, inst, settings, constant, time.perf_counter() - start)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence HiGHS's banner (written straight to file descriptor 1) and linopy's log."""
    logger = logging.getLogger("linopy")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with _no_fd_output():
            yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _no_fd_output() -> Iterator[None]:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


@dataclass(frozen=True, eq=False)
class Solved:
    """How a solve of a built model ended, and its values."""

    status: SolveStatus
    seconds: float
    objective_usd: float
    """The model's objective, without its constant part."""
    mip_gap: float
    values: Mapping[str, FloatArray] = field(default_factory=dict)
    """Each variable's values, by name, shaped like its labels."""
    method: str = "monolithic"
    iterations: int = 0


def solve_model(built: Built) -> Solved:
    """Solve with HiGHS: by history decomposition where the model splits (and
    ``settings.decompose``), else as one MILP (also when a history's LP fails)."""
    if built.settings.decompose:
        start = time.perf_counter()
        with _quiet():
            parts = decompose.split(built.model)
            found = parts and decompose.solve_split(
                parts, built.settings.mip_gap, built.settings.time_limit_s
            )
        if found and found.status != "failed":
            return _decomposed(built, found, time.perf_counter() - start)
    return _monolithic(built)


def _decomposed(built: Built, found: decompose.Decomposed, seconds: float) -> Solved:
    """Return how a decomposed solve ended, its values by variable name."""
    if found.status == "infeasible":
        return Solved(
            SolveStatus.INFEASIBLE,
            seconds,
            np.inf,
            np.inf,
            method="decomposed",
            iterations=found.iterations,
        )
    position = built.model.variables.label_index.label_to_pos
    values = {}
    for name, var in built.model.variables.items():
        labels = var.labels.values
        values[name] = np.where(labels >= 0, found.values[position[np.maximum(labels, 0)]], np.nan)
    status = SolveStatus.OPTIMAL if found.status == "optimal" else SolveStatus.FEASIBLE
    return Solved(
        status, seconds, found.objective, found.gap, values, "decomposed", found.iterations
    )


def _monolithic(built: Built) -> Solved:
    """Solve the whole MILP with HiGHS through linopy."""
    start = time.perf_counter()
    options: dict[str, Any] = {
        "output_flag": False,
        "mip_rel_gap": built.settings.mip_gap,
        "time_limit": built.settings.time_limit_s,
        "random_seed": 0,
        "threads": 1,
        **SOLVER_TUNING,
    }
    with _quiet():
        status, condition = built.model.solve(solver_name="highs", io_api="direct", **options)
    seconds = time.perf_counter() - start
    m = built.model
    value = m.objective.value
    objective = float(value) if value is not None else np.inf
    gap = _mip_gap(m)
    if condition in ("infeasible", "infeasible_or_unbounded"):
        return Solved(SolveStatus.INFEASIBLE, seconds, objective, gap)
    if not (status == "ok" and condition == "optimal") and not (
        value is not None and condition in ("time_limit", "suboptimal")
    ):
        return Solved(SolveStatus.FAILED, seconds, objective, gap)
    values = {name: np.asarray(var.solution.values) for name, var in m.variables.items()}
    status_ = SolveStatus.OPTIMAL if condition == "optimal" else SolveStatus.FEASIBLE
    return Solved(status_, seconds, objective, gap, values)


def read_solution(built: Built, solved: Solved) -> Solution:
    """Return the solution of a solved model (numbers in USD, tonnes)."""
    inst, settings, m = built.instance, built.settings, built.model
    build = np.asarray(solved.values["Project-build"], dtype=np.float64)
    size = np.asarray(solved.values["Stockpile-size"], dtype=np.float64)
    lost = np.maximum(np.asarray(solved.values["Enduse-shortfall"], dtype=np.float64), 0.0)
    served = np.asarray(solved.values["Enduse-served"], dtype=np.float64)
    build = np.round(build, 6)
    per_build, per_t = build_costs(inst, settings)
    loss = (loss_coefficients(inst, settings) * lost).sum(axis=(1, 2)) + loss_offsets(
        inst, settings
    )
    raw = (loss_coefficients(inst, settings.with_(loss_scale=None)) * lost).sum(axis=(1, 2))
    capex = np.array([c.capex_usd for c in inst.candidates])
    buy = np.array(
        [inst.candidates[j].capex_usd_per_t or 0.0 if j >= 0 else 0.0 for j in inst.store_candidate]
    )
    cand = inst.store_candidate >= 0
    first = float(per_build @ build + per_t[cand] @ size[cand])
    return Solution(
        status=solved.status,
        members=inst.members,
        candidates=tuple(c.candidate for c in inst.candidates),
        build=build,
        stock_names=inst.store_names,
        stock_size_t=size,
        first_stage_cost_usd=first,
        investment_usd=float(capex @ build + buy[cand] @ size[cand]),
        loss_usd=np.maximum(loss, 0.0),
        lost_output_usd=(lost * inst.value_usd_per_unit).sum(axis=(1, 2)),
        shortfall_t=(end_use_material(inst) * (1 - served)).sum(axis=1),
        objective_usd=solved.objective_usd + built.objective_constant_usd,
        mip_gap=solved.mip_gap,
        build_seconds=built.build_seconds,
        solve_seconds=solved.seconds,
        n_variables=int(m.nvars),
        n_constraints=int(m.ncons),
        weights=inst.weights.copy(),
        linear_loss_usd=np.maximum(raw, 0.0),
        method=solved.method,
        iterations=solved.iterations,
    )


def _mip_gap(m: linopy.Model) -> float:
    try:
        info = m.solver_model.getInfo()
        return float(info.mip_gap) if np.isfinite(info.mip_gap) else 0.0
    except Exception:  # solver models differ; the gap is informative only
        return 0.0


def solve(inst: Instance, settings: Settings) -> Solution:
    """Build, solve and read back; InfeasibleError naming the constraints in conflict."""
    built = build_model(inst, settings)
    solved = solve_model(built)
    if solved.status is SolveStatus.INFEASIBLE:
        raise InfeasibleError(explain_infeasible(inst, settings))
    if solved.status is SolveStatus.FAILED:
        raise InfeasibleError(
            f"the solver stopped without a solution ({built.model.termination_condition}); "
            "raise time_limit_s or shrink the problem"
        )
    return read_solution(built, solved)


def _first_stage_feasible(inst: Instance, rows: list[Any]) -> bool:
    """Return whether the named first-stage rows can all hold (a small MILP, no histories)."""
    J, K = len(inst.candidates), len(inst.store_names)
    m = linopy.Model()
    b = m.add_variables(
        lower=np.zeros(J), upper=np.ones(J), integer=True, name="b", coords=[list(range(J))]
    ).labels.values
    lower = np.where(inst.store_candidate < 0, inst.store_existing_t, 0.0)
    s = m.add_variables(
        lower=lower,
        upper=np.maximum(inst.store_max_size_t, lower),
        name="s",
        coords=[list(range(K))],
    ).labels.values
    for k in np.nonzero(inst.store_candidate >= 0)[0].tolist():
        j = int(inst.store_candidate[k])
        expr = expression(
            m, np.array([s[k], b[j]]), np.array([1.0, -inst.store_max_size_t[k]]), (), {}
        )
        m.add_constraints(expr <= 0)
    for row in rows:
        labels = np.concatenate([b, s])
        coeffs = np.concatenate([row.build, row.size])
        expr = expression(m, labels, coeffs, (), {})
        m.add_constraints(expr <= row.rhs if row.sign == "<=" else expr >= row.rhs)
    m.add_objective(expression(m, np.concatenate([b, s]), np.zeros(J + K), (), {}))
    with _quiet():
        status, condition = m.solve(solver_name="highs", io_api="direct", output_flag=False)
    return status == "ok" and condition == "optimal"


def explain_infeasible(inst: Instance, settings: Settings) -> str:
    """Return one line naming the constraints that cannot hold together."""
    rows = first_stage_rows(inst, settings)
    if _first_stage_feasible(inst, rows):
        if settings.cvar_limit_usd is not None:
            return (
                f"infeasible: cvar (CVaR{settings.cvar_level:.0%} of loss ≤ USD "
                f"{settings.cvar_limit_usd:,.0f}) cannot be met with the candidates and "
                + (", ".join(r.text for r in rows) or "no other constraint")
            )
        return "infeasible: the second stage has no solution (check the instance's data)"
    alone = [r for r in rows if not _first_stage_feasible(inst, [r])]
    if alone:
        return "infeasible: " + "; ".join(
            f"{r.name} ({r.text}) cannot be met even with every candidate" for r in alone
        )
    for a, b in itertools.combinations(rows, 2):
        if not _first_stage_feasible(inst, [a, b]):
            return f"infeasible: {a.name} ({a.text}) conflicts with {b.name} ({b.text})"
    return "infeasible: together, " + "; ".join(f"{r.name} ({r.text})" for r in rows)


# --- portfolios as engine policies ---------------------------------------------------------


def portfolio_to_policies(
    chain: Chain,
    candidates: Mapping[str, Candidate] | tuple[Candidate, ...],
    chosen: Mapping[str, float],
    *,
    stock_size_t: Mapping[str, float] | None = None,
    members: tuple[str, ...] = (),
    succeeded: Mapping[str, bool] | None = None,
    horizon_months: int | None = None,
) -> list[Policy]:
    """Return the scenario policies that make the engine run a chosen portfolio.

    ``chosen`` maps candidate name → 1 (built) or 0; ``stock_size_t`` gives stock sizes;
    ``succeeded`` (name → bool) drops projects that failed in a given history;
    ``horizon_months`` drops those that start after the horizon; members' dataset
    stockpiles are activated with the same release trigger as new ones. Mapping:
    process → ``new_capacity`` (offtake: the destination, else the partner's regions);
    offtake and recycling → ``recycling`` (extra supply in the receiving region, one per
    commodity); stockpile → ``stockpile``; substitution → ``substitution``.

    Examples
    --------
    >>> import reechain
    >>> from reechain.optimize.candidates import bundled_candidates
    >>> chain = reechain.compile_chain(reechain.load_dataset("default"))
    >>> p = portfolio_to_policies(chain, bundled_candidates(), {"mp_10x_magnets": 1})
    >>> p[0].kind, p[0].region, p[0].start
    ('new_capacity', 'USA', '2028-01')
    """
    rows = tuple(candidates.values()) if isinstance(candidates, Mapping) else candidates
    sizes = stock_size_t or {}
    policies: list[Policy] = []
    trigger = Trigger(shortfall_pct=RELEASE_TRIGGER_SHORTFALL_PCT)
    last = chain.base_year + 1
    for c in rows:
        if chosen.get(c.candidate, 0.0) < 0.5:
            continue
        if succeeded is not None and not succeeded.get(c.candidate, True):
            continue
        start = f"{max(c.first_year, last)}-01"
        if horizon_months is not None and (max(c.first_year, last) - last) * 12 >= horizon_months:
            continue
        if c.kind is CandidateKind.PROCESS:
            receivers = (c.destination,) if c.destination else None
            policies.append(
                NewCapacity(
                    kind="new_capacity",
                    region=c.place,
                    stage=c.stage,
                    capacity_per_year=c.capacity_per_year or 0.0,
                    start=start,
                    ramp_up_months=12,
                    recipe=c.recipe,
                    offtake=receivers,
                )
            )
        elif c.kind in (CandidateKind.OFFTAKE, CandidateKind.RECYCLING):
            region = c.destination or c.place
            for name, qty in c.output_quantities().items():
                if qty > 0:
                    policies.append(
                        Recycling(
                            kind="recycling",
                            region=region,
                            commodity=name,
                            quantity_t_per_year=qty,
                            start=start,
                            ramp_up_months=12,
                        )
                    )
        elif c.kind is CandidateKind.STOCKPILE:
            size = float(sizes.get(c.candidate, c.max_size_t or 0.0))
            if size <= 0:
                continue
            policies.append(
                StockpilePolicy(
                    kind="stockpile",
                    holder=c.place,
                    commodity=c.output_names()[0],
                    size_t=size,
                    trigger=trigger,
                    max_release_t_per_month=c.max_release_t_per_month or size / 6,
                )
            )
        elif c.kind is CandidateKind.SUBSTITUTION:
            for name in c.output_names():
                policies.append(
                    Substitution(
                        kind="substitution",
                        sector=c.sector or "",
                        commodity=name,
                        reduction=c.reduction or 0.0,
                        start=start,
                        regions=(c.place,),
                    )
                )
    if members:
        pool = np.zeros(len(chain.regions), dtype=bool)
        for name in members:
            pool |= chain.region_mask(name)
        for k in np.nonzero(pool[chain.stockpile_holder])[0].tolist():
            rate = float(chain.stockpile_max_release_per_month[k])
            policies.append(
                StockpilePolicy(
                    kind="stockpile",
                    holder=chain.regions[chain.stockpile_holder[k]],
                    commodity=chain.commodities[chain.stockpile_commodity[k]],
                    trigger=trigger,
                    max_release_t_per_month=rate
                    if rate > 0
                    else 1e-9 + chain.stockpile_quantity[k] / 6,
                )
            )
    return policies
