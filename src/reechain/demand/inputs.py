"""Compile the demand tables and a demand scenario into arrays: :class:`DemandInputs`.

Axes: ``T`` model years (consecutive, from :data:`~reechain.demand.scenarios.FIRST_MODEL_YEAR`
to the scenario's last year), ``R`` regions, ``S`` sectors, ``E`` elements. Activity is
in each sector's driver unit per year (vehicles, MW, t of magnet, t of rare-earth content);
intensities in kg of element per rare-earth-bearing unit; rates are fractions.

How a number is made, for sector s, region r, element e and year t:

- world activity A[t, s] = the family's driver path × the scenario's activity multiplier;
- regional activity = A[t, s] × region share[t, r, s] (shares sum to 1 in every year);
- rare-earth-bearing units U[t, r, s] = regional activity × re_share[t, s];
- intensity i[t, s, e] = table path (its decline is the thrifting trajectory)
  × the scenario's intensity multiplier × Π over substitution options that cut e of
  (1 − adoption[t] × cut);
- element demand D[t, r, s, e] = U[t, r, s] × i[t, s, e] / 1000 (tonnes of element).

Example
-------
>>> from reechain.demand.tables import load_demand_tables
>>> from reechain.demand.scenarios import builtin_scenario
>>> x = compile_inputs(load_demand_tables(), builtin_scenario("stated"))
>>> int(x.years[0]), int(x.years[-1]), "Nd" in x.elements
(2000, 2050, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from reechain.demand.curves import interpolate, logistic_adoption
from reechain.demand.lifetimes import Lifetime
from reechain.demand.scenarios import (
    FIRST_MODEL_YEAR,
    DemandScenario,
    LifetimeSpec,
    SubstitutionChange,
)
from reechain.demand.tables import DemandTables, LifetimeRow
from reechain.errors import ConsistencyError, InputError

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SHARE_TOLERANCE = 1e-6
"""Region shares of a sector must sum to 1 within this, in every anchor year."""


@dataclass(frozen=True, eq=False)
class DemandInputs:
    """A demand scenario compiled to arrays; every projection starts from one."""

    scenario: str
    family: str
    years: IntArray
    """(T,) consecutive calendar years of the stock model."""
    first_year: int
    """First year reported (earlier years only build up the stock)."""
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    sector_units: tuple[str, ...]
    magnet: BoolArray
    """(S,) whether the sector's rare earths are in NdFeB magnets."""
    elements: tuple[str, ...]
    activity_per_year: FloatArray
    """(T, R, S) units per year (driver unit), all units."""
    re_units_per_year: FloatArray
    """(T, R, S) rare-earth-bearing units per year."""
    intensity_kg_per_unit: FloatArray
    """(T, S, E) kg of element per rare-earth-bearing unit, after thrifting and substitution."""
    lifetimes: tuple[Lifetime, ...]
    """(S,) lifetime of each sector's products."""
    inflow_timing: str
    collection_rate: FloatArray
    """(T, S) share of end-of-life rare earths collected."""
    recovery_rate: FloatArray
    """(T, S) share of collected rare earths recovered."""
    stock_target: FloatArray
    """(T, R, S) target stock of rare-earth-bearing units; NaN where inflow-driven."""

    @property
    def stock_driven(self) -> BoolArray:
        """Return (S,) whether each sector runs stock-driven."""
        return np.asarray(~np.isnan(self.stock_target).all(axis=(0, 1)))


RowT = TypeVar("RowT")


def _by_key(rows: Iterable[RowT], *fields: str) -> dict[tuple[object, ...], dict[int, RowT]]:
    out: dict[tuple[object, ...], dict[int, RowT]] = defaultdict(dict)
    for row in rows:
        out[tuple(getattr(row, f) for f in fields)][int(getattr(row, "year"))] = row  # noqa: B009
    return out


