"""The partnership MILP solved by decomposition: one small LP per history (L-shaped cuts).

The monolithic MILP couples its histories only through the first stage (which candidates
are built, how large each stock is): every other variable and every constraint belongs to
one history. Fixing the first stage therefore splits the second stage into one LP per
history, each a few thousand rows, and the cost of a history's LP as a function of the
first stage, Q_s(x), is convex and piecewise linear. The multi-cut L-shaped method
(Van Slyke and Wets 1969; Birge and Louveaux 1988) solves

    min c·x + Σ_s θ_s   s.t.  first-stage rows,  θ_s ≥ Q_s(x̂) + g_s·(x − x̂)  (cuts),

where each cut comes from solving history s's LP at a trial x̂ (g_s from its row duals).
The master starts as the LP relaxation (cheap cuts), then turns integer; it stops when
the best portfolio's cost (an upper bound) and the master's (a lower bound) are within
the settings' MIP gap. Each history's LP is built once from the model's own matrix and
re-solved with new row bounds, so HiGHS starts from the previous basis.

The model is read from linopy's matrices, so the decomposition solves exactly the model
that :func:`~reechain.optimize.model.build_model` built: :func:`split` returns None when
the model does not have this structure (a CVaR limit couples the histories), and the
caller solves the monolithic model instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import linopy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INF = highspy.kHighsInf
RELAXED_GAP = 1e-4
"""The LP-relaxation phase stops once its bounds are this close (relative)."""
MAX_ITERATIONS = 200
"""Master solves at most, over both phases."""
CUT_TOLERANCE = 1e-7
"""A cut is added only where θ_s falls short of Q_s(x̂) by more than this (relative)."""
MASTER_UNIT = 1e6
"""The master counts money in millions (its costs, θ and cuts): the model's USD reach
1e10, which leaves HiGHS's MIP badly scaled against its tolerances."""
NEGLIGIBLE = 1e-9
"""A cut's first-stage term is left out when it moves the cut by less than this, in the
master's unit, over the variable's whole range (such terms are solver noise)."""


@dataclass(frozen=True, eq=False)
class Split:
    """A model as a first stage and one LP per history (positions in linopy's matrices)."""

    first: IntArray
    """(n,) positions of the first-stage variables."""
    first_integer: NDArray[np.bool_]
    """(n,) which first-stage variables are integer."""
    cost: FloatArray
    """(n,) first-stage objective coefficients."""
    lower: FloatArray
    upper: FloatArray
    """(n,) first-stage bounds."""
    master_rows: sp.csr_array
    """First-stage rows (over the n first-stage variables)."""
    master_lower: FloatArray
    master_upper: FloatArray
    histories: tuple[History, ...]
    n_variables: int
    """All variables of the model (the length of the full solution vector)."""


@dataclass(frozen=True, eq=False)
class History:
    """One history's LP: min c·y s.t. L − B x ≤ A y ≤ U − B x, bounds on y."""

    columns: IntArray
    """Positions of its variables in the full solution vector."""
    linked: IntArray
    """Rows (of its own LP) that involve the first stage."""
    link: sp.csr_array
    """(len(linked), n) first-stage coefficients B of those rows."""
    row_lower: FloatArray
    row_upper: FloatArray
    """Bounds of the linked rows before the first stage is moved to the right-hand side."""
    theta_lower: float
    """A lower bound on the LP's cost (its cost at the most favourable bounds)."""
    solver: Any
    """Its HiGHS instance (kept: each re-solve starts from the last basis)."""


@dataclass(frozen=True)
class Decomposed:
    """How a decomposed solve ended."""

    status: str
    """``optimal`` (bounds within the gap), ``feasible`` (a portfolio, the time or
    iteration limit reached first), ``infeasible`` (no first stage satisfies the
    first-stage rows) or ``failed`` (a history's LP had no solution)."""
    values: FloatArray
    """(n_variables,) the solution in linopy's matrix order."""
    objective: float
    lower_bound: float
    gap: float
    iterations: int
    cuts: int


