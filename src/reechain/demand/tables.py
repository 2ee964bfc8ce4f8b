"""Row models of the demand tables and the loader that reads and validates them.

Tables (one CSV each, in :data:`DEMAND_DATA_DIR` or a folder a user passes):

========================  =====================================================================
``sectors.csv``           sector code, name, driver, driver unit, whether it uses magnets
``sector_aliases.csv``    a dataset's sector code → the demand sector whose path it takes
``drivers.csv``           world activity per year (units/yr) and the share of units that carry
                          rare earths (PM motors, PM generators), by scenario, sector and year
``region_shares.csv``     each region's share of a sector's world activity, by year
``intensities.csv``       kg of an element per rare-earth-bearing unit, by sector and year
                          (the decline between years is the thrifting trajectory)
``substitution.csv``      options that cut an element's intensity, with logistic adoption
``lifetimes.csv``         lifetime distribution of each sector's products
``recycling.csv``         collection rate and recovery rate of end-of-life units, by year
========================  =====================================================================

Years between the rows of a table are interpolated linearly, and held flat outside them
(:func:`reechain.demand.curves.interpolate`). ``scenario`` is ``all`` for rows that hold
in every scenario (history, base year) or a scenario family name (``stated``,
``accelerated``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field

from reechain.data.rows import read_rows
from reechain.data.tables import Code, Provenance, Row, Text, Year
from reechain.errors import DatasetError, Problem
from reechain.names import did_you_mean

DEMAND_DATA_DIR = Path(__file__).resolve().parent / "bundled"
"""The folder of the bundled demand tables."""


class SectorRow(Row):
    """A demand sector and the driver that moves it."""

    sector: Code = Field(description="sector code, as in the dataset's sectors table")
    name: Text = Field(min_length=1, description="English name")
    driver: Text = Field(min_length=1, description="what drives it (EV sales, wind additions …)")
    driver_unit: Code = Field(description="unit of the driver: vehicles, MW, t_magnet, t_RE")
    magnet: bool = Field(description="whether the sector's rare earths are in NdFeB magnets")


class SectorAliasRow(Row):
    """A dataset's sector code and the demand sector whose path it takes."""

    sector: Code = Field(description="sector code in a dataset (sample, default …)")
    demand_sector: Code = Field(description="demand sector it maps to")
    note: Text = Field("", description="why: same thing under another code, or a proxy")


class DriverRow(Provenance):
    """World activity of a sector in a year and the share of units carrying rare earths."""

    VALUE_FIELD: ClassVar[str | None] = "activity_per_year"

    scenario: Code = Field(description="all, or a scenario family (stated, accelerated)")
    sector: Code = Field(description="demand sector")
    year: Year = Field(description="calendar year")
    activity_per_year: float = Field(ge=0, description="world units per year (driver_unit)")
    re_share: float = Field(ge=0, le=1, description="share of units with rare-earth magnets")


class RegionShareRow(Provenance):
    """A region's share of a sector's world activity in a year."""

    VALUE_FIELD: ClassVar[str | None] = "share"

    sector: Code = Field(description="demand sector")
    region: Code = Field(description="region code (ISO alpha-3, a group such as eu27, or ROW)")
    year: Year = Field(description="calendar year")
    share: float = Field(ge=0, le=1, description="share of world activity, 0–1")


class IntensityRow(Provenance):
    """Kilograms of an element per rare-earth-bearing unit of a sector, in a year."""

    VALUE_FIELD: ClassVar[str | None] = "kg_per_unit"

    scenario: Code = Field("all", description="all, or a scenario family")
    sector: Code = Field(description="demand sector")
    element: Code = Field(description="element symbol: Nd, Pr, Dy, Tb, La, Ce, Y, Eu …")
    year: Year = Field(description="calendar year")
    kg_per_unit: float = Field(ge=0, description="kg of element per unit (driver_unit)")


