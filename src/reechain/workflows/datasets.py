"""Datasets in the Python API: load and check them, compile chains, store and export them.

This is the one module that ties the pure core to files and the store. The CLI, the REST
API, the dashboard and the reports call these functions and nothing below them, so no
surface repeats orchestration.

Examples
--------
>>> import reechain
>>> dataset = reechain.load_dataset("sample")
>>> chain = reechain.compile_chain(dataset)
>>> [row["stage"] for row in reechain.stage_summary(chain)]
['mine', 'separate', 'metal', 'magnet', 'use']
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from reechain import config
from reechain.chain import Chain
from reechain.chain.balance import check_balance
from reechain.data.dataset import Dataset
from reechain.data.dataset import load_dataset as read_dataset
from reechain.data.tables import TABLES_BY_NAME
from reechain.data.writers import write_dataset
from reechain.errors import InputError, NotFoundError
from reechain.names import check_name, did_you_mean, paths_allowed
from reechain.store import DEFAULT_WORKSPACE, Store

BUNDLED_PACKAGE = "reechain.data"
DEFAULT_DATASET = "default"
"""The dataset used when none is named."""


def bundled_datasets() -> list[str]:
    """Return the names of the datasets shipped with the package."""
    root = resources.files(BUNDLED_PACKAGE) / "bundled"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "dataset.toml").is_file())


def bundled_path(name: str) -> Path:
    """Return the folder of bundled dataset ``name``."""
    if name not in bundled_datasets():
        raise NotFoundError(
            f"no bundled dataset named {name!r}" + _hint(did_you_mean(name, bundled_datasets()))
        )
    return Path(str(resources.files(BUNDLED_PACKAGE) / "bundled" / name))


def load_dataset_path(path: str | Path) -> Dataset:
    """Return the dataset at ``path`` (a folder or .xlsx), rows and balance checked."""
    return check_balance(read_dataset(path))


def dataset_from_tables(tables: dict[str, list[dict[str, Any]]], meta: dict[str, Any]) -> Dataset:
    """Return the dataset made of ``tables`` (name → records) and ``meta``, fully checked.

    The records are read as a file's rows would be (every value as text), so a dataset sent
    as JSON gets the same problems, named the same way, as one sent as files.
    """
    from reechain.data.dataset import validate_raw
    from reechain.data.readers import RawDataset, RawTable
    from reechain.data.writers import cell

    raw_tables = {}
    for name, records in tables.items():
        spec = TABLES_BY_NAME.get(name)
        if spec is None:
            raise InputError(f"tables: got {name!r}, expected one of {', '.join(TABLES_BY_NAME)}")
        header = list(dict.fromkeys(k for r in records for k in r)) or list(spec.columns)
        table = RawTable(name, spec.filename, header)
        for line, record in enumerate(records, start=2):
            table.rows.append((line, {k: cell(record.get(k)) for k in header}))
        raw_tables[name] = table
    return check_balance(validate_raw(RawDataset("request", dict(meta), raw_tables, [], "meta")))


def open_store(home: str | Path | None = None) -> Store:
    """Open the store: REECHAIN_DATABASE_URL, else the SQLite file in the data directory."""
    return Store.open(config.database_url(home))


def load_dataset(
    source: str | Path, store: Store | None = None, *, workspace: str = DEFAULT_WORKSPACE
) -> Dataset:
    """Return a validated dataset from a path, a stored dataset name or a bundled name.

    A path (folder or .xlsx) is read from disk; a name is looked up in ``store`` first,
    then among the bundled datasets. Inside a server (:func:`reechain.names.names_only`)
    only names are resolved.
    """
    if paths_allowed():
        path = Path(source)
        if path.exists() or path.suffix.lower() == ".xlsx" or len(path.parts) > 1:
            return load_dataset_path(path)
    name = check_name(str(source), "dataset")
    if store is not None and store.has_dataset(name, workspace=workspace):
        return store.get_dataset(name, workspace=workspace)
    stored = [d.name for d in store.list_datasets(workspace=workspace)] if store else []
    known = [*bundled_datasets(), *stored]
    if name in bundled_datasets():
        return load_dataset_path(bundled_path(name))
    raise NotFoundError(
        f"no dataset named {name!r} (not a path, not stored, not bundled)"
        + _hint(did_you_mean(name, known))
    )


def validate_dataset(source: str | Path) -> Dataset:
    """Return the dataset at ``source`` (a path, or a bundled name) if valid; raise
    DatasetError listing every problem."""
    return load_dataset_path(_local_path(source))


def validate_upload(path: Path) -> Dataset:
    """Return the dataset in ``path``, a file the server itself wrote from an upload."""
    return load_dataset_path(path)


def _local_path(source: str | Path) -> Path:
    """Return the path ``source`` names: a bundled dataset's folder, else ``source`` itself
    (refused inside a server, where only names are resolved)."""
    if not isinstance(source, Path) and str(source) in bundled_datasets():
        return bundled_path(str(source))
    if not paths_allowed():
        check_name(str(source), "dataset")
        raise InputError(
            f"dataset: {str(source)!r} is not a bundled dataset; a server reads no path"
        )
    return Path(source)


def import_dataset(
    source: str | Path, store: Store, *, replace: bool = False, workspace: str = DEFAULT_WORKSPACE
) -> Dataset:
    """Validate the dataset at ``source`` (a path or a bundled name) and store it atomically.

    A bundled name wins over a folder of the same name in the working directory."""
    path = _local_path(source)
    dataset = load_dataset_path(path)
    store.add_dataset(dataset, origin=str(path), replace=replace, workspace=workspace)
    return dataset


def export_dataset(dataset: Dataset, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``dataset`` in the import format (CSV folder, or .xlsx workbook) to ``out``."""
    tables = {name: dataset.records(name) for name in TABLES_BY_NAME}
    meta = dataset.meta.model_dump(mode="json")
    try:
        return write_dataset(tables, meta, Path(out), overwrite=overwrite)
    except FileExistsError:
        raise InputError(f"{out} exists; choose another path or pass --overwrite") from None