def _bounds(sense: NDArray[np.str_], b: FloatArray) -> tuple[FloatArray, FloatArray]:
    lower = np.where(sense == "<", -INF, b)
    upper = np.where(sense == ">", INF, b)
    return lower.astype(np.float64), upper.astype(np.float64)


def history_of_variables(model: linopy.Model, vlabels: IntArray) -> IntArray:
    """Return, for each matrix position, the history index of its variable (−1: none)."""
    size = int(vlabels.max()) + 1 if len(vlabels) else 0
    of_label = np.full(size, -1, dtype=np.int64)
    for _, var in model.variables.items():
        if "history" not in var.dims:
            continue
        labels = var.labels.values
        axis = var.dims.index("history")
        shape = [1] * labels.ndim
        shape[axis] = labels.shape[axis]
        index = np.broadcast_to(np.arange(labels.shape[axis]).reshape(shape), labels.shape)
        keep = labels >= 0
        of_label[labels[keep]] = index[keep]
    return of_label[vlabels]


def split(model: linopy.Model) -> Split | None:
    """Return ``model`` split by history, or None when a row couples histories or the
    model is not a plain linear one (quadratic terms, indicators, scaled variables)."""
    mats = model.matrices
    A = mats.A
    if A is None or mats.Q is not None or len(mats.indicator_b):
        return None
    if not (mats.var_scaling == 1).all() or model.objective.scaling != 1:
        return None
    A = sp.csr_array(A)
    hist = history_of_variables(model, np.asarray(mats.vlabels))
    n_rows, n_vars = A.shape
    row_of_entry = np.repeat(np.arange(n_rows), np.diff(A.indptr))
    entry_hist = hist[A.indices]
    top = np.full(n_rows, -1, dtype=np.int64)
    np.maximum.at(top, row_of_entry, entry_hist)
    low = np.full(n_rows, np.iinfo(np.int64).max, dtype=np.int64)
    second = entry_hist >= 0
    np.minimum.at(low, row_of_entry[second], entry_hist[second])
    if np.any((top >= 0) & (low != top)):
        return None
    c = np.asarray(mats.c, dtype=np.float64)
    lb = np.asarray(mats.lb, dtype=np.float64)
    ub = np.asarray(mats.ub, dtype=np.float64)
    lb = np.where(np.isfinite(lb), lb, -INF)
    ub = np.where(np.isfinite(ub), ub, INF)
    row_lower, row_upper = _bounds(np.asarray(mats.sense), np.asarray(mats.b, dtype=np.float64))
    first = np.nonzero(hist < 0)[0]
    is_first = hist < 0
    master = top < 0
    vtypes = np.asarray(mats.vtypes)
    if np.any(np.isin(vtypes[~is_first], ("B", "I", "S"))):
        return None
    A_first = A[:, first]
    histories = []
    for s in range(int(hist.max()) + 1 if np.any(~is_first) else 0):
        rows = np.nonzero(top == s)[0]
        cols = np.nonzero(hist == s)[0]
        theta = _least_cost(c[cols], lb[cols], ub[cols])
        if theta is None:
            return None
        inner = A[rows][:, cols]
        outer = sp.csr_array(A_first[rows])
        linked = np.nonzero(np.diff(outer.indptr) > 0)[0]
        solver = _lp(c[cols], lb[cols], ub[cols], inner, row_lower[rows], row_upper[rows])
        histories.append(
            History(
                columns=cols,
                linked=linked,
                link=sp.csr_array(outer[linked]),
                row_lower=row_lower[rows][linked],
                row_upper=row_upper[rows][linked],
                theta_lower=theta,
                solver=solver,
            )
        )
    return Split(
        first=first,
        first_integer=np.isin(vtypes[first], ("B", "I")),
        cost=c[first],
        lower=lb[first],
        upper=ub[first],
        master_rows=sp.csr_array(A_first[master]),
        master_lower=row_lower[master],
        master_upper=row_upper[master],
        histories=tuple(histories),
        n_variables=n_vars,
    )


