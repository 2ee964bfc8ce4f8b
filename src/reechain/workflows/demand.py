"""Demand in the Python API: resolve a demand scenario, project it, and show or hand it on.

Example
-------
>>> from reechain.workflows.demand import project_demand, demand_records
>>> p = project_demand("accelerated")
>>> rows = demand_records(p, elements=["Nd"], regions=["JPN"], sectors=["ev_traction_motor"],
...                       first_year=2030, last_year=2030)
>>> list(rows[0])[:5]
['year', 'region', 'sector', 'element', 'demand_t_per_year']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain, compile_chain
from reechain.demand import (
    FAMILIES,
    DemandScenario,
    Projection,
    builtin_scenario,
    compile_inputs,
    demand_multiple,
    parse_scenario,
    project,
)
from reechain.demand.anchor import anchor_to_chain
from reechain.demand.tables import DemandTables, load_demand_tables
from reechain.errors import InputError, NotFoundError
from reechain.names import check_name, did_you_mean, paths_allowed
from reechain.workflows.datasets import DEFAULT_DATASET, load_dataset

Kind = Literal["demand", "recycling"]
DIMENSIONS: tuple[str, ...] = ("region", "sector", "element")
"""Dimensions a listing can total over (``total_over``)."""


def demand_scenarios() -> list[dict[str, Any]]:
    """Return the bundled demand scenario families as records (name, description).

    Examples
    --------
    >>> [r["name"] for r in demand_scenarios()]
    ['stated', 'accelerated']
    """
    text = {
        "stated": "stated-policies-like: IEA GEVO 2024 STEPS EV sales, GWEC base-case wind",
        "accelerated": "announced-pledges-like: APS-like EV sales, wind tripling by 2030, "
        "faster Dy-lean adoption and magnet recycling",
    }
    return [{"name": name, "description": text[name]} for name in FAMILIES]


def load_demand_scenario(
    scenario: str | Path | DemandScenario, tables: DemandTables | None = None
) -> DemandScenario:
    """Return a demand scenario from a bundled family name or a YAML file's path.

    Raises
    ------
    NotFoundError
        Neither a bundled family nor an existing file.
    InputError
        The file is not a valid demand scenario (file, line, field, value, expected).
    """
    if isinstance(scenario, DemandScenario):
        return scenario
    name = str(scenario)
    if name in FAMILIES:
        return builtin_scenario(name)
    path = Path(name)
    if not paths_allowed():
        return builtin_scenario(check_name(name, "demand"))
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise NotFoundError(f"demand scenario file {name!r} does not exist")
        text = path.read_text(encoding="utf-8")
        return parse_scenario(text, path.name, tables or load_demand_tables())
    return builtin_scenario(name)


def project_demand(
    scenario: str | Path | DemandScenario = "stated",
    *,
    data: str | Path | None = None,
    anchor: str | Path | None = DEFAULT_DATASET,
) -> Projection:
    """Return the projection of a demand scenario (name, YAML path or object).

    ``data`` is a folder of demand tables to use instead of the bundled ones. ``anchor``
    names the dataset whose chain sets the base year (default: the default dataset): the
    projection's base year is that chain's end-use requirement (region of production), every
    (region, sector, element) series scaled to it, so the demand module and the chain are
    one world in the base year and the projection grows from there
    (:func:`reechain.demand.anchor.anchor_to_chain`). ``anchor=None`` gives the module's own
    base year (drivers × shares × intensities, calibrated to IEA's 2023 world figure).
    """
    tables = load_demand_tables(data)
    projection = project(compile_inputs(tables, load_demand_scenario(scenario, tables)))
    if anchor is None:
        return projection
    chain = compile_chain(load_dataset(anchor))
    return anchor_to_chain(projection, chain, tables.sector_map()).projection


def _pick(kind: str, wanted: Sequence[str] | None, choices: Sequence[str]) -> list[int]:
    if not wanted:
        return list(range(len(choices)))
    out = []
    for name in wanted:
        if name not in choices:
            hint = did_you_mean(name, choices)
            raise NotFoundError(
                f"{kind} {name!r} is not in the demand data; expected one of "
                f"{', '.join(choices)}" + (f"; {hint}" if hint else "")
            )
        out.append(list(choices).index(name))
    return out


def demand_records(
    projection: Projection,
    *,
    kind: Kind = "demand",
    elements: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    total_over: Sequence[str] = (),
    keep_zeros: bool = False,
) -> list[dict[str, Any]]:
    """Return a projection as records: ``year``, ``region``, ``sector``, ``element`` and values.

    ``kind="demand"`` gives ``demand_t_per_year`` (element in new units),
    ``secondary_t_per_year``, ``primary_demand_t_per_year`` (demand less secondary supply)
    and ``in_use_t``; ``kind="recycling"`` gives ``end_of_life_t_per_year``,
    ``secondary_t_per_year`` and ``recovered_share``. Dimensions in ``total_over`` are
    summed and shown as ``"all"``. Rows whose values are all zero are left out unless
    ``keep_zeros``.

    Raises
    ------
    NotFoundError
        An element, region or sector is not in the demand data.
    InputError
        Years out of order or outside the projection, or an unknown dimension to total.
    """
    x = projection.inputs
    years = [int(y) for y in x.years]
    lo = x.first_year if first_year is None else first_year
    hi = years[-1] if last_year is None else last_year
    if lo > hi:
        raise InputError(f"years out of order: --from {lo} is after --to {hi}")
    if lo < years[0] or hi > years[-1]:
        raise InputError(f"years {lo}–{hi}: expected years within {years[0]}–{years[-1]}")
    for dim in total_over:
        if dim not in DIMENSIONS:
            raise InputError(f"total over {dim!r}: expected one of {', '.join(DIMENSIONS)}")
    t = [years.index(y) for y in range(lo, hi + 1)]
    r = _pick("region", regions, x.regions)
    s = _pick("sector", sectors, x.sectors)
    e = _pick("element", elements, x.elements)

    def cut(a: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(a[np.ix_(t, r, s, e)], dtype=np.float64)

    if kind == "demand":
        demand = cut(projection.demand_t_per_year)
        secondary = cut(projection.secondary_t_per_year)
        values = {
            "demand_t_per_year": demand,
            "secondary_t_per_year": secondary,
            "primary_demand_t_per_year": demand - secondary,
            "in_use_t": cut(projection.stock_t),
        }
    elif kind == "recycling":
        values = {
            "end_of_life_t_per_year": cut(projection.end_of_life_t_per_year),
            "secondary_t_per_year": cut(projection.secondary_t_per_year),
        }
    else:
        raise InputError(f"kind got {kind!r}, expected 'demand' or 'recycling'")
    labels = {
        "region": [x.regions[i] for i in r],
        "sector": [x.sectors[i] for i in s],
        "element": [x.elements[i] for i in e],
    }
    axes = tuple(1 + DIMENSIONS.index(d) for d in total_over)
    if axes:
        values = {k: v.sum(axis=axes, keepdims=True) for k, v in values.items()}
        for dim in total_over:
            labels[dim] = ["all"]
    records: list[dict[str, Any]] = []
    first = next(iter(values.values()))
    for index in np.ndindex(first.shape):
        row = {k: float(v[index]) for k, v in values.items()}
        if not keep_zeros and not any(abs(v) > 0 for v in row.values()):
            continue
        if kind == "recycling":
            eol = row["end_of_life_t_per_year"]
            row["recovered_share"] = row["secondary_t_per_year"] / eol if eol > 0 else 0.0
        records.append(
            {
                "year": lo + index[0],
                "region": labels["region"][index[1]],
                "sector": labels["sector"][index[2]],
                "element": labels["element"][index[3]],
                **row,
            }
        )
    return records


def magnet_demand_kt(projection: Projection, years: Sequence[int]) -> dict[int, float]:
    """Return world Nd + Pr + Dy + Tb demand of magnet sectors, kt per year, for ``years``.

    Examples
    --------
    >>> round(magnet_demand_kt(project_demand("stated", anchor=None), [2023])[2023])
    93
    """
    series = projection.magnet_demand_t_per_year()
    all_years = [int(y) for y in projection.inputs.years]
    return {int(y): float(series[all_years.index(int(y))]) / 1000.0 for y in years}


def demand_path(
    scenario: str | Path | DemandScenario,
    chain: Chain,
    *,
    base_year: int | None = None,
    last_year: int | None = None,
    basis: Literal["material", "units"] = "material",
    sector_map: Mapping[str, str] | None = None,
    unmapped: Literal["error", "flat"] = "error",
    data: str | Path | None = None,
    anchored: bool = True,
) -> NDArray[np.float64]:
    """Return path[y, r, s] for ``chain``: demand as a multiple of the base year (≥ 0).

    ``anchored`` (the default): the projection is first anchored to ``chain``'s own
    end-use requirement when the path starts at the chain's year (one base year: the
    multiples then weigh each sector's elements as the chain uses them; on the default
    chain they move by at most 3 % against the unanchored module's).

    Years run from ``base_year`` (default: the chain's base year) to ``last_year``
    (default: the scenario's last); regions and sectors follow ``chain.regions`` and
    ``chain.sectors`` (see :mod:`reechain.demand.paths` for the mapping; the bundled
    ``sector_aliases.csv`` maps the sample's and the default dataset's codes, and
    ``sector_map`` adds or overrides entries). The engine's
    notional requirement in year y is baseline output × path[y].

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> path = demand_path("stated", chain)
    >>> path.shape[1:] == (len(chain.regions), len(chain.sectors))
    True
    """
    tables = load_demand_tables(data)
    projection = project(compile_inputs(tables, load_demand_scenario(scenario, tables)))
    base = chain.base_year if base_year is None else base_year
    last = int(projection.inputs.years[-1]) if last_year is None else last_year
    if base > last:
        raise InputError(f"years out of order: base year {base} is after last year {last}")
    mapping = {**tables.sector_map(), **(sector_map or {})}
    if anchored and basis == "material" and chain.year == base:
        projection = _anchored_where_required(
            projection, anchor_to_chain(projection, chain, mapping).projection, base
        )
    return demand_multiple(
        projection,
        chain.sectors,
        chain.regions,
        base_year=base,
        years=list(range(base, last + 1)),
        groups=dict(chain.groups),
        sector_map=mapping,
        basis=basis,
        unmapped=unmapped,
    )


def _anchored_where_required(own: Projection, anchored: Projection, year: int) -> Projection:
    """Return ``anchored``, except the (region, sector) series the chain requires nothing
    of in ``year`` in element terms (its commodities have no element content the anchor
    can read, as in the sample dataset), which keep ``own``'s: there is nothing to anchor
    them to, and a zero series would flatten their path."""
    t = [int(y) for y in own.inputs.years].index(year)
    lost = (own.demand_t_per_year[t].sum(axis=-1) > 0) & (
        anchored.demand_t_per_year[t].sum(axis=-1) <= 0
    )
    if not lost.any():
        return anchored
    demand = anchored.demand_t_per_year.copy()
    demand[:, lost] = own.demand_t_per_year[:, lost]
    return replace(anchored, demand_t_per_year=demand)


def plot_records(records: Sequence[Mapping[str, Any]], value: str, out: str | Path) -> Path:
    """Draw ``value`` against year, one line per (region, sector, element), into ``out``.

    The format follows the file's suffix (``.png``, ``.svg``, ``.pdf``). At most 20 lines
    are drawn, the largest by total.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(out)
    series: dict[str, dict[int, float]] = {}
    for row in records:
        label = " ".join(str(row[k]) for k in DIMENSIONS)
        series.setdefault(label, {})[int(row["year"])] = float(row[value])
    largest = sorted(series, key=lambda k: -sum(series[k].values()))[:20]
    fig, ax = plt.subplots(figsize=(9, 5))
    try:
        for label in largest:
            points = sorted(series[label].items())
            ax.plot([p[0] for p in points], [p[1] for p in points], label=label)
        ax.set_xlabel("year")
        ax.set_ylabel(value)
        if largest:
            ax.legend(fontsize="small", ncol=2)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path


def monthly_demand_path(name_or_yaml: str | Path, chain: Chain, months: int) -> Any:
    """Return demand scenario ``name_or_yaml`` as the engine's monthly path (T, S, R): each
    month takes its year's multiple of base-year output (month 0 is January after the
    chain's base year; months past 2050 keep the last year's multiple).
    """
    yearly = np.asarray(demand_path(name_or_yaml, chain), dtype=np.float64)  # (Y, R, S)
    years = np.minimum(1 + np.arange(months) // 12, yearly.shape[0] - 1)
    return np.ascontiguousarray(np.transpose(yearly[years], (0, 2, 1)))