def export_chain(chain: Chain, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write a compiled chain back out as a dataset (its one year) in the import format."""
    meta = {
        "name": chain.dataset,
        "title": f"{chain.dataset} ({chain.year})",
        "base_year": chain.year,
        "version": "1",
    }
    try:
        return write_dataset(chain.to_tables(), meta, Path(out), overwrite=overwrite)
    except FileExistsError:
        raise InputError(f"{out} exists; choose another path or pass --overwrite") from None


def show_rows(
    dataset: Dataset,
    table: str | None = None,
    *,
    confidence: str | None = None,
    where: Iterable[tuple[str, str]] = (),
) -> list[dict[str, Any]]:
    """Return rows with their provenance, optionally of one table, one confidence, or matching
    ``column == value`` filters.
    """
    if table is not None and table not in TABLES_BY_NAME:
        raise NotFoundError(
            f"no table named {table!r}" + _hint(did_you_mean(table, list(TABLES_BY_NAME)))
        )
    if table is not None and "source" not in TABLES_BY_NAME[table].columns:
        records = [
            {"table": table, "line": line, **row.model_dump(mode="json")}
            for line, row in zip(dataset.lines[table], dataset.rows(table), strict=True)
        ]
    else:
        records = [r for r in dataset.provenance_records() if table is None or r["table"] == table]
    if confidence is not None:
        if confidence not in ("high", "medium", "low"):
            raise InputError(f"--confidence: got {confidence!r}, expected high, medium or low")
        records = [r for r in records if r.get("confidence") == confidence]
    for column, value in where:
        if records and column not in records[0]:
            raise InputError(
                f"--where: no column {column!r}" + _hint(did_you_mean(column, list(records[0])))
            )
        records = [r for r in records if str(r.get(column)) == value]
    return records


def _hint(text: str | None) -> str:
    return f"; {text}" if text else ""
