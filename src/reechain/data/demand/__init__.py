"""The bundled demand data: drivers, intensities, substitution, lifetimes and recycling.

Each table is a CSV file in this folder, one validated row model per table (see
:mod:`reechain.data.demand.rows`), every numeric row with its provenance (``source``,
``confidence`` and, for medium and low rows, ``method`` or bounds and a rationale).
:func:`load_demand_tables` reads and validates them all; a bad row is reported with its
file, line, column, what was found and what was expected.
"""

from __future__ import annotations

from reechain.data.demand.rows import (
    DEMAND_DATA_DIR,
    DemandTables,
    DriverRow,
    IntensityRow,
    LifetimeRow,
    RecyclingRow,
    RegionShareRow,
    SectorAliasRow,
    SectorRow,
    SubstitutionRow,
    load_demand_tables,
)

__all__ = [
    "DEMAND_DATA_DIR",
    "DemandTables",
    "DriverRow",
    "IntensityRow",
    "LifetimeRow",
    "RecyclingRow",
    "RegionShareRow",
    "SectorAliasRow",
    "SectorRow",
    "SubstitutionRow",
    "load_demand_tables",
]
