"""Sums the batch's KPI reduction (:mod:`reechain.engine.runs`) takes every month, compiled:
numpy's sum over a middle axis of a small (B, S, R) array costs four times the loop."""

from __future__ import annotations

from reechain.engine.groups import FloatArray
from reechain.engine.jit import njit


@njit
def sum_middle(values: FloatArray, out: FloatArray, t: int) -> None:
    """``out[i, t, r] = Σ_s values[i, s, r]``, s in index order (as numpy sums a middle
    axis: the first row, then each next row added; bit-identical to
    ``out[:, t] = values.sum(axis=1)``). Whole arrays and an index, not a view, so numba's
    dispatcher finds the compiled function quickly."""
    for i in range(values.shape[0]):
        for r in range(values.shape[2]):
            out[i, t, r] = values[i, 0, r]
        for s in range(1, values.shape[1]):
            for r in range(values.shape[2]):
                out[i, t, r] += values[i, s, r]
