"""The store: datasets, scenarios, runs and results in one SQL database.

A SQLite file in the data directory by default (WAL mode, so the CLI and a running server
can both write), or any SQLAlchemy URL (PostgreSQL for teams) through the same schema and
the same Alembic migrations. Every write that belongs together happens in one transaction:
a dataset import, or a run's results with its final status.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from reechain.chain.balance import check_balance
from reechain.data.dataset import Dataset, validate_raw
from reechain.data.readers import RawDataset, RawTable
from reechain.data.tables import TABLES
from reechain.errors import InputError, NotFoundError
from reechain.names import did_you_mean
from reechain.store.accounts import AccountsMixin
from reechain.store.base import now
from reechain.store.runs import RunsMixin
from reechain.store.schema import (
    DEFAULT_WORKSPACE,
    dataset_rows,
    datasets,
    scenarios,
)

RUN_STATUSES = ("pending", "running", "done", "failed", "cancelled")
WS = DEFAULT_WORKSPACE


@dataclass(frozen=True)
class DatasetInfo:
    """A stored dataset's identity and size."""

    name: str
    title: str
    base_year: int
    version: str
    origin: str
    content_hash: str
    row_count: int
    imported_at: datetime


def dataset_hash(dataset: Dataset) -> str:
    """Return a SHA-256 of a dataset's metadata and rows: equal data, equal hash."""
    digest = hashlib.sha256()
    digest.update(json.dumps(dataset.meta.model_dump(mode="json"), sort_keys=True).encode())
    for spec in TABLES:
        for record in dataset.records(spec.name):
            digest.update(spec.name.encode())
            digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


