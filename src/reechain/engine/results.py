"""Results of a scenario against its baseline run, and the KPIs drawn from them.

:func:`simulate` runs a scenario and its baseline run (same chain, same horizon, same
demand path, no events, no policies) with the vectorized engine (or, with
``engine="reference"``, the reference engine) and returns
:class:`Results`: monthly arrays with documented axes and the shortfalls between the two.

The shortfall and KPI definitions are those of :mod:`reechain.engine.kpis` (lost units,
rationed and priced out, gross output and value added lost, jobs at risk and job-months,
material shortfall, months to recovery); per region and commodity, **days of cover at
onset** = (user inventory + strategic stockpiles) at the start of the first event month ÷
daily use requirement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.chain.pipeline import Online
from reechain.engine.arrays import RunArrays
from reechain.engine.batch import stack_prepared
from reechain.engine.kpis import (
    gap,
    job_months,
    jobs_at_risk,
    lost_units,
    material_shortfall,
    months_to_recovery,
    peak_jobs,
    priced_out_units,
    rationed_units,
    share_pct,
    value_added_lost_usd,
    value_lost_usd,
)
from reechain.engine.market import MarketParameters
from reechain.engine.prepare import Prepared, prepare
from reechain.engine.reference import run_reference
from reechain.engine.vectorized import run_vectorized
from reechain.errors import InputError
from reechain.scenario.models import Scenario
from reechain.scenario.validate import month_index
from reechain.units import DAYS_PER_MONTH

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Results:
    """A scenario's run and its baseline run, with shortfalls (units per month).

    Axes: T months, R regions, C commodities, S sectors.
    """

    scenario: str
    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    sectors: tuple[str, ...]
    start_year: int
    """Calendar year of month 0 (January)."""
    onset_month: int
    """First month of the earliest event (0 when there is none)."""
    run: RunArrays
    baseline: RunArrays
    lost_units: FloatArray
    """(T, S, R) output lost against the baseline run."""
    rationed_units: FloatArray
    """(T, S, R) lost because inputs were short of target."""
    priced_out_units: FloatArray
    """(T, S, R) lost because the price cut the target."""
    value_lost_usd: FloatArray
    """(T, S, R) gross output lost, USD per month."""
    value_added_lost_usd: FloatArray
    """(T, S, R) value added (GDP) lost, USD per month."""
    adjustment_cost_usd: FloatArray
    """(T, S, R) cost of grade switching and thrifting, USD per month."""
    jobs_at_risk: FloatArray
    """(T, S, R) jobs (lost monthly units × 12 × jobs per unit)."""
    material_shortfall: FloatArray
    """(T, R, C) units of requirement not available beyond the baseline run's."""
    stockpile_holder: tuple[str, ...]
    """(K,) holder of each strategic stockpile."""
    stockpile_commodity: tuple[str, ...]
    """(K,) commodity of each strategic stockpile."""
    stockpile_initial: FloatArray
    """(K,) units held at the start of month 0."""

    @property
    def months(self) -> int:
        """Horizon T."""
        return int(self.run.price.shape[0])

    def month_label(self, t: int) -> str:
        """Return month ``t`` as YYYY-MM."""
        return f"{self.start_year + t // 12}-{t % 12 + 1:02d}"


def simulate(
    chain: Chain,
    scenario: Scenario | None = None,
    *,
    months: int | None = None,
    demand_path: Any = None,
    engine: str = "vectorized",
    online: Sequence[Online] | None = None,
    market: MarketParameters | None = None,
) -> Results:
    """Return the results (units per month, USD) of ``scenario`` against its baseline run.

    ``engine`` is ``"vectorized"`` (the scenario and its baseline run in one batch) or
    ``"reference"`` (the readable per-scenario loop); they agree to 1e-9 relative.
    ``online`` is the pipeline capacity that comes online in both runs
    (:func:`reechain.chain.pipeline.online`; default: the chain's own case, none for a
    compiled chain).
    ``market``: the price step's parameters (default: the bundled, calibrated ones).

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine import simulate
    >>> results = simulate(reechain.compile_chain(reechain.load_dataset("sample")), months=3)
    >>> float(results.lost_units.sum())
    0.0
    """
    T = months if months is not None else (scenario.horizon_months if scenario else 24)
    prep = prepare(chain, scenario, months=T, demand_path=demand_path, online=online, market=market)
    base_prep = prepare(
        chain, None, months=T, demand_path=demand_path, online=online, market=market
    )
    content = scenario is not None and _has_content(scenario)
    if engine == "reference":
        run = run_reference(prep)
        base = run_reference(base_prep) if content else run
    elif engine == "vectorized":
        batch = run_vectorized(stack_prepared([prep, base_prep] if content else [prep]))
        run = batch.scenario(0)
        base = batch.scenario(1) if content else run
    else:
        raise InputError(f"engine: got {engine!r}, expected 'vectorized' or 'reference'")
    starts = [month_index(chain, e.start) for e in (scenario.events if scenario else ())]
    return compare(
        scenario.name if scenario else "baseline",
        chain.base_year + 1,
        prep,
        run,
        base,
        min(starts, default=0),
    )


