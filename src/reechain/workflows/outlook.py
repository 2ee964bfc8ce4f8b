"""Supply to 2035 in the Python API: chains of future years, ranges and the outlook table.

A year after the dataset's last is computed on a chain rolled forward
(:mod:`reechain.chain.rollforward`) under a pipeline case (:mod:`reechain.chain.pipeline`:
``operating-only``, ``announced``, ``expected``) and a demand path (a demand scenario of
:mod:`reechain.workflows.demand`, default ``stated``). The ``expected`` case is reported with
a range: the 10th and 90th percentiles over :data:`DRAWS` drawn futures (seeded, so a range
is the same on every run). Years after :data:`~reechain.chain.pipeline.LAST_OUTLOOK_YEAR`
work but warn (:class:`BeyondPipelineWarning`): projects announced later are missing.

Examples
--------
>>> from reechain.workflows.outlook import supply_outlook
>>> rows = supply_outlook("default", cases=["announced"], first_year=2030, last_year=2030,
...                stage="separate")
>>> rows[0]["case"], rows[0]["year"], rows[0]["top1_region"]
('announced', 2030, 'CHN')
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain, compile_chain
from reechain.chain.pipeline import CASES as PIPELINE_CASES
from reechain.chain.pipeline import LAST_OUTLOOK_YEAR, check_case, draw_online, online
from reechain.chain.pipeline import projects as chain_projects
from reechain.chain.rollforward import roll_forward
from reechain.errors import InputError
from reechain.metrics.concentration import AggregateTreatment, Concentration, chain_concentration
from reechain.store import DEFAULT_WORKSPACE, Store
from reechain.workflows.datasets import DEFAULT_DATASET, load_dataset
from reechain.workflows.demand import demand_path

FloatArray = NDArray[np.float64]

CASES = PIPELINE_CASES
"""The pipeline cases (:data:`reechain.chain.pipeline.CASES`)."""

DEFAULT_CASE = "announced"
"""The case of a future year when none is named: every announced project on time."""
DEFAULT_DEMAND = "stated"
"""The demand scenario of a future year when none is named."""
DRAWS = 100
"""Drawn futures behind the ``expected`` case's range of one year."""
OUTLOOK_DRAWS = 40
"""Drawn futures per year behind the outlook table's ranges (eleven years at a time)."""
SEED = 18
"""Root seed of the draws (each draw gets its own stream from it)."""
PERCENTILES = (10, 90)
RANGED = ("top1_share", "top3_share", "hhi")


class BeyondPipelineWarning(UserWarning):
    """A year past the pipeline's horizon: only projects announced so far are in it."""


def demand_factor(chain: Chain, year: int, demand: str | Path | None) -> FloatArray | float:
    """Return (S, R) end-use output in ``year`` as a multiple of the base year (1.0: flat)."""
    return demand_factors(chain, [year], demand)[year]


def demand_factors(
    chain: Chain, years: Sequence[int], demand: str | Path | None
) -> dict[int, FloatArray | float]:
    """Return :func:`demand_factor` for each of ``years``, projecting demand once."""
    if demand is None:
        return {y: 1.0 for y in years}
    try:
        path = demand_path(demand, chain, last_year=max(years))
    except InputError as exc:
        raise InputError(
            f"year {max(years)}: the demand scenario {str(demand)!r} does not reach it ({exc})"
        ) from None
    return {y: np.ascontiguousarray(path[y - chain.base_year].T) for y in years}


def check_future_year(chain: Chain, year: int) -> None:
    """Raise InputError for a year before the base year; warn past the pipeline's horizon."""
    if year <= chain.base_year:
        raise InputError(
            f"year: got {year}, expected a year after the base year {chain.base_year} "
            "(or one the dataset holds)"
        )
    if year > LAST_OUTLOOK_YEAR:
        warnings.warn(
            f"year {year} is past {LAST_OUTLOOK_YEAR}: the pipeline holds only the projects "
            "announced so far, so later capacity is missing",
            BeyondPipelineWarning,
            stacklevel=2,
        )