class Store(RunsMixin, AccountsMixin):
    """A reechain store on one database; open it with :meth:`Store.open`.

    Datasets, scenarios and runs live in workspaces; every method takes ``workspace``
    (default: the single analyst's ``default``) and sees only that workspace's records.
    """

    # --- datasets -------------------------------------------------------------------

    def add_dataset(
        self, dataset: Dataset, *, origin: str = "", replace: bool = False, workspace: str = WS
    ) -> str:
        """Store ``dataset`` in one transaction and return its content hash.

        Raises InputError when a dataset of that name exists and ``replace`` is false.
        """
        content_hash = dataset_hash(dataset)
        rows = []
        for spec in TABLES:
            pairs = zip(dataset.lines[spec.name], dataset.rows(spec.name), strict=True)
            for position, (line, row) in enumerate(pairs):
                payload = row.model_dump(mode="json")
                rows.append(
                    {
                        "table_name": spec.name,
                        "position": position,
                        "line": line,
                        "confidence": payload.get("confidence"),
                        "payload": payload,
                    }
                )
        with self._begin() as conn:
            existing = self._dataset_id(conn, dataset.name, workspace)
            if existing is not None:
                if not replace:
                    raise InputError(
                        f"a dataset named {dataset.name!r} is already stored; "
                        "use --replace to overwrite it"
                    )
                conn.execute(sa.delete(dataset_rows).where(dataset_rows.c.dataset_id == existing))
                conn.execute(sa.delete(datasets).where(datasets.c.id == existing))
            meta = dataset.meta
            dataset_id = conn.execute(
                sa.insert(datasets)
                .values(
                    workspace=workspace,
                    name=meta.name,
                    title=meta.title,
                    base_year=meta.base_year,
                    version=meta.version,
                    description=meta.description,
                    meta=meta.model_dump(mode="json"),
                    origin=origin,
                    content_hash=content_hash,
                    row_count=len(rows),
                    imported_at=now(),
                )
                .returning(datasets.c.id)
            ).scalar_one()
            if rows:
                conn.execute(
                    sa.insert(dataset_rows), [{"dataset_id": dataset_id, **r} for r in rows]
                )
        return content_hash

    def list_datasets(self, *, workspace: str = WS) -> list[DatasetInfo]:
        """Return the workspace's stored datasets, by name."""
        query = (
            sa.select(datasets).where(datasets.c.workspace == workspace).order_by(datasets.c.name)
        )
        with self._begin() as conn:
            found = conn.execute(query).mappings().all()
        return [
            DatasetInfo(
                r["name"],
                r["title"],
                r["base_year"],
                r["version"],
                r["origin"],
                r["content_hash"],
                r["row_count"],
                r["imported_at"],
            )
            for r in found
        ]

    def has_dataset(self, name: str, *, workspace: str = WS) -> bool:
        """Return whether the workspace holds a dataset named ``name``."""
        with self._begin() as conn:
            return self._dataset_id(conn, name, workspace) is not None

    def get_dataset(self, name: str, *, workspace: str = WS) -> Dataset:
        """Return the stored dataset ``name``, validated again as it is read."""
        with self._begin() as conn:
            found = (
                conn.execute(
                    sa.select(datasets).where(
                        datasets.c.name == name, datasets.c.workspace == workspace
                    )
                )
                .mappings()
                .one_or_none()
            )
            if found is None:
                names = (
                    conn.execute(
                        sa.select(datasets.c.name).where(datasets.c.workspace == workspace)
                    )
                    .scalars()
                    .all()
                )
                raise NotFoundError(
                    f"no stored dataset named {name!r}" + _hint(did_you_mean(name, names))
                )
            stored = conn.execute(
                sa.select(dataset_rows.c.table_name, dataset_rows.c.line, dataset_rows.c.payload)
                .where(dataset_rows.c.dataset_id == found["id"])
                .order_by(dataset_rows.c.table_name, dataset_rows.c.position)
            ).all()
        tables: dict[str, RawTable] = {}
        for table_name, line, payload in stored:
            spec = next(s for s in TABLES if s.name == table_name)
            table = tables.setdefault(
                table_name, RawTable(table_name, spec.filename, list(spec.columns))
            )
            table.rows.append((line, {c: _text(payload.get(c)) for c in spec.columns}))
        raw = RawDataset(f"store:{name}", dict(found["meta"]), tables, [])
        return check_balance(validate_raw(raw))

    def delete_dataset(self, name: str, *, workspace: str = WS) -> None:
        """Remove the stored dataset ``name`` and its rows."""
        with self._begin() as conn:
            found = self._dataset_id(conn, name, workspace)
            if found is None:
                raise NotFoundError(f"no stored dataset named {name!r}")
            conn.execute(sa.delete(dataset_rows).where(dataset_rows.c.dataset_id == found))
            conn.execute(sa.delete(datasets).where(datasets.c.id == found))

    @staticmethod
    def _dataset_id(conn: Connection, name: str, workspace: str) -> int | None:
        found = conn.execute(
            sa.select(datasets.c.id).where(
                datasets.c.name == name, datasets.c.workspace == workspace
            )
        ).scalar_one_or_none()
        return None if found is None else int(found)

    # --- scenarios ------------------------------------------------------------------

    def save_scenario(self, name: str, dataset: str, body: str, *, workspace: str = WS) -> bool:
        """Create or update the scenario ``name`` (YAML text); return whether it was new."""
        stamp = now()
        where = (scenarios.c.name == name, scenarios.c.workspace == workspace)
        with self._begin() as conn:
            updated = conn.execute(
                sa.update(scenarios)
                .where(*where)
                .values(dataset=dataset, body=body, updated_at=stamp)
            ).rowcount
            if not updated:
                conn.execute(
                    sa.insert(scenarios).values(
                        workspace=workspace,
                        name=name,
                        dataset=dataset,
                        body=body,
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
        return not updated

    def get_scenario(self, name: str, *, workspace: str = WS) -> str:
        """Return the YAML text of the stored scenario ``name``."""
        with self._begin() as conn:
            body = conn.execute(
                sa.select(scenarios.c.body).where(
                    scenarios.c.name == name, scenarios.c.workspace == workspace
                )
            ).scalar_one_or_none()
        if body is None:
            raise NotFoundError(f"no stored scenario named {name!r}")
        return str(body)

    def list_scenarios(self, *, workspace: str = WS) -> list[dict[str, Any]]:
        """Return the workspace's stored scenarios: name, dataset and times."""
        query = (
            sa.select(
                scenarios.c.name,
                scenarios.c.dataset,
                scenarios.c.created_at,
                scenarios.c.updated_at,
            )
            .where(scenarios.c.workspace == workspace)
            .order_by(scenarios.c.name)
        )
        with self._begin() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def delete_scenario(self, name: str, *, workspace: str = WS) -> None:
        """Remove the stored scenario ``name``."""
        with self._begin() as conn:
            deleted = conn.execute(
                sa.delete(scenarios).where(
                    scenarios.c.name == name, scenarios.c.workspace == workspace
                )
            ).rowcount
        if not deleted:
            raise NotFoundError(f"no stored scenario named {name!r}")


def _text(value: Any) -> str:
    from reechain.data.writers import cell

    return cell(value)


def _hint(text: str | None) -> str:
    return f"; {text}" if text else ""
