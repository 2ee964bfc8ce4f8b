"""The vectorized engine: DESIGN.md §4 for a batch of scenarios at once, scenario axis first.

Two backends compute it: the compiled kernel of :mod:`reechain.engine.compiled` (numba,
the default where installed, several times faster) and the numpy code of this module, the
fallback, described below. :func:`run_vectorized` chooses (``backend``,
``REECHAIN_ENGINE_BACKEND``).

It computes what :func:`reechain.engine.reference.run_reference` computes, for every
scenario of a :class:`~reechain.engine.batch.PreparedBatch` together: the same month, the
same steps in the same order, each written on arrays with a leading scenario axis ``B``.
There is no Python loop over scenarios; the loops that remain are over months, stages,
trade suppliers (round 2's order), stockpiles, price floors and sector priority ranks —
all of fixed, small length.

How each step is vectorized (axes: B scenarios, R regions, C commodities, S sectors,
P processes, Q stockpiles; N the suppliers of a commodity, K the (sector, commodity)
pairs with an intensity):

- **Sparsity, exactly**: trade arrays are (B, C_stage, N, R) — only regions that can ship
  a commodity in some scenario of the batch (a process making it, extra supply, or a
  sourcing share) are suppliers, since any other region has nothing to offer and no share;
  end use works on the K pairs with a non-zero intensity, not on S × C. Both leave out
  terms that are exactly zero.
- **Require**: per stage (downstream first), requests (B, R, C) and the wanted supply
  Σⱼ share × request on (B, C_stage, N, R); a process's required activity is a max over
  its outputs on (B, P, C_stage) arrays gathered by the process's region; process
  requirements are summed by region (``reduceat`` over the chain's processes in region
  order, then each scenario's own new processes).
- **Produce**: activity = min(effective capacity, required × the scarcest input's ratio)
  on (B, P).
- **Trade**: rounds 1 and 2 in :mod:`reechain.engine.vectorized_trade`; round 2 loops over
  the N suppliers in region order and water-fills on the rows (scenario, commodity) where
  some supplier has a leftover.
- **Buffer**: user inventories on (B, R, C); stockpiles one index q at a time, gathered
  per scenario (holders and commodities may differ by scenario).
- **Price** and **Make**: elementwise on (B, R, C) and (B, R, K); sector priority ranks
  shared level by level; sums over a commodity's sectors and minima over a sector's
  inputs by ``reduceat``.

Every operation is elementwise in the scenario axis, and reductions run over trailing axes
only, so a scenario's numbers do not depend on which other scenarios share its chunk:
results are bit-identical for any chunking. They agree with the reference engine to
rounding (sums taken in another order), 1e-9 relative by test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields
from functools import partial

import numpy as np
from numpy.typing import NDArray

from reechain.engine.batch import MonthTable, PreparedBatch
from reechain.engine.jit import AVAILABLE as COMPILED
from reechain.engine.prepare import TRIGGER_DATE, TRIGGER_PRICE, TRIGGER_SHORTFALL
from reechain.engine.reference import DAYS_PER_MONTH, KG_PER_T, RunArrays
from reechain.engine.vectorized_trade import trade_round_1, trade_round_2
from reechain.errors import InputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

NEW = "new_capacity["
"""Name prefix of the processes a ``new_capacity`` policy adds (see ``prepare``)."""
RUN_FIELDS = tuple(f.name for f in fields(RunArrays) if f.name != "initial_user_inventory")
"""Monthly fields of :class:`RunArrays`, each recorded as (B, T, ...)."""


@dataclass(frozen=True, eq=False)
class BatchRun:
    """What the vectorized engine produced: :class:`RunArrays` fields with a leading B axis.

    ``arrays[name]`` is (B, T, ...) for each recorded field (see ``RUN_FIELDS``), padded
    processes and stockpiles included; :meth:`scenario` cuts one scenario's
    :class:`RunArrays` out (every field must have been recorded).
    """

    arrays: dict[str, FloatArray]
    initial_user_inventory: FloatArray
    """(B, R, C)"""
    process_count: IntArray
    stockpile_count: IntArray

    def scenario(self, b: int) -> RunArrays:
        """Return scenario ``b``'s run, padding cut off."""
        out = {name: self.arrays[name][b] for name in RUN_FIELDS}
        for name in ("activity", "utilisation"):
            out[name] = out[name][:, : self.process_count[b]]
        out["stockpile_level"] = out["stockpile_level"][:, : self.stockpile_count[b]]
        return RunArrays(initial_user_inventory=self.initial_user_inventory[b], **out)


