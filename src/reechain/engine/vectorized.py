"""The batch engine: DESIGN.md §4 for a batch of scenarios at once, scenario axis first.

:func:`run_vectorized` runs every scenario of a :class:`~reechain.engine.batch.PreparedBatch`
month by month on the compiled kernel (:mod:`reechain.engine.compiled`, numba): the same
month, the same steps in the same order as :func:`reechain.engine.reference.run_reference`,
for every scenario of the chunk inside compiled code. Each scenario's numbers depend on its
own inputs only, so results are bit-identical for any chunking; they agree with the
reference engine to rounding (sums taken in another order), 1e-9 relative by test.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from reechain.engine.batch import PreparedBatch
from reechain.engine.reference import RunArrays, _shapes

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
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
) -> BatchRun:
    """Return the month-by-month result of every scenario of ``batch`` (units per month).

    ``record`` names the fields to keep (default: all of ``RUN_FIELDS``; ``()`` keeps
    none). ``on_month(t, month)`` is called after each month with that month's (B, ...)
    arrays of every field (valid during the call only), so KPIs can be reduced on the fly
    without keeping (B, T, ...) arrays.

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
    shapes = {name: (B, *shape) for name, shape in _shapes(T, R, C, S, P, Q).items()}
    out = {name: np.zeros(shapes[name]) for name in RUN_FIELDS if name in keep}
    from reechain.engine.compiled import CompiledMonths  # numba, on first use only

    kernel = CompiledMonths(batch, full_trade="shipments" in keep)
    step, initial = kernel.month, kernel.initial_stock
    for t in range(T):
        month = step(t)
        for name, value in month.items():
            if name in out and value is not None:
                out[name][:, t] = value
        if on_month is not None:
            on_month(t, {k: v for k, v in month.items() if v is not None})
    return BatchRun(out, initial, batch.process_count, batch.stockpile_count)
