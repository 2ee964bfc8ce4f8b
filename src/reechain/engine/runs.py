"""Many scenarios at once: :func:`run_batch` runs the batch engine in chunks and keeps
per-scenario KPI arrays, never the full monthly arrays, so memory stays bounded.

The KPIs are those of :mod:`reechain.engine.kpis` (the definitions simulate uses, reduced
month by month): lost units against the baseline run, split into rationed and priced out,
gross output and value added lost, jobs at risk and job-months, months to recovery;
material shortfall and peak prices per region and commodity; price-floor payments. Each
scenario's numbers depend on that scenario alone, so they are bit-identical for any
``chunk_size``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.batch import prepare_batch
from reechain.engine.groups import Month
from reechain.engine.kpis import (
    gap,
    jobs_at_risk,
    loss_month,
    lost_units,
    material_shortfall,
    priced_out_units,
    rationed_units,
    share_pct,
    value_added_lost_usd,
    value_lost_usd,
)
from reechain.engine.value_added import value_added_ratio
from reechain.engine.vectorized import BatchRun, run_vectorized
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

CHUNK_BUDGET_BYTES = 1 << 30
"""Working memory a chunk may use (estimate), which sets the default chunk size."""
KPI_FIELDS = ("end_use_requirement", "end_use_target", "end_use_output")


@dataclass(frozen=True, eq=False)
class BatchResults:
    """Per-scenario KPIs of a batch against its baseline run (B scenarios first).

    Axes: B scenarios, T months, R regions, C commodities, S sectors. Units are in the
    names: units (sector output units), t (commodity units, tonnes for the default
    dataset), USD, USD/kg.
    """

    scenarios: tuple[str, ...]
    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    sectors: tuple[str, ...]
    months: int
    baseline_output_units: FloatArray
    """(S, R) the baseline run's cumulative end-use output."""
    lost_units: FloatArray
    """(B, S, R) cumulative output lost against the baseline run."""
    rationed_units: FloatArray
    """(B, S, R)"""
    priced_out_units: FloatArray
    """(B, S, R)"""
    value_lost_usd: FloatArray
    """(B, S, R) cumulative gross output lost."""
    value_added_lost_usd: FloatArray
    """(B, S, R) cumulative value added (GDP) lost."""
    peak_shortfall_pct: FloatArray
    """(B, S, R) max over months of lost ÷ baseline-run output, %."""
    peak_jobs_at_risk: FloatArray
    """(B, S, R) max over months of each sector's own jobs at risk."""
    job_months: FloatArray
    """(B, S, R) jobs at risk summed over months."""
    months_to_recovery: IntArray
    """(B, S, R) months from first loss to recovery; 0 no loss; −1 not recovered."""
    monthly_value_lost_usd: FloatArray
    """(B, T, R) value lost per month by region (all sectors)."""
    monthly_jobs_at_risk: FloatArray
    """(B, T, R) jobs at risk per month by region (all sectors): the peak of a group of
    regions is the max over months of its sum, never a sum of peaks."""
    material_shortfall_t: FloatArray
    """(B, R, C) cumulative requirement not available beyond the baseline run's."""
    peak_material_shortfall_pct: FloatArray
    """(B, R, C) max over months of that shortfall ÷ the baseline-run requirement, %."""
    peak_price_usd_per_kg: FloatArray
    """(B, R, C)"""
    floor_payment_usd: FloatArray
    """(B, R) cumulative price-floor payments by payer."""

    @property
    def value_lost_by_region_usd(self) -> FloatArray:
        """(B, R) cumulative value lost over all sectors, USD."""
        total: FloatArray = self.value_lost_usd.sum(axis=1)
        return total


COMPILED_CHUNK = 32
"""Scenarios a chunk holds at most: a month of 32 scenarios' arrays stays in cache, where
400 do not (1,000 scenarios × 120 months with preparation: 19,400 scenario-months per
CPU-second in chunks of 32, 15,200 in chunks of 413)."""


