"""Scenario files: schema, validation with file/line/field errors, and the bundled library.

Examples
--------
>>> from reechain.scenario import load_scenario, library_path
>>> scenario = load_scenario(library_path("baseline", "sample"))
>>> scenario.dataset, scenario.events
('sample', ())

Scenarios compose with ``+`` (see :func:`compose`):

>>> from reechain.scenario import load_composed
>>> load_composed("cn-processing-ban+us-japan-package").horizon_months
48
"""

from reechain.scenario.compose import compose, load_composed, split_name
from reechain.scenario.library import library_path, library_root, library_scenarios
from reechain.scenario.models import (
    CapacityOutage,
    DemandShock,
    ExportRestriction,
    LogisticsDelay,
    NewCapacity,
    Outside,
    PartnerPreference,
    PriceFloor,
    Recovery,
    Recycling,
    ReexportRule,
    Scenario,
    SectorPriority,
    StockpilePolicy,
    Substitution,
    Trigger,
)
from reechain.scenario.validate import (
    ScenarioError,
    ScenarioProblem,
    check_against_chain,
    load_scenario,
    month_index,
    parse_scenario,
)

__all__ = [
    "CapacityOutage",
    "DemandShock",
    "ExportRestriction",
    "LogisticsDelay",
    "NewCapacity",
    "Outside",
    "PartnerPreference",
    "PriceFloor",
    "Recovery",
    "Recycling",
    "ReexportRule",
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "SectorPriority",
    "StockpilePolicy",
    "Substitution",
    "Trigger",
    "check_against_chain",
    "compose",
    "library_path",
    "library_root",
    "library_scenarios",
    "load_composed",
    "load_scenario",
    "month_index",
    "parse_scenario",
    "split_name",
]