def run_vectorized(
    batch: PreparedBatch,
    record: Collection[str] | None = None,
    on_month: Callable[[int, Mapping[str, FloatArray]], None] | None = None,
    backend: str | None = None,
) -> BatchRun:
    """Return the month-by-month result of every scenario of ``batch`` (units per month).

    ``record`` names the fields to keep (default: all of ``RUN_FIELDS``; ``()`` keeps
    none). ``on_month(t, month)`` is called after each month with that month's (B, ...)
    arrays of every field (valid during the call only), so KPIs can be reduced on the fly
    without keeping (B, T, ...) arrays. ``backend`` is ``"compiled"`` (the numba kernel of
    :mod:`reechain.engine.compiled`) or ``"numpy"``; the default is
    :func:`default_backend`. Both give the same numbers to rounding.

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine.batch import prepare_batch
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> run = run_vectorized(prepare_batch(chain, [None, None], months=2))
    >>> run.arrays["price"].shape
    (2, 2, 4, 7)
    """
    keep = set(RUN_FIELDS if record is None else record)
    sh, ar = batch.shared, batch.arrays
    B, T = batch.size, batch.months
    R, C, S = len(sh["regions"]), len(sh["commodities"]), len(sh["sectors"])
    P, Q = ar["process_region"].shape[1], ar["stockpile_holder"].shape[1]
    shapes = _shapes(B, T, R, C, S, P, Q)
    out = {name: np.zeros(shapes[name]) for name in RUN_FIELDS if name in keep}
    step: Callable[[int], Mapping[str, FloatArray | None]]
    if resolve_backend(backend) == "compiled":
        from reechain.engine.compiled import CompiledMonths  # numba, on first use only

        kernel = CompiledMonths(batch, full_trade="shipments" in keep)
        step, initial = kernel.month, kernel.initial_stock
    else:
        st = _State(batch)
        st.full_trade = st.full_trade or "shipments" in keep
        step, initial = partial(_step, batch, st), st.initial_stock
    for t in range(T):
        month = step(t)
        for name, value in month.items():
            if name in out and value is not None:
                out[name][:, t] = value
        if on_month is not None:
            on_month(t, {k: v for k, v in month.items() if v is not None})
    return BatchRun(out, initial, batch.process_count, batch.stockpile_count)


BACKENDS = ("compiled", "numpy")


def default_backend() -> str:
    """The backend :func:`run_vectorized` uses by default: ``REECHAIN_ENGINE_BACKEND`` when
    set, else ``"compiled"`` when numba is installed, else ``"numpy"``."""
    chosen = os.environ.get("REECHAIN_ENGINE_BACKEND", "").strip().lower()
    if chosen:
        return resolve_backend(chosen)
    return "compiled" if COMPILED else "numpy"


def resolve_backend(backend: str | None) -> str:
    """Return ``backend`` checked (None: :func:`default_backend`)."""
    if backend is None:
        return default_backend()
    if backend not in BACKENDS:
        raise InputError(
            f"engine backend {backend!r} is not known; expected one of {', '.join(BACKENDS)}"
        )
    if backend == "compiled" and not COMPILED:
        raise InputError(
            "engine backend 'compiled' needs numba: pip install 'reechain[fast]', "
            "or set REECHAIN_ENGINE_BACKEND=numpy"
        )
    return backend