def _least_cost(c: FloatArray, lb: FloatArray, ub: FloatArray) -> float | None:
    """Return Σ min(c·lb, c·ub): a bound below the LP's cost (None when unbounded)."""
    at = np.where(c >= 0, lb, ub)
    if np.any((c != 0) & ~np.isfinite(at)) or np.any(np.abs(at[c != 0]) >= INF):
        return None
    return float(c[c != 0] @ at[c != 0])


def _highs() -> Any:
    """Return a quiet, single-threaded HiGHS (highspy's stubs do not type it)."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


def _lp(
    c: FloatArray,
    lb: FloatArray,
    ub: FloatArray,
    A: sp.csr_array,
    row_lower: FloatArray,
    row_upper: FloatArray,
) -> Any:
    """Return a quiet HiGHS holding the LP min c·y s.t. row bounds, column bounds."""
    h = _highs()
    lp = highspy.HighsLp()
    lp.num_col_ = len(c)
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = c
    lp.col_lower_ = lb
    lp.col_upper_ = ub
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(np.float64)
    lp.a_matrix_.num_col_ = len(c)
    lp.a_matrix_.num_row_ = A.shape[0]
    h.passModel(lp)
    return h


def evaluate(history: History, x: FloatArray) -> tuple[float, FloatArray, FloatArray] | None:
    """Solve ``history``'s LP at first stage ``x``; return (cost, subgradient in x, its
    variables' values), or None when the LP has no solution at ``x``."""
    h = history.solver
    shift = history.link @ x
    n = len(history.linked)
    if n:
        lower = np.where(history.row_lower > -INF, history.row_lower - shift, -INF)
        upper = np.where(history.row_upper < INF, history.row_upper - shift, INF)
        h.changeRowsBounds(n, history.linked.astype(np.int32), lower, upper)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    duals = np.asarray(solution.row_dual, dtype=np.float64)[history.linked]
    gradient = -(history.link.T @ duals)
    cost = float(h.getInfo().objective_function_value)
    return cost, np.asarray(gradient, dtype=np.float64), np.asarray(solution.col_value)


class _Master:
    """The first stage with one θ per history and the cuts found so far."""

    def __init__(self, model: Split) -> None:
        self.model = model
        n, S = len(model.first), len(model.histories)
        self.n, self.S = n, S
        h = _highs()
        h.setOptionValue("random_seed", 0)
        cost = np.concatenate([model.cost / MASTER_UNIT, np.ones(S)])
        theta = np.array([hist.theta_lower for hist in model.histories]) / MASTER_UNIT
        lower = np.concatenate([model.lower, theta])
        upper = np.concatenate([model.upper, np.full(S, INF)])
        h.addVars(n + S, lower, upper)
        h.changeColsCost(n + S, np.arange(n + S, dtype=np.int32), cost)
        rows = model.master_rows
        if rows.shape[0]:
            norm = np.maximum(abs(rows).max(axis=1).toarray().ravel(), 1e-300)
            rows = sp.csr_array(sp.diags(1 / norm) @ rows)
            h.addRows(
                rows.shape[0],
                np.where(model.master_lower > -INF, model.master_lower / norm, -INF),
                np.where(model.master_upper < INF, model.master_upper / norm, INF),
                rows.nnz,
                rows.indptr[:-1].astype(np.int32),
                rows.indices.astype(np.int32),
                rows.data.astype(np.float64),
            )
        self.h = h
        self.integer = np.nonzero(model.first_integer)[0].astype(np.int32)
        self.is_mip = bool(len(self.integer))
        self.range = np.where(
            np.isfinite(model.upper - model.lower) & (model.upper < INF) & (model.lower > -INF),
            model.upper - model.lower,
            1.0,
        )

    def integral(self, on: bool) -> None:
        """Make the first stage's integer variables integer (True) or continuous."""
        self.is_mip = on and bool(len(self.integer))
        if len(self.integer):
            kind = highspy.HighsVarType.kInteger if on else highspy.HighsVarType.kContinuous
            self.h.changeColsIntegrality(
                len(self.integer), self.integer, np.array([kind] * len(self.integer))
            )

    def add_cut(self, s: int, cost: float, gradient: FloatArray, at: FloatArray) -> None:
        """θ_s − g·x ≥ Q_s(x̂) − g·x̂ (in the master's unit, negligible terms left out)."""
        g = gradient / MASTER_UNIT
        keep = np.nonzero(np.abs(g) * self.range > NEGLIGIBLE)[0]
        index = np.concatenate([keep, [self.n + s]]).astype(np.int32)
        value = np.concatenate([-g[keep], [1.0]])
        self.h.addRow(float(cost / MASTER_UNIT - g[keep] @ at[keep]), INF, len(index), index, value)

    def solve(self, time_limit: float, gap: float) -> tuple[FloatArray, FloatArray, float] | None:
        """Return (x, θ, lower bound) or None when the first stage is infeasible."""
        self.h.setOptionValue("time_limit", max(1.0, time_limit))
        self.h.setOptionValue("mip_rel_gap", gap / 10)
        self.h.run()
        status = self.h.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible,):
            return None
        values = np.asarray(self.h.getSolution().col_value, dtype=np.float64)
        if len(values) < self.n + self.S:
            return None
        info = self.h.getInfo()
        bound = info.mip_dual_bound if self.is_mip else None
        objective = float(info.objective_function_value)
        lower = float(bound) if bound is not None and np.isfinite(bound) else objective
        unit = MASTER_UNIT
        return values[: self.n], values[self.n :] * unit, min(lower, objective) * unit


