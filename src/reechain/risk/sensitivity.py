"""Which uncertain inputs drive the tail: a sensitivity ranking for the tornado chart.

With ``--sample-inputs`` each history carries its draw of every uncertain input
(:mod:`reechain.risk.inputs`). For each input, the histories are split into thirds by its
drawn value; the tornado's bars are the P90 of the world value lost among the lowest
third (``tail_low``) and among the highest third (``tail_high``), and inputs are ranked by
the swing |tail_high − tail_low|: how far the input moves the tail, all else drawn as
usual. Spearman's rank correlation with the world loss is given too. With few histories
the ranking is noisy: read the top of it, not its order further down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from reechain.risk.summary import RiskResult

FloatArray = NDArray[np.float64]
TAIL_QUANTILE = 0.90


def ranks(x: FloatArray) -> FloatArray:
    """Return the ranks of ``x`` (1 … n), ties given their average rank."""
    order = np.argsort(x, kind="stable")
    r = np.empty(x.size)
    r[order] = np.arange(1, x.size + 1)
    for value in np.unique(x[np.diff(np.sort(x), prepend=np.nan) == 0]):
        tied = x == value
        r[tied] = r[tied].mean()
    return r


def spearman(x: FloatArray, y: FloatArray) -> float:
    """Return Spearman's rank correlation of ``x`` and ``y`` (0 when either is constant)."""
    rx, ry = ranks(x), ranks(y)
    sx, sy = rx.std(), ry.std()
    if sx == 0 or sy == 0:
        return 0.0
    return float(((rx - rx.mean()) * (ry - ry.mean())).mean() / (sx * sy))


def sensitivity_records(
    names: tuple[str, ...], draws: FloatArray, loss: FloatArray
) -> list[dict[str, Any]]:
    """Return inputs ranked by how far they move the P90 of ``loss`` (USD), largest first."""
    n = loss.size
    records: list[dict[str, Any]] = []
    if n < 3:
        return records
    for j, name in enumerate(names):
        x = draws[:, j]
        order = np.argsort(x, kind="stable")
        third = max(n // 3, 1)
        low = float(np.quantile(loss[order[:third]], TAIL_QUANTILE))
        high = float(np.quantile(loss[order[-third:]], TAIL_QUANTILE))
        records.append(
            {
                "input": name,
                "value_low_third": float(x[order[:third]].mean()),
                "value_high_third": float(x[order[-third:]].mean()),
                "tail_low_usd": low,
                "tail_high_usd": high,
                "swing_usd": abs(high - low),
                "spearman": spearman(x, loss),
            }
        )
    records.sort(key=lambda r: (-float(r["swing_usd"]), str(r["input"])))
    for rank, record in enumerate(records, start=1):
        record["rank"] = rank
    return records


def sensitivity_table(result: RiskResult) -> list[dict[str, Any]]:
    """Return the sensitivity ranking of a run (empty without sampled inputs)."""
    if not result.inputs:
        return []
    return sensitivity_records(result.inputs, result.figures.inputs, result.total_value_lost_usd)
