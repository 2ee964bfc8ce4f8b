"""Build a :class:`~reechain.chain.Chain` from one year of a validated dataset.

Kept apart from the Chain itself: this is the one place that turns dataset rows into
integer indices and arrays (and keeps each entry's provenance beside it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from reechain.chain.model import Chain, IntArray, frozen, frozen_int
from reechain.data.dataset import Dataset
from reechain.data.tables import PROVENANCE_COLUMNS, Provenance
from reechain.errors import ConsistencyError


def _source(row: Provenance) -> Mapping[str, Any]:
    return MappingProxyType({k: getattr(row, k) for k in PROVENANCE_COLUMNS})


def build_chain(ds: Dataset, year: int) -> Chain:
    """Return the chain of dataset ``ds`` for ``year`` (no balance check)."""
    regions = tuple(r.region for r in ds.rows("regions"))
    stages_sorted = sorted(ds.rows("stages"), key=lambda s: s.order)
    stages = tuple(s.stage for s in stages_sorted)
    commodities = tuple(c.commodity for c in ds.rows("commodities"))
    sectors = tuple(s.sector for s in ds.rows("sectors"))
    recipes = tuple(dict.fromkeys(r.recipe for r in ds.rows("recipes")))
    ri = {r: i for i, r in enumerate(regions)}
    ci = {c: i for i, c in enumerate(commodities)}
    si = {s: i for i, s in enumerate(sectors)}
    qi = {q: i for i, q in enumerate(recipes)}
    stage_i = {s: i for i, s in enumerate(stages)}
    R, C, S = len(regions), len(commodities), len(sectors)

    groups: dict[str, list[str]] = {}
    for g in ds.rows("groups"):
        groups.setdefault(g.group, []).append(g.region)

    procs = [p for p in ds.rows("processes") if p.year == year]
    trade = [t for t in ds.rows("trade") if t.year == year]
    end_uses = [e for e in ds.rows("end_uses") if e.year == year]
    residuals = [x for x in ds.rows("residuals") if x.year == year]
    recipe_rows = ds.rows("recipes")
    intensities = ds.rows("intensities")
    inventories = ds.rows("inventories")
    stockpiles = ds.rows("stockpiles")
    elasticities = {e.commodity: e for e in ds.rows("elasticities")}
    prices = _prices_for(ds, year, commodities)

    output = np.zeros((S, R))
    value = np.zeros((S, R))
    jobs = np.zeros((S, R))
    for e in end_uses:
        s, r = si[e.sector], ri[e.region]
        output[s, r], value[s, r], jobs[s, r] = (
            e.output_per_year,
            e.value_usd_per_unit,
            e.jobs_per_unit,
        )
    intensity = np.zeros((S, C))
    for n in intensities:
        intensity[si[n.sector], ci[n.commodity]] = n.quantity_per_unit
    target = np.zeros((R, C))
    restoration = np.ones((R, C))
    for v in inventories:
        target[ri[v.region], ci[v.commodity]] = v.target_days
        restoration[ri[v.region], ci[v.commodity]] = v.restoration_months

    def ints(values: Sequence[Any], width: int | None = None) -> IntArray:
        arr = np.array(values, dtype=np.int64)
        if width is not None:
            arr = arr.reshape(-1, width)
        return frozen_int(arr)

    sources = {
        "processes": tuple(_source(p) for p in procs),
        "recipes": tuple(_source(q) for q in recipe_rows),
        "trade": tuple(_source(t) for t in trade),
        "end_uses": tuple(_source(e) for e in end_uses),
        "intensities": tuple(_source(n) for n in intensities),
        "inventories": tuple(_source(v) for v in inventories),
        "stockpiles": tuple(_source(k) for k in stockpiles),
        "prices": tuple(_source(p) for p in prices),
        "elasticities": tuple(_source(elasticities[c]) for c in commodities),
        "residuals": tuple(_source(x) for x in residuals),
    }
    return Chain(
        dataset=ds.name,
        year=year,
        base_year=ds.meta.base_year,
        regions=regions,
        region_names=tuple(r.name for r in ds.rows("regions")),
        region_kinds=tuple(r.kind for r in ds.rows("regions")),
        groups=MappingProxyType({g: tuple(m) for g, m in groups.items()}),
        stages=stages,
        stage_names=tuple(s.name for s in stages_sorted),
        commodities=commodities,
        commodity_names=tuple(c.name for c in ds.rows("commodities")),
        commodity_units=tuple(c.unit for c in ds.rows("commodities")),
        commodity_elements=tuple(c.elements for c in ds.rows("commodities")),
        commodity_stage=ints([stage_i[c.stage] for c in ds.rows("commodities")]),
        sectors=sectors,
        sector_names=tuple(s.name for s in ds.rows("sectors")),
        sector_units=tuple(s.unit for s in ds.rows("sectors")),
        processes=tuple(p.process for p in procs),
        process_region=ints([ri[p.region] for p in procs]),
        process_stage=ints([stage_i[p.stage] for p in procs]),
        process_recipe=ints([qi[p.recipe] for p in procs]),
        process_technology=tuple(p.technology for p in procs),
        process_owner=tuple(p.owner for p in procs),
        process_status=tuple(p.status for p in procs),
        process_start_year=ints([-1 if p.start_year is None else p.start_year for p in procs]),
        capacity_per_year=frozen([p.capacity_per_year for p in procs]),
        activity_per_year=frozen([p.activity_per_year for p in procs]),
        max_utilisation=frozen([p.max_utilisation for p in procs]),
        ramp_rate_per_month=frozen([p.ramp_rate_per_month for p in procs]),
        recipes=recipes,
        recipe_entries=ints(
            [(qi[q.recipe], ci[q.commodity], int(q.role == "output")) for q in recipe_rows], 3
        ),
        recipe_quantity=frozen([q.quantity_per_unit for q in recipe_rows]),
        link_commodity=ints([ci[t.commodity] for t in trade]),
        link_exporter=ints([ri[t.exporter] for t in trade]),
        link_importer=ints([ri[t.importer] for t in trade]),
        link_flow_per_year=frozen([t.quantity_per_year for t in trade]),
        end_use_entries=ints([(si[e.sector], ri[e.region]) for e in end_uses], 2),
        output_per_year=frozen(output),
        value_usd_per_unit=frozen(value),
        jobs_per_unit=frozen(jobs),
        intensity_entries=ints([(si[n.sector], ci[n.commodity]) for n in intensities], 2),
        intensity=frozen(intensity),
        inventory_entries=ints([(ri[v.region], ci[v.commodity]) for v in inventories], 2),
        inventory_target_days=frozen(target),
        inventory_restoration_months=frozen(restoration),
        stockpile_holder=ints([ri[k.holder] for k in stockpiles]),
        stockpile_commodity=ints([ci[k.commodity] for k in stockpiles]),
        stockpile_quantity=frozen([k.quantity for k in stockpiles]),
        stockpile_max_release_per_month=frozen([k.max_release_per_month for k in stockpiles]),
        price_usd_per_kg=frozen([p.price_usd_per_kg for p in prices]),
        price_year=ints([p.year for p in prices]),
        elasticity=frozen([elasticities[c].elasticity for c in commodities]),
        price_cap_multiple=frozen([elasticities[c].price_cap_multiple for c in commodities]),
        residual_region=ints([ri[x.region] for x in residuals]),
        residual_commodity=ints([ci[x.commodity] for x in residuals]),
        residual_kind=tuple(x.kind for x in residuals),
        residual_quantity=frozen([x.quantity_per_year for x in residuals]),
        sources=MappingProxyType(sources),
        pipeline=tuple(ds.rows("pipeline")),
    )


def _prices_for(ds: Dataset, year: int, commodities: Sequence[str]) -> list[Any]:
    """Per commodity, the price row of ``year``, else of the nearest year (base year on ties)."""
    by_commodity: dict[str, list[Any]] = {}
    for p in ds.rows("prices"):
        by_commodity.setdefault(p.commodity, []).append(p)
    chosen = []
    for c in commodities:
        rows = by_commodity.get(c)
        if not rows:
            raise ConsistencyError(f"commodity {c!r} has no price row")
        chosen.append(min(rows, key=lambda p: (abs(p.year - year), p.year != ds.meta.base_year)))
    return chosen