def _family_rows(rows: Iterable[RowT], family: str, table: str, *key: str) -> list[RowT]:
    chosen = [r for r in rows if getattr(r, "scenario") in ("all", family)]  # noqa: B009
    seen: dict[tuple[object, ...], str] = {}
    for row in chosen:
        k = tuple(getattr(row, f) for f in key)
        scenario = str(getattr(row, "scenario"))  # noqa: B009
        if k in seen:
            raise ConsistencyError(
                f"demand {table}: two rows for {dict(zip(key, k, strict=True))} "
                f"in scenario {family!r} (scenarios {seen[k]!r} and {scenario!r})"
            )
        seen[k] = scenario
    return chosen


def _path(anchors: Mapping[int, float], years: IntArray) -> FloatArray:
    return interpolate(anchors, years)


def compile_inputs(
    tables: DemandTables, scenario: DemandScenario, *, first_model_year: int = FIRST_MODEL_YEAR
) -> DemandInputs:
    """Return ``scenario`` on ``tables`` as arrays (see the module docstring for the rules).

    Raises
    ------
    ConsistencyError
        Tables do not fit together (a sector without drivers, region shares that do not
        sum to 1, duplicate rows).
    InputError
        Years out of order.
    """
    if scenario.first_year > scenario.last_year or first_model_year > scenario.first_year:
        raise InputError(
            f"years out of order: model start {first_model_year}, first year "
            f"{scenario.first_year}, last year {scenario.last_year}; expected start ≤ first ≤ last"
        )
    family = scenario.based_on
    years = np.arange(first_model_year, scenario.last_year + 1, dtype=np.int64)
    sectors = tuple(row.sector for row in tables.sectors)
    units = tuple(row.driver_unit for row in tables.sectors)
    magnet = np.array([row.magnet for row in tables.sectors], dtype=bool)
    regions = tuple(dict.fromkeys(row.region for row in tables.region_shares))
    elements = tuple(dict.fromkeys(row.element for row in tables.intensities))
    T, R, S, E = len(years), len(regions), len(sectors), len(elements)

    drivers = _by_key(_family_rows(tables.drivers, family, "drivers", "sector", "year"), "sector")
    activity = np.zeros((T, S))
    re_share = np.zeros((T, S))
    for s, sector in enumerate(sectors):
        drows = drivers.get((sector,))
        if not drows:
            raise ConsistencyError(f"demand drivers: no row for sector {sector!r} ({family})")
        activity[:, s] = _path({y: r.activity_per_year for y, r in drows.items()}, years)
        re_share[:, s] = _path({y: r.re_share for y, r in drows.items()}, years)
        if sector in scenario.activity_multiplier:
            activity[:, s] *= _path(scenario.activity_multiplier[sector], years)
        if sector in scenario.re_share:
            re_share[:, s] = _path(scenario.re_share[sector], years)

    shares = np.zeros((T, R, S))
    by_sector: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for row in tables.region_shares:
        by_sector[row.sector][row.region][row.year] = row.share
    for s, sector in enumerate(sectors):
        if sector not in by_sector:
            raise ConsistencyError(f"demand region_shares: no row for sector {sector!r}")
        anchor_years = sorted({y for d in by_sector[sector].values() for y in d})
        for year in anchor_years:
            total = sum(d.get(year, 0.0) for d in by_sector[sector].values())
            if abs(total - 1.0) > SHARE_TOLERANCE:
                raise ConsistencyError(
                    f"demand region_shares: sector {sector!r}, year {year}: shares sum to "
                    f"{total:.6g}, expected 1"
                )
        for region, anchors in by_sector[sector].items():
            full = {y: anchors.get(y, 0.0) for y in anchor_years}
            shares[:, regions.index(region), s] = _path(full, years)

    intensity = np.zeros((T, S, E))
    irows = _family_rows(tables.intensities, family, "intensities", "sector", "element", "year")
    for (isector, ielement), path_rows in _by_key(irows, "sector", "element").items():
        if isector not in sectors:
            raise ConsistencyError(f"demand intensities: unknown sector {isector!r}")
        s, e = sectors.index(str(isector)), elements.index(str(ielement))
        intensity[:, s, e] = _path({y: r.kg_per_unit for y, r in path_rows.items()}, years)
    for sector, per_element in scenario.intensity_multiplier.items():
        for element, anchors in per_element.items():
            intensity[:, sectors.index(sector), elements.index(element)] *= _path(anchors, years)

    for option in _family_rows(tables.substitution, family, "substitution", "option", "sector"):
        change = scenario.substitution.get(option.option) or SubstitutionChange()
        cut = option.intensity_cut if change.intensity_cut is None else change.intensity_cut
        adoption = logistic_adoption(
            years,
            max_adoption=_first(change.max_adoption, option.max_adoption),
            start_year=option.start_year,
            midpoint_year=_first(change.midpoint_year, option.midpoint_year),
            steepness_per_year=_first(change.steepness_per_year, option.steepness_per_year),
        )
        s = sectors.index(option.sector)
        cut_elements = _elements(option.elements, elements)
        intensity[:, s, cut_elements] *= (1.0 - adoption * cut)[:, None]

    lifetimes = _lifetimes(tables, scenario, sectors)
    collection = np.zeros((T, S))
    recovery = np.zeros((T, S))
    crows = _by_key(_family_rows(tables.recycling, family, "recycling", "sector", "year"), "sector")
    for s, sector in enumerate(sectors):
        rrows = crows.get((sector,), {})
        if rrows:
            collection[:, s] = _path({y: r.collection_rate for y, r in rrows.items()}, years)
            recovery[:, s] = _path({y: r.recovery_rate for y, r in rrows.items()}, years)
        rchange = scenario.recycling.get(sector)
        if rchange is not None and rchange.collection_rate:
            collection[:, s] = _path(
                _merged(collection[:, s], years, rchange.collection_rate, scenario.first_year),
                years,
            )
        if rchange is not None and rchange.recovery_rate:
            recovery[:, s] = _path(
                _merged(recovery[:, s], years, rchange.recovery_rate, scenario.first_year), years
            )

    stock_target = np.full((T, R, S), np.nan)
    for sector, anchors in scenario.stock_in_use.items():
        s = sectors.index(sector)
        stock_target[:, :, s] = _path(anchors, years)[:, None] * shares[:, :, s]

    regional = activity[:, None, :] * shares
    return DemandInputs(
        scenario=scenario.name,
        family=family,
        years=years,
        first_year=scenario.first_year,
        regions=regions,
        sectors=sectors,
        sector_units=units,
        magnet=magnet,
        elements=elements,
        activity_per_year=regional,
        re_units_per_year=regional * re_share[:, None, :],
        intensity_kg_per_unit=intensity,
        lifetimes=lifetimes,
        inflow_timing=scenario.inflow_timing,
        collection_rate=collection,
        recovery_rate=recovery,
        stock_target=stock_target,
    )