class _State:
    """What carries from month to month, per scenario, and fixed helper arrays."""

    def __init__(self, batch: PreparedBatch) -> None:
        sh, ar = batch.shared, batch.arrays
        B = batch.size
        R, C = len(sh["regions"]), len(sh["commodities"])
        self.user_stock = np.zeros((B, R, C))
        self.producer_stock = np.zeros((B, R, C))
        self.initial_stock = np.zeros((B, R, C))
        self.utilisation = ar["utilisation0"].copy()
        self.level = ar["stockpile_initial"].copy()
        self.price_prev = np.broadcast_to(sh["price0_usd_per_kg"], (B, R, C)).copy()
        region = ar["process_region"]
        # the chain's processes (first in every scenario), then each scenario's own new
        # ones (padded): the split is the chain's, never the chunk's, so sums by region
        # add the same terms in the same order however the scenarios are chunked
        self.shared_p = sum(1 for name in batch.processes[0] if not name.startswith(NEW))
        common = region[0, : self.shared_p]
        self.order = np.argsort(common, kind="stable")
        present, self.starts = np.unique(common[self.order], return_index=True)
        self.present = present
        self.common_region = common
        self.own_region = region[:, self.shared_p :]  # (B, P_own)
        self.rows = np.arange(B)
        self.R = R
        self.stages = {
            g: _selector(np.nonzero(np.asarray(sh["commodity_stage"]) == g)[0])
            for g in sh["stage_order"]
        }
        # inputs of each stage's processes (commodities with a non-zero input coefficient)
        pstage, pinputs = ar["process_stage"], ar["process_inputs"]
        self.stage_inputs = {
            g: _selector(np.nonzero((pinputs * (pstage == g)[..., None] > 0).any(axis=(0, 1)))[0])
            for g in sh["stage_order"]
        }
        # the (sector, commodity) pairs with an intensity somewhere in the batch, by
        # commodity then sector; every other pair is zero everywhere and left out
        table = batch.tables["intensity"]
        c_k, s_k = np.nonzero((table.values > 0).any(axis=(0, 1)).T)
        self.pair_s, self.pair_c = s_k, c_k
        self.pairs = MonthTable(table.values[:, :, s_k, c_k], table.index)  # (U, R, K)
        self.used, self.c_starts, self.pair_col = np.unique(
            c_k, return_index=True, return_inverse=True
        )
        self.rank = ar["sector_rank"][:, :, s_k]  # (B, R, K)
        self.levels = np.unique(self.rank).tolist()
        self.by_sector = np.argsort(s_k, kind="stable")
        self.sectors_used, self.s_starts = np.unique(s_k[self.by_sector], return_index=True)
        self.trade = {g: _suppliers(batch, self.stages[g]) for g in sh["stage_order"]}
        # stockpiles whose commodity (in some scenario) is at each stage
        stage_of_q = np.asarray(sh["commodity_stage"])[ar["stockpile_commodity"]]  # (B, Q)
        self.stage_stockpiles = {
            g: np.nonzero((stage_of_q == g).any(axis=0))[0].tolist() for g in sh["stage_order"]
        }
        self.has_input = pinputs > 0  # (B, P, C)
        self.has_output = ar["process_outputs"] > 0
        self.refill = bool((ar["stockpile_refill"] > 0).any())
        self.full_trade = self.refill  # (B, C, R, R) shipments: refill or a recording needs them


@dataclass(frozen=True, eq=False)
class _StageTrade:
    """A stage's trade on its suppliers only: (B, C_stage, N, R) instead of (B, C, R, R)."""

    commodity: IntArray
    """(C_stage,) commodity indices."""
    supplier: IntArray
    """(C_stage, N) supplier regions of each commodity, increasing; padded."""
    valid: BoolArray
    """(C_stage, N) False on padding."""
    share: MonthTable
    """(U, C_stage, N, R) sourcing shares (0 on padding)."""
    cap: MonthTable
    """(U, C_stage, N, R) link caps."""


def _suppliers(batch: PreparedBatch, cs: slice | IntArray) -> _StageTrade:
    """The regions that can ship each commodity of a stage in any scenario of the batch:
    those with a process making it, extra supply of it, or a sourcing share from them.
    A region outside this set has nothing to offer (no output, no producer stock) and no
    share, so leaving it out changes no number."""
    ar, tables = batch.arrays, batch.tables
    R = len(batch.shared["regions"])
    commodity = np.arange(len(batch.shared["commodities"]))[cs]
    made = ar["process_outputs"][:, :, commodity] > 0  # (B, P, Cg)
    real = (ar["process_stage"] >= 0)[..., None]
    can = np.zeros((len(commodity), R), dtype=bool)
    for b, p, k in zip(*np.nonzero(made & real), strict=True):
        can[k, ar["process_region"][b, p]] = True
    can |= (tables["extra_supply"].values[:, :, commodity] > 0).any(axis=0).T
    can |= (tables["sourcing_share"].values[:, commodity] > 0).any(axis=(0, 3))
    n = max(1, int(can.sum(axis=1).max(initial=0)))
    order = np.argsort(~can, axis=1, kind="stable")[:, :n]
    valid = np.take_along_axis(can, order, axis=1)
    supplier = np.where(valid, order, 0).astype(np.int64)
    k = np.arange(len(commodity))[:, None]

    def cut(table: MonthTable, fill: float) -> MonthTable:
        values = table.values[:, commodity][:, k, supplier]  # (U, Cg, N, R)
        return MonthTable(np.where(valid[None, :, :, None], values, fill), table.index)

    return _StageTrade(
        commodity, supplier, valid, cut(tables["sourcing_share"], 0.0), cut(tables["link_cap"], 0.0)
    )


