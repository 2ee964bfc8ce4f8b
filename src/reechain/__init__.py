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

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("reechain")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset, DatasetMeta
from reechain.data.summary import commodity_summary, residual_summary, stage_summary
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
from reechain.store import Store
from reechain.workflows import (
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
    "Chain",
    "ConsistencyError",
    "Dataset",
    "DatasetError",
    "DatasetMeta",
    "InfeasibleError",
    "InputError",
    "NotFoundError",
    "Problem",
    "ReechainError",
    "Store",
    "StoreError",
    "__version__",
    "bundled_datasets",
    "bundled_path",
    "commodity_summary",
    "compile_chain",
    "export_chain",
    "export_dataset",
    "import_dataset",
    "load_dataset",
    "open_store",
    "residual_summary",
    "show_rows",
    "stage_summary",
    "validate_dataset",
]
