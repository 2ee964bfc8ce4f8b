"""reechain: rare-earth supply-chain security.

See the chain, stress it, quantify risk and decide, on a sourced dataset. The names below
are the Python API; the CLI, the REST API and the dashboard call the same functions.

Examples
--------
>>> import reechain
>>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
>>> chain.regions
('CHN', 'AUS', 'JPN', 'USA')
"""

from reechain.chain import Chain, compile_chain
from reechain.chain.summary import commodity_summary, residual_summary, stage_summary
from reechain.data.dataset import Dataset, DatasetMeta
from reechain.engine.results import Results
from reechain.errors import (
    ConsistencyError,
    DatasetError,
    InfeasibleError,
    InputError,
    NotFoundError,
    Problem,
    ReechainError,
    StoreError,
)
from reechain.scenario import Scenario, ScenarioError, load_scenario
from reechain.store import Store
from reechain.version import __version__
from reechain.workflows import (
    DEFAULT_DATASET,
    ResultFormat,
    ScenarioRun,
    bom_exposure,
    bundled_datasets,
    bundled_path,
    concentration,
    criticality,
    dataset_from_tables,
    demand_path,
    demand_records,
    demand_scenarios,
    export_chain,
    export_dataset,
    export_results,
    exposure,
    import_dataset,
    list_scenarios,
    load_criticality_inputs,
    load_dataset,
    load_demand_scenario,
    magnet_demand_kt,
    open_store,
    project_demand,
    read_bom,
    reliance,
    result_tables,
    run_scenario,
    save_scenario,
    scenario_source,
    show_rows,
    validate_dataset,
    validate_scenario,
    validate_scenario_text,
    write_plot,
)

__all__ = [
    "DEFAULT_DATASET",
    "Chain",
    "ConsistencyError",
    "Dataset",
    "DatasetError",
    "DatasetMeta",
    "InfeasibleError",
    "InputError",
    "NotFoundError",
    "OptimizeRun",
    "Problem",
    "ReechainError",
    "ResultFormat",
    "Results",
    "RiskRun",
    "Scenario",
    "ScenarioError",
    "ScenarioRun",
    "Store",
    "StoreError",
    "__version__",
    "bom_exposure",
    "bundled_datasets",
    "bundled_path",
    "commodity_summary",
    "compile_chain",
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
    "import_dataset",
    "list_scenarios",
    "load_criticality_inputs",
    "load_dataset",
    "load_demand_scenario",
    "load_scenario",
    "magnet_demand_kt",
    "open_store",
    "optimize_partnership",
    "project_demand",
    "read_bom",
    "reliance",
    "residual_summary",
    "result_tables",
    "run_risk_analysis",
    "run_scenario",
    "save_scenario",
    "scenario_source",
    "show_rows",
    "stage_summary",
    "validate_dataset",
    "validate_scenario",
    "validate_scenario_text",
    "write_plot",
]


def __getattr__(name: str) -> object:
    """The optimiser's and risk's names, imported on first use (see ``workflows.LAZY``)."""
    from reechain import workflows

    if name in workflows.LAZY:
        return getattr(workflows, name)
    raise AttributeError(f"module 'reechain' has no attribute {name!r}")