def solve_split(model: Split, gap: float, time_limit_s: float) -> Decomposed:
    """Solve ``model`` by the multi-cut L-shaped method to relative ``gap``."""
    start = time.perf_counter()
    master = _Master(model)
    best_values: FloatArray | None = None
    best = np.inf
    lower = -np.inf
    iterations = cuts = 0
    relaxed = bool(len(master.integer))
    master.integral(False)
    while iterations < MAX_ITERATIONS:
        left = time_limit_s - (time.perf_counter() - start)
        if left <= 0:
            break
        found = master.solve(left, gap)
        iterations += 1
        if found is None:
            if best_values is None:
                return _without("infeasible", lower, iterations, cuts)
            break
        x, theta, bound = found
        if not relaxed:
            lower = max(lower, bound)
        if relaxed or not len(master.integer):
            x_trial = x
        else:
            x_trial = x.copy()
            x_trial[master.integer] = np.round(x_trial[master.integer])
        total = float(model.cost @ x_trial)
        values = np.zeros(model.n_variables)
        values[model.first] = x_trial
        added = 0
        for s, history in enumerate(model.histories):
            result = evaluate(history, x_trial)
            if result is None:
                return _without("failed", lower, iterations, cuts)
            cost, gradient, y = result
            total += cost
            values[history.columns] = y
            if cost - theta[s] > CUT_TOLERANCE * max(1.0, abs(cost)):
                master.add_cut(s, cost, gradient, x_trial)
                added += 1
        cuts += added
        if relaxed:
            if added == 0 or total - bound <= RELAXED_GAP * max(1.0, abs(total)):
                relaxed = False
                master.integral(True)
            continue
        if total < best:
            best, best_values = total, values
        if added == 0 or best - lower <= gap * max(1.0, abs(best)):
            break
    if best_values is None:
        return _without("failed", lower, iterations, cuts)
    width = max(0.0, best - lower) / max(1.0, abs(best))
    status = "optimal" if width <= gap else "feasible"
    return Decomposed(status, best_values, best, lower, width, iterations, cuts)


def _without(status: str, lower: float, iterations: int, cuts: int) -> Decomposed:
    """A decomposed solve that ended without a portfolio."""
    return Decomposed(status, np.zeros(0), np.inf, lower, np.inf, iterations, cuts)
