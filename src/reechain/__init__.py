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

import typing as _typing

from reechain.version import __version__

if _typing.TYPE_CHECKING:  # the names below, for type checkers; at run time they load on first use
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
        RunFailedError,
        StoreError,
    )
    from reechain.scenario import Scenario, ScenarioError, load_scenario
    from reechain.store import Store
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
        future_chain,
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
        supply_outlook,
        to_frame,
        validate_dataset,
        validate_scenario,
        validate_scenario_text,
        validate_upload,
        write_plot,
    )

_LAZY: dict[str, str] = {
    "Chain": "reechain.chain",
    "compile_chain": "reechain.chain",
    "Dataset": "reechain.data.dataset",
    "DatasetMeta": "reechain.data.dataset",
    "commodity_summary": "reechain.chain.summary",
    "residual_summary": "reechain.chain.summary",
    "stage_summary": "reechain.chain.summary",
    "Results": "reechain.engine.results",
    "ConsistencyError": "reechain.errors",
    "DatasetError": "reechain.errors",
    "InfeasibleError": "reechain.errors",
    "InputError": "reechain.errors",
    "NotFoundError": "reechain.errors",
    "Problem": "reechain.errors",
    "ReechainError": "reechain.errors",
    "RunFailedError": "reechain.errors",
    "StoreError": "reechain.errors",
    "Scenario": "reechain.scenario",
    "ScenarioError": "reechain.scenario",
    "load_scenario": "reechain.scenario",
    "Store": "reechain.store",
    "DEFAULT_DATASET": "reechain.workflows",
    "ResultFormat": "reechain.workflows",
    "ScenarioRun": "reechain.workflows",
    "bom_exposure": "reechain.workflows",
    "bundled_datasets": "reechain.workflows",
    "bundled_path": "reechain.workflows",
    "concentration": "reechain.workflows",
    "future_chain": "reechain.workflows",
    "supply_outlook": "reechain.workflows",
    "criticality": "reechain.workflows",
    "dataset_from_tables": "reechain.workflows",
    "demand_path": "reechain.workflows",
    "demand_records": "reechain.workflows",
    "demand_scenarios": "reechain.workflows",
    "export_chain": "reechain.workflows",
    "export_dataset": "reechain.workflows",
    "export_results": "reechain.workflows",
    "exposure": "reechain.workflows",
    "import_dataset": "reechain.workflows",
    "list_scenarios": "reechain.workflows",
    "load_criticality_inputs": "reechain.workflows",
    "load_dataset": "reechain.workflows",
    "load_demand_scenario": "reechain.workflows",
    "magnet_demand_kt": "reechain.workflows",
    "open_store": "reechain.workflows",
    "project_demand": "reechain.workflows",
    "read_bom": "reechain.workflows",
    "reliance": "reechain.workflows",
    "result_tables": "reechain.workflows",
    "run_scenario": "reechain.workflows",
    "save_scenario": "reechain.workflows",
    "scenario_source": "reechain.workflows",
    "show_rows": "reechain.workflows",
    "to_frame": "reechain.workflows",
    "validate_dataset": "reechain.workflows",
    "validate_scenario": "reechain.workflows",
    "validate_scenario_text": "reechain.workflows",
    "validate_upload": "reechain.workflows",
    "write_plot": "reechain.workflows",
    "OptimizeRun": "reechain.workflows",
    "optimize_partnership": "reechain.workflows",
    "RiskRun": "reechain.workflows",
    "run_risk_analysis": "reechain.workflows",
}
"""Each public name's module, imported on first use (PEP 562): ``import reechain`` and
``import reechain.engine`` load no store, no SQLAlchemy and no workflows until a name
needs them."""

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
    "RunFailedError",
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
    "future_chain",
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
    "supply_outlook",
    "to_frame",
    "validate_dataset",
    "validate_scenario",
    "validate_scenario_text",
    "validate_upload",
    "write_plot",
]


def __getattr__(name: str) -> object:
    """A public name, imported on first use from its module (see ``_LAZY``; the
    optimiser's and risk's names through ``reechain.workflows``, lazy in turn)."""
    import importlib

    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'reechain' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