def future_chain(
    chain: Chain,
    year: int,
    case: str = DEFAULT_CASE,
    *,
    demand: str | Path | None = DEFAULT_DEMAND,
    factor: FloatArray | float | None = None,
) -> Chain:
    """Return ``chain`` rolled forward to ``year`` under ``case`` and the demand path
    (``factor``: the year's demand factor, when already projected)."""
    check_case(case)
    check_future_year(chain, year)
    if factor is None:
        factor = demand_factor(chain, year, demand)
    return roll_forward(chain, year, online(chain, case), factor)


def drawn_chains(
    chain: Chain,
    year: int,
    *,
    demand: str | Path | None = DEFAULT_DEMAND,
    draws: int = DRAWS,
    seed: int = SEED,
    factor: FloatArray | float | None = None,
) -> list[Chain]:
    """Return ``draws`` chains of ``year``, each rolled forward under one drawn future."""
    check_future_year(chain, year)
    if factor is None:
        factor = demand_factor(chain, year, demand)
    found = chain_projects(chain)
    streams = np.random.SeedSequence(seed).spawn(draws)
    return [
        roll_forward(chain, year, draw_online(chain, np.random.default_rng(s), found), factor)
        for s in streams
    ]


def concentration_ranges(
    chain: Chain,
    year: int,
    results: Sequence[Concentration],
    *,
    commodity: str | None = None,
    stage: str | None = None,
    per: str = "commodity",
    aggregates: AggregateTreatment | str = AggregateTreatment.FRAGMENTED,
    share_of: Sequence[str] = (),
    demand: str | Path | None = DEFAULT_DEMAND,
    draws: int = DRAWS,
    factor: FloatArray | float | None = None,
) -> list[dict[str, float]]:
    """Return, per result, the ``expected`` case's range: ``<field>_p10`` and ``_p90`` of
    top-1 and top-3 shares, HHI and each ``<REGION>_share`` asked for, over drawn futures."""
    fields = [*RANGED, *(f"{code}_share" for code in share_of)]
    values: dict[tuple[str, str], dict[str, list[float]]] = {
        (r.stage, r.commodity): {f: [] for f in fields} for r in results
    }
    for drawn in drawn_chains(chain, year, demand=demand, draws=draws, factor=factor):
        for r in chain_concentration(drawn, commodity, stage, per=per, treatment=aggregates):
            slot = values.get((r.stage, r.commodity))
            if slot is None:
                continue
            record = r.as_record(share_of)
            for f in fields:
                slot[f].append(float(record[f]))
    out = []
    for r in results:
        slot = values[(r.stage, r.commodity)]
        ranged: dict[str, float] = {}
        for f in fields:
            low, high = np.percentile(slot[f], PERCENTILES) if slot[f] else (np.nan, np.nan)
            ranged[f"{f}_p{PERCENTILES[0]}"] = float(low)
            ranged[f"{f}_p{PERCENTILES[1]}"] = float(high)
        out.append(ranged)
    return out