class SubstitutionRow(Provenance):
    """A substitution option: a cut in some elements' intensity, adopted along a logistic."""

    VALUE_FIELD: ClassVar[str | None] = "max_adoption"

    option: Code = Field(description="option name (gbd_dy_lean, ree_free_motor …)")
    sector: Code = Field(description="demand sector it applies to")
    scenario: Code = Field(description="all, or a scenario family")
    elements: Text = Field(min_length=1, description="elements cut, ';'-separated, or 'all'")
    intensity_cut: float = Field(ge=0, le=1, description="share of the intensity removed, 0–1")
    max_adoption: float = Field(ge=0, le=1, description="long-run share of units adopting, 0–1")
    start_year: Year = Field(description="adoption is zero up to this year")
    midpoint_year: float = Field(ge=1900, le=2100, description="year of the logistic midpoint")
    steepness_per_year: float = Field(gt=0, description="logistic growth rate, 1/year")


class LifetimeRow(Provenance):
    """Lifetime distribution of a sector's products (bounds describe the mean life)."""

    sector: Code = Field(description="demand sector")
    distribution: Literal["normal", "lognormal", "weibull", "fixed"] = Field(
        description="normal, lognormal, weibull or fixed"
    )
    mean_years: float | None = Field(None, gt=0, description="mean life, years")
    std_years: float | None = Field(None, gt=0, description="standard deviation, years")
    shape: float | None = Field(None, gt=0, description="Weibull shape k")
    scale_years: float | None = Field(None, gt=0, description="Weibull scale λ, years")


class RecyclingRow(Provenance):
    """Collection and recovery of a sector's end-of-life rare earths in a year."""

    VALUE_FIELD: ClassVar[str | None] = "collection_rate"

    scenario: Code = Field(description="all, or a scenario family")
    sector: Code = Field(description="demand sector")
    year: Year = Field(description="calendar year")
    collection_rate: float = Field(ge=0, le=1, description="share of end-of-life units collected")
    recovery_rate: float = Field(ge=0, le=1, description="share of collected REE recovered")


TABLE_MODELS: dict[str, type[Row]] = {
    "sectors": SectorRow,
    "sector_aliases": SectorAliasRow,
    "drivers": DriverRow,
    "region_shares": RegionShareRow,
    "intensities": IntensityRow,
    "substitution": SubstitutionRow,
    "lifetimes": LifetimeRow,
    "recycling": RecyclingRow,
}


@dataclass(frozen=True)
class DemandTables:
    """The demand tables, validated; each field is a tuple of rows in file order."""

    sectors: tuple[SectorRow, ...]
    sector_aliases: tuple[SectorAliasRow, ...]
    drivers: tuple[DriverRow, ...]
    region_shares: tuple[RegionShareRow, ...]
    intensities: tuple[IntensityRow, ...]
    substitution: tuple[SubstitutionRow, ...]
    lifetimes: tuple[LifetimeRow, ...]
    recycling: tuple[RecyclingRow, ...]
    source: str = "bundled"

    def sector_map(self) -> dict[str, str]:
        """Return dataset sector code → demand sector, from ``sector_aliases.csv``."""
        return {row.sector: row.demand_sector for row in self.sector_aliases}


def load_demand_tables(folder: str | Path | None = None) -> DemandTables:
    """Return the demand tables in ``folder`` (default: the bundled ones), validated.

    Raises
    ------
    DatasetError
        A file is missing or a row is invalid; every problem names file, line and column.

    Examples
    --------
    >>> tables = load_demand_tables()
    >>> "ev_traction_motor" in {row.sector for row in tables.sectors}
    True
    """
    base = DEMAND_DATA_DIR if folder is None else Path(folder)
    problems: list[Problem] = []
    loaded: dict[str, tuple[Any, ...]] = {}
    for name, model in TABLE_MODELS.items():
        path = base / f"{name}.csv"
        if not path.is_file():
            problems.append(Problem(str(path), None, None, None, f"the {name} table ({name}.csv)"))
            loaded[name] = ()
            continue
        loaded[name] = read_rows(path, model, problems=problems)
    known = {row.sector for row in loaded["sectors"]}
    for number, alias in enumerate(loaded["sector_aliases"], start=2):
        if alias.demand_sector not in known:
            problems.append(
                Problem(
                    "sector_aliases.csv",
                    number,
                    "demand_sector",
                    alias.demand_sector,
                    "a sector of sectors.csv",
                    did_you_mean(alias.demand_sector, sorted(known)),
                )
            )
    if problems:
        raise DatasetError(problems)
    return DemandTables(**loaded, source="bundled" if folder is None else str(folder))
