"""The Python API: the one place that ties the pure core to files and the store.

The CLI, the REST API, the dashboard and the reports call these functions and nothing
below them, so no surface repeats orchestration. One module per concern:
:mod:`~reechain.workflows.datasets` loads, validates, imports and exports datasets.
"""

from reechain.workflows.datasets import (
    DEFAULT_DATASET,
    bundled_datasets,
    bundled_path,
    export_chain,
    export_dataset,
    import_dataset,
    load_dataset,
    open_store,
    show_rows,
    validate_dataset,
)

__all__ = [
    "DEFAULT_DATASET",
    "bundled_datasets",
    "bundled_path",
    "export_chain",
    "export_dataset",
    "import_dataset",
    "load_dataset",
    "open_store",
    "show_rows",
    "validate_dataset",
]