def simulate_many(
    chain: Chain,
    scenarios: Sequence[Scenario],
    *,
    months: int | None = None,
    demand_path: Any = None,
    engine: str = "vectorized",
    on_month: Callable[[int], None] | None = None,
    online: Sequence[Online] | None = None,
) -> list[Results]:
    """Return the results (units per month, USD) of each scenario against one baseline run.

    The vectorized engine runs every scenario and the baseline run in one batch (full
    monthly arrays: for a few scenarios; many scenarios go to
    :func:`reechain.engine.run_batch`). ``on_month(t)`` is called after each month (the
    reference engine: after each scenario, with the scenario's index).

    Examples
    --------
    >>> import reechain
    >>> from reechain.scenario import library_path, load_scenario
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> dy = load_scenario(library_path("dy-restriction"))
    >>> [r.scenario for r in simulate_many(chain, [dy, dy], months=6)]
    ['dy-restriction', 'dy-restriction']
    """
    horizons = [s.horizon_months for s in scenarios]
    T = months if months is not None else max(horizons, default=24)
    preps = [prepare(chain, s, months=T, demand_path=demand_path, online=online) for s in scenarios]
    base_prep = prepare(chain, None, months=T, demand_path=demand_path, online=online)
    if engine == "reference":
        base = run_reference(base_prep)
        runs = []
        for k, prep in enumerate(preps):
            runs.append(run_reference(prep))
            if on_month is not None:
                on_month(k)
    elif engine == "vectorized":
        batch = run_vectorized(
            stack_prepared([*preps, base_prep]),
            on_month=None if on_month is None else (lambda t, _: on_month(t)),
        )
        runs = [batch.scenario(k) for k in range(len(preps))]
        base = batch.scenario(len(preps))
    else:
        raise InputError(f"engine: got {engine!r}, expected 'vectorized' or 'reference'")
    out = []
    for scenario, prep, run in zip(scenarios, preps, runs, strict=True):
        starts = [month_index(chain, e.start) for e in scenario.events]
        out.append(
            compare(scenario.name, chain.base_year + 1, prep, run, base, min(starts, default=0))
        )
    return out


def _has_content(scenario: Scenario) -> bool:
    return bool(scenario.events or scenario.policies)


def compare(
    name: str, start_year: int, prep: Prepared, run: RunArrays, base: RunArrays, onset: int
) -> Results:
    """Return :class:`Results` of ``run`` measured against the baseline run ``base``."""
    lost = lost_units(base.end_use_output, run.end_use_requirement, run.end_use_output)
    rationed = rationed_units(lost, run.end_use_target, run.end_use_output)
    base_gap = gap(base.requirement, base.available)
    return Results(
        scenario=name,
        regions=prep.regions,
        commodities=prep.commodities,
        sectors=prep.sectors,
        start_year=start_year,
        onset_month=onset,
        run=run,
        baseline=base,
        lost_units=lost,
        rationed_units=rationed,
        priced_out_units=priced_out_units(lost, rationed),
        value_lost_usd=value_lost_usd(lost, prep.value_usd_per_unit[None]),
        value_added_lost_usd=value_added_lost_usd(
            lost, prep.value_usd_per_unit[None], prep.value_added_ratio[None]
        ),
        adjustment_cost_usd=run.end_use_output * prep.adjustment_cost_usd_per_unit,
        jobs_at_risk=jobs_at_risk(lost, prep.jobs_per_unit[None]),
        material_shortfall=material_shortfall(run.requirement, run.available, base_gap),
        stockpile_holder=tuple(prep.regions[r] for r in prep.stockpile_holder),
        stockpile_commodity=tuple(prep.commodities[c] for c in prep.stockpile_commodity),
        stockpile_initial=prep.stockpile_initial,
    )


