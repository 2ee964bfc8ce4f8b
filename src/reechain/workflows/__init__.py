"""The Python API: the one place that ties the pure core to files and the store.

The CLI, the REST API, the dashboard and the reports call these functions and nothing
below them, so no surface repeats orchestration. One module per concern:
:mod:`~reechain.workflows.datasets` (load, validate, import, export datasets),
:mod:`~reechain.workflows.metrics` (concentration, reliance, exposure, criticality),
:mod:`~reechain.workflows.outlook` (future years on a rolled-forward chain, the outlook),
:mod:`~reechain.workflows.simulate` (scenarios and the engine),
:mod:`~reechain.workflows.demand` (demand paths and secondary supply),
:mod:`~reechain.workflows.risk` (Monte Carlo over disruption histories),
:mod:`~reechain.workflows.optimize` (the partnership optimiser) and
:mod:`~reechain.workflows.jobs` (analyses as stored runs).
"""

import importlib
from typing import Any

from reechain.workflows.datasets import (
    DEFAULT_DATASET,
    bundled_datasets,
    bundled_path,
    dataset_from_tables,
    export_chain,
    export_dataset,
    import_dataset,
    load_dataset,
    open_store,
    show_rows,
    validate_dataset,
    validate_upload,
)
from reechain.workflows.demand import (
    demand_path,
    demand_records,
    demand_scenarios,
    load_demand_scenario,
    magnet_demand_kt,
    project_demand,
)
from reechain.workflows.frames import to_frame
from reechain.workflows.metrics import (
    bom_exposure,
    concentration,
    criticality,
    exposure,
    load_criticality_inputs,
    read_bom,
    reliance,
    write_plot,
)
from reechain.workflows.outlook import future_chain, supply_outlook
from reechain.workflows.simulate import (
    ResultFormat,
    ScenarioRun,
    export_results,
    list_scenarios,
    result_tables,
    run_scenario,
    save_scenario,
    scenario_source,
    validate_scenario,
    validate_scenario_text,
)

__all__ = [
    "DEFAULT_DATASET",
    "OptimizeRun",
    "ResultFormat",
    "RiskRun",
    "ScenarioRun",
    "bom_exposure",
    "bundled_datasets",
    "bundled_path",
    "concentration",
    "criticality",
    "dataset_from_tables",
    "demand_path",
    "demand_records",
    "demand_scenarios",
    "export_chain",
    "export_dataset",
    "export_results",
    "exposure",
    "future_chain",
    "import_dataset",
    "list_scenarios",
    "load_criticality_inputs",
    "load_dataset",
    "load_demand_scenario",
    "magnet_demand_kt",
    "open_store",
    "optimize_partnership",
    "project_demand",
    "read_bom",
    "reliance",
    "result_tables",
    "run_risk_analysis",
    "run_scenario",
    "save_scenario",
    "scenario_source",
    "show_rows",
    "supply_outlook",
    "to_frame",
    "validate_dataset",
    "validate_scenario",
    "validate_scenario_text",
    "validate_upload",
    "write_plot",
]

LAZY = {
    "OptimizeRun": "reechain.workflows.optimize",
    "optimize_partnership": "reechain.workflows.optimize",
    "RiskRun": "reechain.workflows.risk",
    "run_risk_analysis": "reechain.workflows.risk",
}
"""Names whose modules are imported on first use: the optimiser needs linopy and risk needs
scipy.stats, which would slow every start of the CLI by about a second."""


def __getattr__(name: str) -> Any:
    if name in LAZY:
        return getattr(importlib.import_module(LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
