"""One base year: a demand projection anchored to a chain's end-use requirement.

The demand module builds its base year from drivers × region shares × intensities; the
chain builds its own from end-use output × material intensities. Left alone they give two
worlds (Japan's Dy + Tb in 2024: 469 t against the chain's 179 t). :func:`anchor_to_chain`
makes the chain's base year the demand module's:

1. :func:`chain_requirement` turns the chain's end-use requirement (region of production:
   each region's sector output × intensity, in commodity tonnes) into tonnes of element
   per demand region, sector and element: oxides by stoichiometry, metals by the elements
   of their oxide inputs, magnets (blank basis, swarf included: what the use requires
   upstream) by the metals of their recipe. Chain regions and sectors map onto the demand
   module's as its paths do (:func:`~reechain.demand.paths.map_regions`,
   :func:`~reechain.demand.paths.map_sectors` with ``sector_aliases.csv``).
2. Each (region, sector, element) series of the projection is multiplied by
   requirement / projected demand in the base year, so the two agree exactly there and
   the projection's growth (drivers, thrifting, substitution) carries on from that level.
   Stock, end of life and secondary supply are linear in the element inflows and scale
   with them. An element the chain uses in a sector the projection covers but without
   that element (Nd and Y in glass) grows with the sector's total from the chain's level;
   a cell whose whole sector the projection lacks in that region cannot be scaled and is
   reported in ``unanchored`` (it keeps the projection's values).

Example
-------
>>> import reechain
>>> from reechain.demand import builtin_scenario, compile_inputs, project
>>> from reechain.demand.tables import load_demand_tables
>>> tables = load_demand_tables()
>>> p = project(compile_inputs(tables, builtin_scenario("stated")))
>>> chain = reechain.compile_chain(reechain.load_dataset("default"), 2024)
>>> a = anchor_to_chain(p, chain, tables.sector_map())
>>> bool(a.projection.demand_t_per_year.shape == p.demand_t_per_year.shape)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.demand.paths import map_regions, map_sectors
from reechain.demand.projection import Projection
from reechain.errors import InputError

FloatArray = NDArray[np.float64]

ATOMIC_MASS: dict[str, float] = {
    "Sc": 44.956, "Y": 88.906, "La": 138.905, "Ce": 140.116, "Pr": 140.908, "Nd": 144.242,
    "Sm": 150.36, "Eu": 151.964, "Gd": 157.25, "Tb": 158.925, "Dy": 162.5, "Ho": 164.930,
    "Er": 167.259, "Tm": 168.934, "Yb": 173.045, "Lu": 174.967,
}  # fmt: skip
"""Standard atomic weights (IUPAC), g/mol."""
OXYGEN = 15.999
OXIDES: dict[str, tuple[str, int, int]] = {
    "Sc2O3": ("Sc", 2, 3), "Y2O3": ("Y", 2, 3), "La2O3": ("La", 2, 3), "CeO2": ("Ce", 1, 2),
    "Pr6O11": ("Pr", 6, 11), "Nd2O3": ("Nd", 2, 3), "Sm2O3": ("Sm", 2, 3),
    "Eu2O3": ("Eu", 2, 3), "Gd2O3": ("Gd", 2, 3), "Tb4O7": ("Tb", 4, 7),
    "Dy2O3": ("Dy", 2, 3), "Ho2O3": ("Ho", 2, 3), "Er2O3": ("Er", 2, 3),
    "Tm2O3": ("Tm", 2, 3), "Yb2O3": ("Yb", 2, 3), "Lu2O3": ("Lu", 2, 3),
}  # fmt: skip
"""Oxide commodity → (element, atoms of the element, atoms of oxygen) per formula unit."""


def element_share(oxide: str) -> tuple[str, float]:
    """Return the element of ``oxide`` and its mass share (e.g. Nd2O3: Nd, 0.857).

    >>> element, share = element_share("Dy2O3")
    >>> element, round(share, 4)
    ('Dy', 0.8713)
    """
    element, n, o = OXIDES[oxide]
    metal = n * ATOMIC_MASS[element]
    return element, metal / (metal + o * OXYGEN)


def element_content(chain: Chain, elements: tuple[str, ...]) -> FloatArray:
    """Return (C, E) tonnes of each element in one unit of each chain commodity.

    Oxides by stoichiometry; a commodity made by a recipe (first producing recipe that is
    not recycling) by its inputs' content per unit of output, metals normalised to pure
    metal (the reduction yield is a loss, not content). Commodities made by no recipe and
    not oxides (concentrates) count as none.
    """
    n_c = len(chain.commodities)
    index = {e: i for i, e in enumerate(elements)}
    content = np.zeros((n_c, len(ATOMIC_MASS)))
    every = tuple(ATOMIC_MASS)
    done = np.zeros(n_c, dtype=bool)
    for i, code in enumerate(chain.commodities):
        if code in OXIDES:
            element, share = element_share(code)
            content[i, every.index(element)] = share
            done[i] = True
    metal = chain.stage_index("metal") if "metal" in chain.stages else -1
    for _ in range(len(chain.stages)):  # stage by stage, upstream first
        for c in np.flatnonzero(~done).tolist():
            makers = [
                q
                for q in range(len(chain.recipes))
                if chain.recipe_outputs[q, c] > 0 and "recycl" not in chain.recipes[q]
            ]
            if not makers or not all(done[chain.recipe_inputs[makers[0]] > 0]):
                continue
            q = makers[0]
            made = chain.recipe_inputs[q] @ content / chain.recipe_outputs[q, c]
            if chain.commodity_stage[c] == metal and made.sum() > 0:
                made = made / made.sum()
            content[c], done[c] = made, True
    out = np.zeros((n_c, len(elements)))
    for e, element in enumerate(every):
        if element in index:
            out[:, index[element]] = content[:, e]
    return out


def chain_requirement(
    chain: Chain,
    regions: tuple[str, ...],
    sectors: tuple[str, ...],
    elements: tuple[str, ...],
    sector_map: Mapping[str, str] | None = None,
) -> FloatArray:
    """Return (R, S, E) tonnes of element per year that the chain's end uses require,
    on the demand module's ``regions``, ``sectors`` and ``elements`` (region of production).
    Chain sectors with no demand sector are left out."""
    content = element_content(chain, elements)  # (C, E)
    per_unit = chain.intensity @ content  # (S_chain, E)
    r_of = map_regions(chain.regions, regions, dict(chain.groups))
    s_of = map_sectors(chain.sectors, sectors, sector_map, unmapped="flat")
    out = np.zeros((len(regions), len(sectors), len(elements)))
    for s, target in enumerate(s_of):
        if target is None:
            continue
        for r, region in enumerate(r_of):
            out[region, target] += chain.output_per_year[s, r] * per_unit[s]
    return out


@dataclass(frozen=True, eq=False)
class AnchoredProjection:
    """A projection whose base year equals a chain's end-use requirement."""

    projection: Projection
    base_year: int
    requirement_t: FloatArray
    """(R, S, E) the chain's end-use requirement, tonnes of element per year."""
    factor: FloatArray
    """(R, S, E) requirement ÷ the projection's own base-year demand (1 where unanchored)."""
    unanchored: tuple[tuple[str, str, str], ...]
    """(region, sector, element) the chain uses where the projection has no demand at all
    in that region and sector."""