def _selector(index: IntArray) -> slice | IntArray:
    """A slice when ``index`` is contiguous (views, no copies), else the index array."""
    if len(index) and (np.diff(index) == 1).all():
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _target(batch: PreparedBatch, use: FloatArray) -> FloatArray:
    target: FloatArray = batch.shared["inventory_target_days"] * use / DAYS_PER_MONTH
    return target


def _by_region(st: _State, per_process: FloatArray) -> FloatArray:
    """(B, R, C) sum over each region's processes (in index order) of (B, P, C) values."""
    B, _, C = per_process.shape
    total = np.zeros((B, st.R, C))
    if st.shared_p:
        common = np.take(per_process[:, : st.shared_p], st.order, axis=1)
        total[:, st.present] = np.add.reduceat(common, st.starts, axis=1)
    for e in range(st.own_region.shape[1]):
        total[st.rows, st.own_region[:, e]] += per_process[:, st.shared_p + e]
    return total


def _gather_region(st: _State, per_region: FloatArray) -> FloatArray:
    """(B, P, C) the (B, R, C) values at each process's region."""
    common: FloatArray = np.take(per_region, st.common_region, axis=1)
    if not st.own_region.shape[1]:
        return common
    own = per_region[st.rows[:, None], st.own_region]
    return np.concatenate([common, own], axis=1)


def _triggered(
    batch: PreparedBatch, q: int, t: int, use: FloatArray, got: FloatArray, last: FloatArray
) -> BoolArray:
    """(B,) whether stockpile q of each scenario is triggered (see the reference engine)."""
    ar = batch.arrays
    kind, value = ar["stockpile_trigger"][:, q], ar["stockpile_trigger_value"][:, q]
    c = ar["stockpile_commodity"][:, q]
    with np.errstate(divide="ignore", invalid="ignore"):
        short = (use > 0) & ((use - got) / np.where(use > 0, use, 1.0) > value)
    fires: BoolArray = np.where(
        kind == TRIGGER_DATE,
        t >= value,
        np.where(
            kind == TRIGGER_SHORTFALL,
            short,
            (kind == TRIGGER_PRICE) & (last > value * batch.shared["price0_usd_per_kg"][c]),
        ),
    )
    return fires