def _merged(
    base: FloatArray, years: IntArray, change: Mapping[int, float], first_year: int
) -> dict[int, float]:
    """Keep the base path up to the first reported year (or the first changed year, if
    earlier), then move linearly to the change's anchors."""
    last_kept = min(first_year, min(change) - 1)
    kept = {int(y): float(v) for y, v in zip(years, base, strict=True) if y <= last_kept}
    return {**kept, **change}


def _first(value: float | None, default: float) -> float:
    return float(default if value is None else value)


def _elements(spec: str, elements: tuple[str, ...]) -> list[int]:
    if spec.strip().lower() == "all":
        return list(range(len(elements)))
    out = []
    for name in (part.strip() for part in spec.split(";")):
        if name not in elements:
            raise ConsistencyError(f"demand substitution: unknown element {name!r}")
        out.append(elements.index(name))
    return out


def _lifetimes(
    tables: DemandTables, scenario: DemandScenario, sectors: tuple[str, ...]
) -> tuple[Lifetime, ...]:
    rows = {row.sector: row for row in tables.lifetimes}
    out: list[Lifetime] = []
    for sector in sectors:
        spec: LifetimeSpec | LifetimeRow | None = scenario.lifetimes.get(sector) or rows.get(sector)
        if spec is None:
            raise ConsistencyError(f"demand lifetimes: no lifetime for sector {sector!r}")
        out.append(
            Lifetime(
                spec.distribution,
                mean_years=spec.mean_years,
                std_years=spec.std_years,
                shape=spec.shape,
                scale_years=spec.scale_years,
                where=f"lifetime of sector {sector}",
            )
        )
    return tuple(out)
