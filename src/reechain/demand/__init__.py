"""Demand to 2050 and secondary supply from stock in use: pure functions over arrays.

The pieces, in the order data flows through them:

- :mod:`~reechain.demand.scenarios`: the bundled families (``stated``, ``accelerated``) and
  user-defined scenarios in YAML;
- :mod:`~reechain.demand.inputs`: demand tables + scenario → :class:`DemandInputs` arrays
  (drivers, region shares, intensities with thrifting and substitution, lifetimes, rates);
- :mod:`~reechain.demand.lifetimes` and :mod:`~reechain.demand.stock`: lifetime
  distributions, their yearly discretisation and the dynamic stock model (inflow- and
  stock-driven);
- :mod:`~reechain.demand.projection`: demand, stock, end of life and secondary supply
  (:mod:`~reechain.demand.recycling`) by year, region, sector and element;
- :mod:`~reechain.demand.paths`: a projection as a multiple of the base year on a chain's
  regions and sectors, for the engine.

Example
-------
>>> from reechain.demand.tables import load_demand_tables
>>> from reechain.demand import builtin_scenario, compile_inputs, project
>>> p = project(compile_inputs(load_demand_tables(), builtin_scenario("accelerated")))
>>> round(float(p.magnet_demand_t_per_year()[23]) / 1000)  # 2023, kt of Nd+Pr+Dy+Tb
93
"""

from __future__ import annotations

from reechain.demand.curves import interpolate, logistic_adoption
from reechain.demand.inputs import DemandInputs, compile_inputs
from reechain.demand.lifetimes import (
    Distribution,
    InflowTiming,
    Lifetime,
    survival_curve,
    survival_matrix,
)
from reechain.demand.paths import demand_multiple, map_regions, map_sectors
from reechain.demand.projection import MAGNET_ELEMENTS, Projection, project
from reechain.demand.recycling import secondary_supply
from reechain.demand.scenarios import (
    FAMILIES,
    DemandScenario,
    builtin_scenario,
    parse_scenario,
)
from reechain.demand.stock import StockResult, inflow_driven, stock_driven

__all__ = [
    "FAMILIES",
    "MAGNET_ELEMENTS",
    "DemandInputs",
    "DemandScenario",
    "Distribution",
    "InflowTiming",
    "Lifetime",
    "Projection",
    "StockResult",
    "builtin_scenario",
    "compile_inputs",
    "demand_multiple",
    "inflow_driven",
    "interpolate",
    "logistic_adoption",
    "map_regions",
    "map_sectors",
    "parse_scenario",
    "project",
    "secondary_supply",
    "stock_driven",
    "survival_curve",
    "survival_matrix",
]