def _step(batch: PreparedBatch, st: _State, t: int) -> dict[str, FloatArray | None]:
    sh, ar = batch.shared, batch.arrays
    B = batch.size
    R, C = len(sh["regions"]), len(sh["commodities"])
    stage_of = sh["commodity_stage"]
    rows = st.rows
    N = batch.tables["end_use_requirement"].at(t)  # (B, S, R)
    extra = batch.tables["extra_supply"].at(t)  # (B, R, C)
    intensity = st.pairs.at(t)  # (B, R, K) intensity of each (sector, commodity) pair
    used = st.used
    inputs, outputs = ar["process_inputs"], ar["process_outputs"]  # (B, P, C)
    pstage = ar["process_stage"]  # (B, P)
    capacity = ar["capacity_per_month"][:, t]  # (B, P)
    utilisation = st.utilisation
    in_force = utilisation.copy()
    effective = capacity * utilisation

    # 1. Require: downstream → upstream -------------------------------------------------
    sector_need = N.transpose(0, 2, 1)[:, :, st.pair_s] * intensity  # (B, R, K)
    need_sum = _by_commodity(st, sector_need)  # (B, R, C_used)
    U = np.broadcast_to(sh["user_sink"], (B, R, C)).copy()
    U[:, :, used] = need_sum + sh["user_sink"][:, used]
    request = np.zeros((B, R, C))
    required = np.zeros_like(effective)
    pool = _by_region(st, effective[:, :, None] * outputs)  # (B, R, C)
    for g in reversed(sh["stage_order"]):
        cs = st.stages[g]
        if t == 0:
            st.user_stock[:, :, cs] = _target(batch, U)[:, :, cs]
            st.initial_stock[:, :, cs] = st.user_stock[:, :, cs]
        restoration = (_target(batch, U) - st.user_stock) / sh["inventory_restoration_months"]
        request[:, :, cs] = np.maximum(U + restoration, 0.0)[:, :, cs]
        # wanted[b, i, c] = Σ_j share[b, c, i, j] × request[b, j, c]  (this stage's c)
        # (suppliers only: no other region has a share, a process, or stock to build)
        tr = st.trade[g]
        k = np.arange(len(tr.commodity))[:, None]
        req = request[:, :, cs].transpose(0, 2, 1)[:, :, None, :]  # (B, Cg, 1, R)
        wanted = (tr.share.at(t) * req).sum(axis=-1)  # (B, Cg, N)
        vk, vn = np.nonzero(tr.valid)
        r_v, c_v = tr.supplier[vk, vn], tr.commodity[vk]
        from_proc = np.zeros((B, R, C))
        from_proc[:, r_v, c_v] = np.maximum(
            wanted[:, vk, vn] + sh["producer_stock_build"][r_v, c_v] - extra[:, r_v, c_v], 0.0
        )
        from_proc = from_proc[:, :, cs]  # (B, R, C_stage)
        here = pstage == g  # (B, P)
        pool_p = _gather_region(st, pool[:, :, cs])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio_p = effective[:, :, None] * _gather_region(st, from_proc) / pool_p
        ok = st.has_output[:, :, cs] & (pool_p > 0)
        best = np.where(ok, ratio_p, 0.0).max(axis=-1, initial=0.0)
        best = np.maximum(best, ar["floor_activity_per_month"][:, t])
        required = np.where(here, best, required)
        ins = st.stage_inputs[g]
        U[:, :, ins] += _by_region(
            st, np.where(here, required, 0.0)[:, :, None] * inputs[:, :, ins]
        )

    # 2. Produce, trade, buffer: upstream → downstream ----------------------------------
    A = np.zeros((B, R, C))
    D = np.zeros((B, R, C))
    ratio = np.ones((B, R, C))
    activity = np.zeros_like(effective)
    output = extra.copy()
    shipped = np.zeros((B, C, R, R) if st.full_trade else (0, 0, 0, 0))
    draw = np.zeros((B, R, C))
    released = np.zeros((B, R, C))
    s_commodity, s_holder = ar["stockpile_commodity"], ar["stockpile_holder"]
    for g in sh["stage_order"]:
        cs = st.stages[g]
        here = pstage == g
        ins = st.stage_inputs[g]
        on_hand = np.where(st.has_input[:, :, ins], _gather_region(st, ratio[:, :, ins]), 1.0).min(
            axis=-1, initial=1.0
        )
        activity = np.where(here, np.minimum(effective, required * on_hand), activity)
        output[:, :, cs] += _by_region(
            st, np.where(here, activity, 0.0)[:, :, None] * outputs[:, :, cs]
        )
        tr = st.trade[g]
        k = np.arange(len(tr.commodity))[:, None]
        has_all = (output + st.producer_stock)[:, :, cs]  # (B, R, Cg)
        has = np.where(tr.valid, has_all[:, tr.supplier, k], 0.0)  # (B, Cg, N)
        req = request[:, :, cs].transpose(0, 2, 1)  # (B, Cg, R)
        cap_g = tr.cap.at(t)  # (B, Cg, N, R)
        ship = trade_round_1(tr.share.at(t) * req[:, :, None, :], cap_g, has)
        partners = ar["partner_mask"][:, cs]  # (B, Cg, R)
        trade_round_2(ship, cap_g, has, req, partners, partners[:, k, tr.supplier])
        vk, vn = np.nonzero(tr.valid)
        if st.full_trade:
            shipped[:, tr.commodity[vk], tr.supplier[vk, vn]] = ship[:, vk, vn]
        left = np.maximum(has - ship.sum(axis=-1), 0.0)  # (B, Cg, N)
        st.producer_stock[:, :, cs] = 0.0
        st.producer_stock[:, tr.supplier[vk, vn], tr.commodity[vk]] = left[:, vk, vn]
        D[:, :, cs] = ship.sum(axis=-2).transpose(0, 2, 1)
        gap = np.maximum(U - D, 0.0)
        draw[:, :, cs] = np.minimum(gap, st.user_stock)[:, :, cs]
        for q in st.stage_stockpiles[g]:
            c, r = s_commodity[:, q], s_holder[:, q]
            fires = (stage_of[c] == g) & _triggered(
                batch, q, t, U[rows, r, c], D[rows, r, c], st.price_prev[rows, r, c]
            )
            remaining = gap[rows, r, c] - draw[rows, r, c] - released[rows, r, c]
            x = np.maximum(
                np.minimum(
                    np.minimum(ar["stockpile_max_release"][:, q], st.level[:, q]), remaining
                ),
                0.0,
            )
            x = np.where(fires, x, 0.0)
            st.level[:, q] -= x
            released[rows, r, c] += x
        A[:, :, cs] = (D + draw + released)[:, :, cs]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio[:, :, cs] = np.where(U > 0, np.minimum(1.0, A / U), 1.0)[:, :, cs]

    # 3. Price --------------------------------------------------------------------------
    elasticity, p0 = sh["elasticity"], sh["price0_usd_per_kg"]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cover = np.where(U > 0, np.minimum(1.0, A / np.where(U > 0, U, 1.0)), 1.0)
        multiple = np.where(cover > 0, cover ** (1 / elasticity), np.inf)
    price = p0 * np.minimum(multiple, sh["price_cap_multiple"])

    # 4. Make ---------------------------------------------------------------------------
    key = sh["sector_key_commodity"]
    has_key = key >= 0
    k = np.where(has_key, key, 0)
    signal = st.price_prev[:, :, k] / p0[k]  # (B, R, S)
    target = np.where(has_key[:, None], N * (signal ** elasticity[k]).transpose(0, 2, 1), N)
    consumed_by_processes = _by_region(st, activity[:, :, None] * inputs)
    for_sectors = _share_by_rank(
        st, ratio[:, :, used] * need_sum, sector_need, st.rank
    )  # (B, R, K)
    uses = intensity > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        each = np.where(uses, for_sectors / np.where(uses, intensity, 1.0), np.inf)
    possible = np.full((B, R, len(sh["sectors"])), np.inf)
    if len(st.s_starts):
        possible[:, :, st.sectors_used] = np.minimum.reduceat(
            each[:, :, st.by_sector], st.s_starts, axis=2
        )  # (B, R, S)
    made = np.maximum(np.minimum(target, possible.transpose(0, 2, 1)), 0.0)  # (B, S, R)
    consumed_by_sectors = np.zeros((B, R, C))
    consumed_by_sectors[:, :, used] = _by_commodity(
        st, made.transpose(0, 2, 1)[:, :, st.pair_s] * intensity
    )
    consumed = consumed_by_processes + consumed_by_sectors + ratio * sh["user_sink"]
    st.user_stock = np.maximum(st.user_stock + D + released - consumed, 0.0)

    purchases = _refill(batch, st, t, U, D, shipped) if st.refill else None
    floor_payment = _floor_payments(batch, t, price, output - extra)

    # utilisation for next month
    base_cap = capacity * utilisation
    binding = required > base_cap * (1 + 1e-12)
    utilisation = np.where(
        binding,
        np.minimum(ar["max_utilisation"], utilisation + ar["ramp_rate_per_month"]),
        utilisation,
    )
    at_or_below = required <= ar["baseline_activity_per_month"] * (1 + 1e-12)
    st.utilisation = np.where(
        at_or_below & ~binding,
        np.maximum(ar["utilisation0"], utilisation - ar["ramp_rate_per_month"]),
        utilisation,
    )
    st.price_prev = price
    return {
        "activity": activity,
        "utilisation": in_force,
        "production": output - extra,
        "extra_supply": extra,
        "requirement": U,
        "requests": request,
        "shipments": shipped,
        "purchases": purchases,
        "deliveries": D,
        "inventory_draw": draw,
        "stockpile_release": released,
        "available": A,
        "consumption": consumed,
        "process_consumption": consumed_by_processes,
        "user_inventory": st.user_stock,
        "producer_stock": st.producer_stock,
        "stockpile_level": st.level,
        "price": price,
        "end_use_requirement": N,
        "end_use_target": target,
        "end_use_output": made,
        "floor_payment_usd": floor_payment,
    }


