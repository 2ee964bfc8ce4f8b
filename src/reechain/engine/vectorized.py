"""The batch engine: DESIGN.md §4 for a batch of scenarios at once, scenario axis first.

:func:`run_vectorized` runs every scenario of a :class:`~reechain.engine.batch.PreparedBatch`
month by month on the compiled kernel (:mod:`reechain.engine.kernel`, numba): the same
month, the same steps in the same order as :func:`reechain.engine.reference.run_reference`,
for every scenario of the chunk inside compiled code. Each scenario's numbers depend on its
own inputs only, so results are bit-identical for any chunking; they agree with the
reference engine to rounding (sums taken in another order), 1e-9 relative by test.

For debugging, ``NUMBA_DISABLE_JIT=1`` (set before the engine's first run) runs the same
kernel functions uncompiled, as plain Python (breakpoints and prints work; very slow).

A numpy engine spent most of its time in Python-level loops over stages, suppliers and
priority ranks on arrays too small to amortise numpy's per-call cost, and in temporaries
that do not stay in cache; the kernel runs each scenario's month as plain loops in the
reference engine's order, over its own arrays, which stay in cache.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from reechain.engine.arrays import RUN_FIELDS, FloatArray, RunArrays, run_shapes
from reechain.engine.batch import PreparedBatch
from reechain.engine.groups import IntArray, Month, State, Work

__all__ = ["RUN_FIELDS", "BatchRun", "run_vectorized"]


@dataclass(frozen=True, eq=False)
class BatchRun:
    """What the batch engine produced: :class:`RunArrays` fields with a leading B axis.

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
    on_month: Callable[[int, Month], None] | None = None,
) -> BatchRun:
    """Return the month-by-month result of every scenario of ``batch`` (units per month).

    ``record`` names the fields to keep (default: all of ``RUN_FIELDS``; ``()`` keeps
    none). ``on_month(t, month)`` is called after each month with that month's (B, ...)
    arrays (:class:`~reechain.engine.groups.Month`, valid during the call only), so KPIs
    can be reduced on the fly without keeping (B, T, ...) arrays.

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine.batch import prepare_batch
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> run = run_vectorized(prepare_batch(chain, [None, None], months=2))
    >>> run.arrays["price"].shape
    (2, 2, 4, 7)
    """
    from reechain.engine.kernel import month_kernel  # numba, on first use only

    keep = set(RUN_FIELDS if record is None else record)
    B, T = batch.size, batch.months
    R, C, S = len(batch.regions), len(batch.commodities), len(batch.sectors)
    P, Q = batch.processes.region.shape[1], batch.stockpiles.holder.shape[1]
    shapes = run_shapes(T, R, C, S, P, Q)
    out = {name: np.zeros((B, *shapes[name])) for name in RUN_FIELDS if name in keep}
    refills = bool((batch.stockpiles.refill > 0).any())
    full_trade = "shipments" in keep or refills  # refills need the month's shipments
    state = State(
        user_stock=np.zeros((B, R, C)),
        producer_stock=np.zeros((B, R, C)),
        initial_stock=np.zeros((B, R, C)),
        utilisation=batch.processes.utilisation0.copy(),
        level=batch.stockpiles.initial.copy(),
        qualify_since=np.full((B, R, C), -1.0),
        components=np.zeros((B, S, R)),
        component_short=np.zeros((B, S, R), dtype=np.bool_),
        price_prev=np.broadcast_to(batch.chain.price0, (B, R, C)).copy(),
    )
    month = _month(B, shapes, state, full_trade, refills)
    work = _work(batch, full_trade, refills)
    groups = (batch.chain, batch.tables, batch.processes, batch.stockpiles, batch.floors)
    args = (*groups, batch.allocation, state, month, work, full_trade, refills)
    kernel = _compiled(month_kernel, (0, *args))
    for t in range(T):
        kernel(t, *args)
        for name, kept in out.items():
            value = getattr(month, name)
            if value.shape[1:] == kept.shape[2:]:  # not an unkept trade array
                kept[:, t] = value
        if on_month is not None:
            on_month(t, month)
    return BatchRun(out, state.initial_stock, batch.process_count, batch.stockpile_count)


def _compiled(kernel: Callable[..., None], args: tuple[object, ...]) -> Callable[..., None]:
    """The kernel's compiled entry point for ``args``' types, found once per run: numba's
    dispatcher would work out the types of a hundred arrays on every call (a fifth of a
    month of 32 scenarios); the arguments keep their types from month to month. The
    kernel itself where numba's JIT is disabled (``NUMBA_DISABLE_JIT=1``, for debugging)."""
    typeof = getattr(kernel, "typeof_pyval", None)
    if typeof is None:
        return kernel
    entry: Callable[..., None] = kernel.compile(tuple(typeof(a) for a in args))  # type: ignore[attr-defined]
    return entry


def _month(
    B: int, shapes: dict[str, tuple[int, ...]], state: State, full_trade: bool, refills: bool
) -> Month:
    """The month's result buffers, (B, ...) each; the end-of-month stocks are the state's."""
    none = np.zeros((B, 0, 0, 0))
    fields = {name: np.zeros((B, *shape[1:])) for name, shape in shapes.items()}
    fields |= {
        "shipments": fields["shipments"] if full_trade else none,
        "purchases": fields["purchases"] if refills else none,
        "user_inventory": state.user_stock,
        "producer_stock": state.producer_stock,
        "stockpile_level": state.level,
    }
    return Month(**fields)


def _work(batch: PreparedBatch, full_trade: bool, refills: bool) -> Work:
    """The kernel's work space for one scenario's month."""
    R, C, S = len(batch.regions), len(batch.commodities), len(batch.sectors)
    P, K = batch.processes.region.shape[1], batch.chain.pair_sector.shape[0]
    trade = (C, R, R)
    return Work(
        effective=np.zeros(P),
        required=np.zeros(P),
        pool=np.zeros((R, C)),
        from_proc=np.zeros((R, C)),
        ratio=np.zeros((R, C)),
        output=np.zeros((R, C)),
        wanted=np.zeros(C, dtype=np.bool_),
        has_need=np.zeros(R, dtype=np.bool_),
        has=np.zeros(R),
        ship=np.zeros((R, R)),
        suppliers=np.zeros(R, dtype=np.int64),
        asked=np.zeros(R),
        to=np.zeros((R, R), dtype=np.int64),
        to_count=np.zeros(R, dtype=np.int64),
        short=np.zeros(R, dtype=np.int64),
        received=np.zeros(R),
        unmet=np.zeros(R),
        limit=np.zeros(R),
        given=np.zeros(R),
        offer=np.zeros(R),
        active=np.zeros(R, dtype=np.bool_),
        shipped=np.zeros(trade if full_trade else (1, 1, 1)),
        purchases=np.zeros(trade if refills else (1, 1, 1)),
        need_k=np.zeros(K),
        for_sectors=np.zeros(K),
        possible=np.zeros(S),
        left=np.zeros(C),
        part=np.zeros(C),
        moved=np.zeros((R, C)),
        linked=np.zeros((R, C)),
        need_units=np.zeros((S, R)),
        restock=np.zeros((S, R)),
        from_inputs=np.zeros(S),
    )
