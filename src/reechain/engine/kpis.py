"""The KPI definitions, once: what a loss, a rationed or priced-out unit, a material
shortfall and a recovery are. :func:`~reechain.engine.results.compare` (one scenario, every
month at once), :func:`~reechain.engine.runs.run_batch` (many scenarios, month by month)
and the risk runner (:mod:`reechain.risk.engines`) all call these functions, so their
numbers agree bit for bit.

Every function is elementwise (or a reduction over a trailing axis), takes arrays of any
leading shape that broadcast together, and writes into ``out`` when given (the month-by-
month reductions reuse buffers); the operations are the same either way.

Definitions (decisions where DESIGN.md is silent):

- **lost units** = max(min(baseline-run output, N) − output, 0): a demand shock that lowers
  N is not a loss;
- **rationed** = the part of it below the target, min(lost, max(target − output, 0));
  **priced out** = the rest (target cut by price);
- **value lost** (gross output lost) = lost units × value per unit (USD); **value added
  lost** = value lost × the sector's value-added ratio in that region
  (:mod:`reechain.engine.value_added`): the GDP the losing sector no longer produces;
- **jobs at risk** = lost units per month × 12 × jobs per unit (jobs per unit of annual
  output): the jobs idle in that month; **job-months** = the sum of jobs at risk over
  months (one job idle for one month is one job-month), and **peak jobs at risk** of a
  group of sectors and regions = the largest over months of their jobs at risk summed in
  the month (never a sum of each sector's own peak, which fall in different months);
- **material shortfall** = max(U − A, 0) − the baseline run's, at least 0, in commodity
  units;
- **shares** (peak shortfall %) = 100 × part ÷ whole where whole > 0, else 0;
- **months to recovery** = months from the first month with a loss (above
  ``LOSS_TOLERANCE`` relative) to the first month after which no loss remains (None, or
  −1 in arrays: not recovered within the horizon; 0: no loss).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

LOSS_TOLERANCE = 1e-9
"""Relative loss below which a month counts as recovered."""


def lost_units(
    base_output: FloatArray,
    requirement: FloatArray,
    output: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """max(min(baseline-run output, N) − output, 0), sector units."""
    lost: FloatArray = np.minimum(base_output, requirement, out=out)
    np.subtract(lost, output, out=lost)
    np.maximum(lost, 0.0, out=lost)
    return lost


def rationed_units(
    lost: FloatArray, target: FloatArray, output: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """min(lost, max(target − output, 0)): the loss inputs caused, not prices."""
    rationed: FloatArray = np.subtract(target, output, out=out)
    np.maximum(rationed, 0.0, out=rationed)
    np.minimum(lost, rationed, out=rationed)
    return rationed


def priced_out_units(
    lost: FloatArray, rationed: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """lost − rationed: the loss prices caused."""
    priced: FloatArray = np.subtract(lost, rationed, out=out)
    return priced


def value_lost_usd(
    lost: FloatArray, value_per_unit: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """lost × value per unit, USD."""
    value: FloatArray = np.multiply(lost, value_per_unit, out=out)
    return value


def value_added_lost_usd(
    lost: FloatArray,
    value_per_unit: FloatArray,
    ratio: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """lost × value per unit × value-added ratio, USD (GDP lost)."""
    value: FloatArray = np.multiply(lost, value_per_unit, out=out)
    np.multiply(value, ratio, out=value)
    return value


def job_months(jobs: FloatArray, axis: int = 0) -> FloatArray:
    """Σ over months (``axis``) of jobs at risk: job-months."""
    total: FloatArray = np.sum(jobs, axis=axis)
    return total


def peak_jobs(jobs: FloatArray, axes: tuple[int, ...]) -> FloatArray:
    """max over months (the first axis) of jobs at risk summed over ``axes`` in each month:
    the most jobs idle at once in the group (not a sum of each member's own peak)."""
    peak: FloatArray = np.sum(jobs, axis=axes).max(axis=0)
    return peak


def jobs_at_risk(
    lost: FloatArray, jobs_per_unit: FloatArray, out: FloatArray | None = None
) -> FloatArray:
    """lost per month × 12 × jobs per unit of annual output."""
    jobs: FloatArray = np.multiply(lost, 12, out=out)
    np.multiply(jobs, jobs_per_unit, out=jobs)
    return jobs


def gap(requirement: FloatArray, available: FloatArray) -> FloatArray:
    """max(U − A, 0): requirement not available (a run's own, before its baseline's)."""
    missing: FloatArray = np.maximum(requirement - available, 0.0)
    return missing


def material_shortfall(
    requirement: FloatArray,
    available: FloatArray,
    base_gap: FloatArray,
    out: FloatArray | None = None,
) -> FloatArray:
    """max(max(U − A, 0) − the baseline run's :func:`gap`, 0), commodity units."""
    short: FloatArray = np.subtract(requirement, available, out=out)
    np.maximum(short, 0.0, out=short)
    np.subtract(short, base_gap, out=short)
    np.maximum(short, 0.0, out=short)
    return short


def share_pct(part: FloatArray, whole: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """100 × part ÷ whole where whole > 0, else 0 (``whole`` broadcast)."""
    positive = whole > 0
    pct: FloatArray = np.divide(part, np.where(positive, whole, 1.0), out=out)
    if positive.shape == pct.shape[pct.ndim - positive.ndim :]:
        pct[..., ~positive] = 0.0  # the same as copyto's where=, twice as fast
    else:
        np.copyto(pct, 0.0, where=~positive)
    np.multiply(100, pct, out=pct)
    return pct


def loss_month(lost: FloatArray, reference: FloatArray, out: BoolArray | None = None) -> BoolArray:
    """Whether a month counts as a loss: lost > ``LOSS_TOLERANCE`` × reference."""
    hit: BoolArray = np.greater(lost, LOSS_TOLERANCE * np.maximum(reference, 1e-300), out=out)
    return hit


def months_to_recovery(loss: FloatArray, reference: FloatArray) -> int | None:
    """Return months from the first loss to full recovery (0: no loss; None: not recovered).

    ``loss`` and ``reference`` are (T,) series in the same unit.
    """
    hit = loss_month(loss, reference)
    if not hit.any():
        return 0
    first, last = int(np.argmax(hit)), int(len(hit) - 1 - np.argmax(hit[::-1]))
    if last == len(hit) - 1:
        return None
    return last + 1 - first