def _by_commodity(st: _State, per_pair: FloatArray) -> FloatArray:
    """(B, R, C_used) sums over each commodity's (sector, commodity) pairs, sectors in order."""
    if not len(st.c_starts):
        return np.zeros((*per_pair.shape[:2], 0))
    total: FloatArray = np.add.reduceat(per_pair, st.c_starts, axis=2)
    return total


def _share_by_rank(st: _State, amount: FloatArray, need: FloatArray, rank: IntArray) -> FloatArray:
    """(B, R, K) ``amount`` (B, R, C_used) shared over each commodity's sectors (pairs K):
    lowest rank first, equal ranks pro rata to ``need`` (B, R, K)."""
    out = np.zeros_like(need)
    left = amount.copy()
    for level in st.levels:
        members = rank == level  # (B, R, K)
        everyone = bool(members.all())
        member_need = need if everyone else np.where(members, need, 0.0)
        group_need = _by_commodity(st, member_need)
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(group_need > 0, np.minimum(1.0, left / group_need), 0.0)
        given = member_need * part[:, :, st.pair_col]
        out = given if everyone else np.where(members, given, out)
        left = np.maximum(left - _by_commodity(st, given), 0.0)
    return out


def _refill(
    batch: PreparedBatch,
    st: _State,
    t: int,
    U: FloatArray,
    D: FloatArray,
    shipped: FloatArray,
) -> FloatArray:
    """(B, C, R, R) purchases into strategic stockpiles, after everything else is served."""
    ar = batch.arrays
    B, C, R = shipped.shape[:3]
    rows = st.rows
    purchases = np.zeros((B, C, R, R))
    for q in range(ar["stockpile_holder"].shape[1]):
        c, r = ar["stockpile_commodity"][:, q], ar["stockpile_holder"][:, q]
        refill = ar["stockpile_refill"][:, q]
        on = (refill > 0) & ~_triggered(
            batch, q, t, U[rows, r, c], D[rows, r, c], st.price_prev[rows, r, c]
        )
        if not on.any():
            continue
        cap = batch.tables["link_cap"].at(t)
        want = np.where(on, np.minimum(refill, ar["stockpile_size"][:, q] - st.level[:, q]), 0.0)
        for i in range(R):
            room = cap[rows, c, i, r] - shipped[rows, c, i, r] - purchases[rows, c, i, r]
            x = np.maximum(np.minimum(np.minimum(want, st.producer_stock[rows, i, c]), room), 0.0)
            x = np.where(want > 0, x, 0.0)
            purchases[rows, c, i, r] += x
            st.producer_stock[rows, i, c] -= x
            st.level[:, q] += x
            want = want - x
    return purchases