def anchor_to_chain(
    projection: Projection,
    chain: Chain,
    sector_map: Mapping[str, str] | None = None,
    *,
    base_year: int | None = None,
) -> AnchoredProjection:
    """Return ``projection`` scaled so that its base year (default: the chain's year)
    equals ``chain``'s end-use requirement, per region, sector and element.

    Raises
    ------
    InputError
        The base year is outside the projection's years.
    """
    x = projection.inputs
    base = chain.year if base_year is None else base_year
    years = [int(y) for y in x.years]
    if base not in years:
        raise InputError(
            f"base year {base} is outside the projection's years {years[0]}-{years[-1]}"
        )
    t = years.index(base)
    req = chain_requirement(chain, x.regions, x.sectors, x.elements, sector_map)
    own = projection.demand_t_per_year[t]
    factor = np.ones_like(req)
    has = own > 0
    factor[has] = req[has] / own[has]
    sector_base = own.sum(axis=2)  # (R, S) all elements
    borrow = ~has & (req > 0) & (sector_base[:, :, None] > 0)
    missing = np.argwhere(~has & (req > 0) & ~borrow)
    unanchored = tuple((x.regions[r], x.sectors[s], x.elements[e]) for r, s, e in missing.tolist())

    def scale(a: FloatArray) -> FloatArray:
        out = a * factor
        # an element the projection lacks in a sector it does project grows with the
        # sector's total (all elements) from the chain's base-year requirement
        total = a.sum(axis=3)  # (T, R, S)
        for r, s, e in np.argwhere(borrow).tolist():
            out[:, r, s, e] = total[:, r, s] * req[r, s, e] / sector_base[r, s]
        return out

    scaled = replace(
        projection,
        demand_t_per_year=scale(projection.demand_t_per_year),
        stock_t=scale(projection.stock_t),
        end_of_life_t_per_year=scale(projection.end_of_life_t_per_year),
        secondary_t_per_year=scale(projection.secondary_t_per_year),
    )
    return AnchoredProjection(scaled, base, req, factor, unanchored)