def default_chunk_size(chain: Chain, months: int) -> int:
    """Return how many scenarios a chunk holds: at most ``COMPILED_CHUNK``, and within
    ``CHUNK_BUDGET_BYTES`` (estimate)."""
    R, C, S = len(chain.regions), len(chain.commodities), len(chain.sectors)
    P = len(chain.processes) + 4
    per_scenario = 8 * (14 * C * R * R + 8 * R * S * C + 4 * months * (P + R) + 40 * R * C)
    size = int(max(1, min(4096, CHUNK_BUDGET_BYTES // per_scenario)))
    return min(size, COMPILED_CHUNK)


def run_batch(
    chain: Chain,
    scenarios: Sequence[Scenario | None],
    *,
    months: int | None = None,
    demand_path: Any = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResults:
    """Return per-scenario KPIs (units, t, USD) of ``scenarios`` against the baseline run.

    Parameters
    ----------
    chain
        The compiled chain.
    scenarios
        Scenarios (None: the baseline run itself), run on the vectorized engine.
    months
        Horizon T (default: the longest of the scenarios', else 24).
    demand_path
        One demand path for every scenario and the baseline run (None: flat).
    chunk_size
        Scenarios per chunk (default: :func:`default_chunk_size`). Results do not depend on it.
    progress
        Called with (scenarios done, scenarios in all) after each chunk.

    Examples
    --------
    >>> import reechain
    >>> from reechain.scenario import load_scenario, library_path
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> dy = load_scenario(library_path("dy-restriction"))
    >>> res = run_batch(chain, [None, dy], months=12)
    >>> res.lost_units.shape, bool(res.lost_units[0].sum() == 0)
    ((2, 3, 4), True)
    """
    horizons = [s.horizon_months for s in scenarios if s is not None]
    T = months if months is not None else max(horizons, default=24)
    base = run_vectorized(prepare_batch(chain, [None], months=T, demand_path=demand_path))
    size = chunk_size or default_chunk_size(chain, T)
    parts: list[Totals] = []
    for lo in range(0, len(scenarios), size):
        chunk = list(scenarios[lo : lo + size])
        batch = prepare_batch(chain, chunk, months=T, demand_path=demand_path)
        acc = _Accumulator(chain, base, len(chunk), T)
        run_vectorized(batch, record=(), on_month=acc.month)
        parts.append(acc.finish())
        if progress is not None:
            progress(min(lo + size, len(scenarios)), len(scenarios))
    joined = {k: np.concatenate([getattr(p, k) for p in parts]) for k in Totals._fields}
    return BatchResults(
        scenarios=tuple(s.name if s is not None else "baseline" for s in scenarios),
        regions=chain.regions,
        commodities=chain.commodities,
        sectors=chain.sectors,
        months=T,
        baseline_output_units=base.arrays["end_use_output"][0].sum(axis=0),
        **joined,
    )


class Totals(NamedTuple):
    """A chunk's KPI arrays (the per-scenario fields of :class:`BatchResults`)."""

    lost_units: FloatArray
    rationed_units: FloatArray
    priced_out_units: FloatArray
    value_lost_usd: FloatArray
    value_added_lost_usd: FloatArray
    peak_shortfall_pct: FloatArray
    peak_jobs_at_risk: FloatArray
    job_months: FloatArray
    months_to_recovery: IntArray
    monthly_value_lost_usd: FloatArray
    monthly_jobs_at_risk: FloatArray
    material_shortfall_t: FloatArray
    peak_material_shortfall_pct: FloatArray
    peak_price_usd_per_kg: FloatArray
    floor_payment_usd: FloatArray


class _Accumulator:
    """Reduces each month of a chunk into KPI arrays (definitions of
    :mod:`reechain.engine.kpis`, into buffers reused every month)."""

    def __init__(self, chain: Chain, base: BatchRun, B: int, T: int) -> None:
        from reechain.engine.kernel.sums import sum_middle  # numba, on first use only

        self.sum_middle = sum_middle
        R, C, S = len(chain.regions), len(chain.commodities), len(chain.sectors)
        self.base_output = base.arrays["end_use_output"][0]  # (T, S, R)
        self.base_requirement = base.arrays["requirement"][0]  # (T, R, C)
        self.base_gap = gap(self.base_requirement, base.arrays["available"][0])
        self.T = T
        self.value = np.asarray(chain.value_usd_per_unit)
        self.jobs = np.asarray(chain.jobs_per_unit)
        self.ratio = value_added_ratio(chain)
        z = np.zeros
        self.totals = Totals(
            lost_units=z((B, S, R)),
            rationed_units=z((B, S, R)),
            priced_out_units=z((B, S, R)),
            value_lost_usd=z((B, S, R)),
            value_added_lost_usd=z((B, S, R)),
            peak_shortfall_pct=z((B, S, R)),
            peak_jobs_at_risk=z((B, S, R)),
            job_months=z((B, S, R)),
            months_to_recovery=np.zeros((B, S, R), dtype=np.int64),
            monthly_value_lost_usd=z((B, T, R)),
            monthly_jobs_at_risk=z((B, T, R)),
            material_shortfall_t=z((B, R, C)),
            peak_material_shortfall_pct=z((B, R, C)),
            peak_price_usd_per_kg=z((B, R, C)),
            floor_payment_usd=z((B, R)),
        )
        self.first = np.full((B, S, R), -1, dtype=np.int64)
        self.last = np.full((B, S, R), -1, dtype=np.int64)
        self.lost, self.rationed, self.work = z((B, S, R)), z((B, S, R)), z((B, S, R))
        self.short, self.short_pct = z((B, R, C)), z((B, R, C))
        self.hit, self.new = np.zeros((B, S, R), dtype=bool), np.zeros((B, S, R), dtype=bool)

    def month(self, t: int, m: Month) -> None:
        k, lost, rationed, work = self.totals, self.lost, self.rationed, self.work
        ref = self.base_output[t]  # (S, R)
        lost_units(ref, m.end_use_requirement, m.end_use_output, out=lost)
        rationed_units(lost, m.end_use_target, m.end_use_output, out=rationed)
        k.lost_units[...] += lost
        k.rationed_units[...] += rationed
        k.priced_out_units[...] += priced_out_units(lost, rationed, out=work)
        value_lost_usd(lost, self.value, out=work)
        k.value_lost_usd[...] += work
        self.sum_middle(work, k.monthly_value_lost_usd, t)
        value_added_lost_usd(lost, self.value, self.ratio, out=work)
        k.value_added_lost_usd[...] += work
        share_pct(lost, ref, out=work)
        np.maximum(k.peak_shortfall_pct, work, out=k.peak_shortfall_pct)
        jobs_at_risk(lost, self.jobs, out=work)
        np.maximum(k.peak_jobs_at_risk, work, out=k.peak_jobs_at_risk)
        k.job_months[...] += work
        self.sum_middle(work, k.monthly_jobs_at_risk, t)
        loss_month(lost, ref, out=self.hit)
        np.less(self.first, 0, out=self.new)
        np.logical_and(self.new, self.hit, out=self.new)
        np.copyto(self.first, t, where=self.new)
        np.copyto(self.last, t, where=self.hit)
        short = material_shortfall(m.requirement, m.available, self.base_gap[t], out=self.short)
        k.material_shortfall_t[...] += short
        share_pct(short, self.base_requirement[t], out=self.short_pct)
        np.maximum(k.peak_material_shortfall_pct, self.short_pct, out=k.peak_material_shortfall_pct)
        np.maximum(k.peak_price_usd_per_kg, m.price, out=k.peak_price_usd_per_kg)
        k.floor_payment_usd[...] += m.floor_payment_usd

    def finish(self) -> Totals:
        recovered = np.where(self.last == self.T - 1, -1, self.last + 1 - self.first)
        self.totals.months_to_recovery[...] = np.where(self.first < 0, 0, recovered)
        return self.totals