def _floor_payments(
    batch: PreparedBatch, t: int, price: FloatArray, produced: FloatArray
) -> FloatArray:
    """(B, R) price-floor payments by payer region, USD per month."""
    ar = batch.arrays
    B, R = price.shape[:2]
    rows = np.arange(B)
    payment = np.zeros((B, R))
    for f in range(ar["floor_commodity"].shape[1]):
        active = ar["floor_active"][:, t, f]
        if not active.any():
            continue
        c = ar["floor_commodity"][:, f]
        covered = ar["floor_producers"][:, f]  # (B, R)
        gap = np.maximum(ar["floor_usd_per_kg"][:, f][:, None] - price[rows, :, c], 0.0)
        paid = np.where(covered, gap * produced[rows, :, c], 0.0).sum(axis=-1)
        payment[rows, ar["floor_payer"][:, f]] += np.where(active, paid * KG_PER_T, 0.0)
    return payment


def _shapes(B: int, T: int, R: int, C: int, S: int, P: int, Q: int) -> dict[str, tuple[int, ...]]:
    rc: tuple[int, ...] = (B, T, R, C)
    crr: tuple[int, ...] = (B, T, C, R, R)
    sr: tuple[int, ...] = (B, T, S, R)
    shapes: dict[str, tuple[int, ...]] = dict.fromkeys(
        (
            "production",
            "extra_supply",
            "requirement",
            "requests",
            "deliveries",
            "inventory_draw",
            "stockpile_release",
            "available",
            "consumption",
            "process_consumption",
            "user_inventory",
            "producer_stock",
            "price",
        ),
        rc,
    )
    shapes.update(dict.fromkeys(("shipments", "purchases"), crr))
    shapes.update(dict.fromkeys(("end_use_requirement", "end_use_target", "end_use_output"), sr))
    shapes.update(
        activity=(B, T, P),
        utilisation=(B, T, P),
        stockpile_level=(B, T, Q),
        floor_payment_usd=(B, T, R),
    )
    return shapes