def price_index(results: Results) -> FloatArray:
    """Return (T,) a price index, 1 at P₀: Σ P(t) × U₀ ÷ Σ P₀ × U₀ over regions and
    commodities, U₀ the baseline run's first-month use requirement (a value-weighted
    average of price multiples).
    """
    weight = results.baseline.requirement[0]
    p0 = results.baseline.price[0]
    total = float((p0 * weight).sum())
    if total <= 0:
        return np.ones(results.months)
    return np.asarray((results.run.price * weight).sum(axis=(1, 2)) / total)


def headline_kpis(results: Results) -> dict[str, float]:
    """Return the run's totals over every sector and region: gross output and value added
    lost (USD), job-months, the most jobs idle in one month (the peak of the monthly sum,
    never a sum of each sector's peak) and the cost of grade switching and thrifting (USD).

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine import simulate
    >>> res = simulate(reechain.compile_chain(reechain.load_dataset("sample")), months=2)
    >>> headline_kpis(res)["job_months"]
    0.0
    """
    return {
        "gross_output_lost_usd": float(results.value_lost_usd.sum()),
        "value_added_lost_usd": float(results.value_added_lost_usd.sum()),
        "job_months": float(job_months(results.jobs_at_risk).sum()),
        "peak_jobs_at_risk": float(peak_jobs(results.jobs_at_risk, (1, 2))),
        "adjustment_cost_usd": float(results.adjustment_cost_usd.sum()),
    }


def sector_kpis(results: Results) -> list[dict[str, Any]]:
    """Return KPIs per region and sector with a baseline output (records; units in names)."""
    records = []
    base = results.baseline.end_use_output
    for s, sector in enumerate(results.sectors):
        for r, region in enumerate(results.regions):
            ref = base[:, s, r]
            if ref.sum() <= 0:
                continue
            lost = results.lost_units[:, s, r]
            records.append(
                {
                    "region": region,
                    "sector": sector,
                    "peak_shortfall_pct": float(share_pct(lost, ref).max()),
                    "cumulative_shortfall_units": float(lost.sum()),
                    "cumulative_rationed_units": float(results.rationed_units[:, s, r].sum()),
                    "cumulative_priced_out_units": float(results.priced_out_units[:, s, r].sum()),
                    "cumulative_value_lost_usd": float(results.value_lost_usd[:, s, r].sum()),
                    "cumulative_value_added_lost_usd": float(
                        results.value_added_lost_usd[:, s, r].sum()
                    ),
                    "peak_jobs_at_risk": float(results.jobs_at_risk[:, s, r].max()),
                    "job_months": float(job_months(results.jobs_at_risk[:, s, r])),
                    "cumulative_adjustment_cost_usd": float(
                        results.adjustment_cost_usd[:, s, r].sum()
                    ),
                    "months_to_recovery": months_to_recovery(lost, ref),
                }
            )
    return records


def commodity_kpis(results: Results) -> list[dict[str, Any]]:
    """Return KPIs per region and commodity with a requirement (records; units in names)."""
    records = []
    run = results.run
    onset = min(results.onset_month, results.months - 1)
    held = np.zeros((len(results.regions), len(results.commodities)))
    levels = run.stockpile_level[onset - 1] if onset > 0 else results.stockpile_initial
    for k, (holder, commodity) in enumerate(
        zip(results.stockpile_holder, results.stockpile_commodity, strict=True)
    ):
        r, c = results.regions.index(holder), results.commodities.index(commodity)
        held[r, c] += levels[k]
    stock = run.user_inventory[onset - 1] if onset > 0 else run.initial_user_inventory
    for r, region in enumerate(results.regions):
        for c, commodity in enumerate(results.commodities):
            use = run.requirement[onset, r, c]
            if results.baseline.requirement[:, r, c].sum() <= 0:
                continue
            short = results.material_shortfall[:, r, c]
            base_use = results.baseline.requirement[:, r, c]
            records.append(
                {
                    "region": region,
                    "commodity": commodity,
                    "peak_shortfall_pct": float(share_pct(short, base_use).max()),
                    "cumulative_shortfall_t": float(short.sum()),
                    "peak_price_usd_per_kg": float(run.price[:, r, c].max()),
                    "days_of_cover_at_onset": float(
                        (stock[r, c] + held[r, c]) / use * DAYS_PER_MONTH
                    )
                    if use > 0
                    else None,
                    "months_to_recovery": months_to_recovery(short, base_use),
                }
            )
    return records
