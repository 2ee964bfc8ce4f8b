"""Demand paths for the engine: a projection mapped onto a chain's regions and sectors.

The engine's notional requirement is baseline output × demand path (DESIGN.md section 4),
so the path is a *multiple of the base year*: path[y, r, s] = X[y, r', s'] / X[base, r', s']
where (r', s') is the demand region and sector that chain region r and sector s map to and
X is, by ``basis``:

- ``material`` (default): tonnes of rare earths in the sector's new units (all elements),
  so thrifting and substitution lower the path even where unit sales grow;
- ``units``: rare-earth-bearing units entering use (vehicles with PM motors, MW of PM
  generators …).

Mapping: a chain sector maps to the demand sector of the same code unless ``sector_map``
names another; a chain region maps to the demand region of the same code, else to a demand
region that is a group containing it (``eu27`` for ``DEU``), else to ``ROW``. An unknown
sector raises :class:`~reechain.errors.NotFoundError` (``unmapped="flat"`` gives it a path
of 1 instead). Where the base-year value is zero the path is 1.

Example
-------
>>> from reechain.demand.tables import load_demand_tables
>>> from reechain.demand.inputs import compile_inputs
>>> from reechain.demand.projection import project
>>> from reechain.demand.scenarios import builtin_scenario
>>> p = project(compile_inputs(load_demand_tables(), builtin_scenario("stated")))
>>> path = demand_multiple(p, ["ev_traction_motor"], ["JPN", "DEU"], base_year=2024,
...                        groups={"eu27": ("DEU", "FRA")})
>>> path.shape, float(path[0, 0, 0])
((27, 2, 1), 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from reechain.demand.projection import Projection
from reechain.errors import InputError, NotFoundError
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]
Basis = Literal["material", "units"]


def map_regions(
    chain_regions: Sequence[str],
    demand_regions: Sequence[str],
    groups: Mapping[str, Sequence[str]] | None = None,
) -> list[int]:
    """Return, for each chain region, the index of the demand region it takes its path from.

    Examples
    --------
    >>> map_regions(["JPN", "DEU", "BRA"], ["JPN", "eu27", "ROW"], {"eu27": ["DEU"]})
    [0, 1, 2]
    """
    groups = groups or {}
    out = []
    for region in chain_regions:
        if region in demand_regions:
            out.append(list(demand_regions).index(region))
            continue
        containing = [g for g in demand_regions if region in groups.get(g, ())]
        if containing:
            out.append(list(demand_regions).index(containing[0]))
        elif "ROW" in demand_regions:
            out.append(list(demand_regions).index("ROW"))
        else:
            raise NotFoundError(
                f"region {region!r} has no demand path: expected one of "
                f"{', '.join(demand_regions)}, a group containing it, or ROW"
            )
    return out


def map_sectors(
    chain_sectors: Sequence[str],
    demand_sectors: Sequence[str],
    sector_map: Mapping[str, str] | None = None,
    *,
    unmapped: Literal["error", "flat"] = "error",
) -> list[int | None]:
    """Return, for each chain sector, the index of its demand sector (None: flat path).

    Raises
    ------
    NotFoundError
        A sector has no demand sector and ``unmapped`` is ``"error"``.

    Examples
    --------
    >>> map_sectors(["ev", "catalysts"], ["ev_motor", "catalysts"], {"ev": "ev_motor"})
    [0, 1]
    """
    sector_map = sector_map or {}
    out: list[int | None] = []
    for sector in chain_sectors:
        target = sector_map.get(sector, sector)
        if target in demand_sectors:
            out.append(list(demand_sectors).index(target))
        elif unmapped == "flat":
            out.append(None)
        else:
            hint = did_you_mean(target, demand_sectors)
            raise NotFoundError(
                f"sector {sector!r} has no demand path: expected one of "
                f"{', '.join(demand_sectors)}"
                + (f"; {hint}" if hint else "")
                + "; map it with sector_map or use unmapped='flat'"
            )
    return out


def demand_multiple(
    projection: Projection,
    chain_sectors: Sequence[str],
    chain_regions: Sequence[str],
    *,
    base_year: int,
    years: Sequence[int] | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    sector_map: Mapping[str, str] | None = None,
    basis: Basis = "material",
    unmapped: Literal["error", "flat"] = "error",
) -> FloatArray:
    """Return path[y, r, s]: demand as a multiple of ``base_year`` (dimensionless, ≥ 0).

    ``years`` defaults to ``base_year`` … the projection's last year; the axes follow
    ``chain_regions`` and ``chain_sectors``.

    Raises
    ------
    InputError
        A year lies outside the projection, or years are out of order.
    NotFoundError
        A sector or region cannot be mapped (see the module docstring).

    Examples
    --------
    >>> from reechain.demand.tables import load_demand_tables
    >>> from reechain.demand.inputs import compile_inputs
    >>> from reechain.demand.projection import project
    >>> from reechain.demand.scenarios import builtin_scenario
    >>> p = project(compile_inputs(load_demand_tables(), builtin_scenario("accelerated")))
    >>> path = demand_multiple(p, ["wind_generator"], ["CHN"], base_year=2024, years=[2030])
    >>> bool(path[0, 0, 0] > 1)
    True
    """
    x = projection.inputs
    all_years = [int(y) for y in x.years]
    wanted = list(range(base_year, all_years[-1] + 1)) if years is None else [int(y) for y in years]
    if any(b <= a for a, b in pairwise(wanted)):
        raise InputError(f"years out of order: got {wanted}, expected increasing years")
    for year in [base_year, *wanted]:
        if year not in all_years:
            raise InputError(
                f"year {year} is outside the demand projection ({all_years[0]}–{all_years[-1]})"
            )
    if basis == "material":
        quantity = projection.demand_t_per_year.sum(axis=-1)
    elif basis == "units":
        quantity = projection.units_inflow_per_year
    else:
        raise InputError(f"basis got {basis!r}, expected 'material' or 'units'")
    rows = [all_years.index(y) for y in wanted]
    base = quantity[all_years.index(base_year)]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base > 0, quantity / np.where(base > 0, base, 1.0), 1.0)[rows]
    r_index = map_regions(chain_regions, x.regions, groups)
    s_index = map_sectors(chain_sectors, x.sectors, sector_map, unmapped=unmapped)
    out = np.ones((len(rows), len(chain_regions), len(chain_sectors)))
    for j, s in enumerate(s_index):
        if s is not None:
            out[:, :, j] = ratio[:, r_index, s]
    return out