def supply_outlook(
    dataset: str | Path | None = None,
    *,
    cases: Iterable[str] = CASES,
    first_year: int | None = None,
    last_year: int = LAST_OUTLOOK_YEAR,
    commodity: str | None = None,
    stage: str | None = None,
    per: str = "stage",
    demand: str | Path | None = DEFAULT_DEMAND,
    draws: int = OUTLOOK_DRAWS,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[dict[str, Any]]:
    """Return the outlook table: per case, year and stage (or commodity), top-1 and top-3
    shares, HHI, and demand against supply (units per year); ``expected`` rows add ranges.

    ``demand_per_year`` is world use (end use + processes' use) of the row's commodities in
    the rolled chain plus the base year's residuals (stock builds and unrecorded use, held
    constant; so demand equals supply in the base year), ``supply_per_year`` their
    production, ``pipeline_supply_per_year`` the part made by pipeline projects,
    ``gap_per_year`` demand − supply.
    """
    ds = load_dataset(
        dataset if dataset is not None else DEFAULT_DATASET, store, workspace=workspace
    )
    base = compile_chain(ds)
    first = base.base_year + 1 if first_year is None else first_year
    if first > last_year:
        raise InputError(f"years out of order: first year {first} is after last year {last_year}")
    wanted = [check_case(c) for c in cases]
    if first <= base.base_year:
        check_future_year(base, first)
    factors = demand_factors(base, list(range(first, last_year + 1)), demand)
    rows: list[dict[str, Any]] = []
    for case in wanted:
        for year in range(first, last_year + 1):
            rolled = future_chain(base, year, case, demand=demand, factor=factors[year])
            results = chain_concentration(rolled, commodity, stage, per=per)
            ranges = (
                concentration_ranges(
                    base,
                    year,
                    results,
                    commodity=commodity,
                    stage=stage,
                    per=per,
                    demand=demand,
                    draws=draws,
                    factor=factors[year],
                )
                if case == "expected"
                else [{} for _ in results]
            )
            for result, ranged in zip(results, ranges, strict=True):
                rows.append(
                    {
                        "case": case,
                        "year": year,
                        "stage": result.stage,
                        "commodity": result.commodity,
                        "unit": result.unit,
                        "top1_region": result.top1_region,
                        "top1_share": result.top1_share,
                        "top3_regions": " ".join(result.top3_regions),
                        "top3_share": result.top3_share,
                        "hhi": result.hhi,
                        **ranged,
                        **_balance(base, rolled, result),
                    }
                )
    return rows


def _balance(base: Chain, rolled: Chain, result: Concentration) -> dict[str, float]:
    """Demand, supply and the pipeline's part of it for a result's commodities."""
    members = (
        [rolled.commodity_index(c) for c in result.commodity.split("+")]
        if result.commodity != "all"
        else [
            c
            for c in range(len(rolled.commodities))
            if rolled.stages[int(rolled.commodity_stage[c])] == result.stage
        ]
    )
    use = (rolled.end_use + rolled.process_use)[:, members].sum() + base.residual[:, members].sum()
    made = rolled.production[:, members].sum()
    P0 = len(base.processes)
    pipeline = np.zeros(len(rolled.processes), dtype=bool)
    pipeline[P0:] = True
    pipeline[:P0] = (base.activity_per_year == 0) & (rolled.activity_per_year[:P0] > 0)
    from_pipeline = (rolled.activity_per_year[pipeline, None] * rolled.process_outputs[pipeline])[
        :, members
    ].sum()
    return {
        "demand_per_year": float(use),
        "supply_per_year": float(made),
        "pipeline_supply_per_year": float(from_pipeline),
        "gap_per_year": float(use - made),
    }


def outlook_figure(rows: Sequence[dict[str, Any]]) -> Any:
    """Return a matplotlib figure: top-1 share against year, one line per case and stage,
    with the ``expected`` case's range shaded."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 5))
    ax = fig.subplots()
    series: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        series.setdefault((row["case"], f"{row['stage']} {row['commodity']}"), []).append(row)
    for (case, label), points in sorted(series.items()):
        points = sorted(points, key=lambda r: r["year"])
        years = [r["year"] for r in points]
        line = ax.plot(years, [r["top1_share"] for r in points], label=f"{label} ({case})")[0]
        if case == "expected" and "top1_share_p10" in points[0]:
            ax.fill_between(
                years,
                [r["top1_share_p10"] for r in points],
                [r["top1_share_p90"] for r in points],
                color=line.get_color(),
                alpha=0.2,
            )
    ax.set_xlabel("year")
    ax.set_ylabel("top-1 region's share of production")
    ax.set_ylim(0, 1)
    ax.legend(fontsize="small", ncol=2)
    return fig
