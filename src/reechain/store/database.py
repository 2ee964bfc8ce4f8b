"""The store: datasets, scenarios, runs and results in one SQL database.

A SQLite file in the data directory by default (WAL mode, so the CLI and a running server
can both write), or any SQLAlchemy URL (PostgreSQL for teams) through the same schema and
the same Alembic migrations. Every write that belongs together happens in one transaction:
a dataset import, or a run's results with its final status.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from reechain import __version__
from reechain.data.dataset import Dataset, validate_raw
from reechain.data.readers import RawDataset, RawTable
from reechain.data.tables import TABLES
from reechain.errors import InputError, NotFoundError, StoreError
from reechain.names import did_you_mean
from reechain.store.schema import dataset_rows, datasets, results, runs, scenarios

MIGRATIONS = Path(__file__).with_name("migrations")
RUN_STATUSES = ("pending", "running", "done", "failed", "cancelled")


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


@dataclass(frozen=True)
class RunInfo:
    """A stored run: what it was, how far it got, and when."""

    id: str
    kind: str
    status: str
    progress: float
    dataset: str
    scenario: str
    inputs_hash: str
    seed: int | None
    code_version: str
    params: Mapping[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def dataset_hash(dataset: Dataset) -> str:
    """Return a SHA-256 of a dataset's metadata and rows: equal data, equal hash."""
    digest = hashlib.sha256()
    digest.update(json.dumps(dataset.meta.model_dump(mode="json"), sort_keys=True).encode())
    for spec in TABLES:
        for record in dataset.records(spec.name):
            digest.update(spec.name.encode())
            digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


class Store:
    """A reechain store on one database; open it with :meth:`Store.open`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (creating and migrating as needed) the store at SQLAlchemy ``url``."""
        try:
            engine = _engine(url)
        except OSError as exc:
            raise StoreError(f"cannot open the store at {_safe(url)}: {exc}") from exc
        try:
            with engine.begin() as connection:
                cfg = Config()
                cfg.set_main_option("script_location", str(MIGRATIONS))
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "head")
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the store at {_safe(url)}: {exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"store error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
            ) from exc

    # --- datasets -------------------------------------------------------------------

    def add_dataset(self, dataset: Dataset, *, origin: str = "", replace: bool = False) -> str:
        """Store ``dataset`` in one transaction and return its content hash.

        Raises InputError when a dataset of that name exists and ``replace`` is false.
        """
        content_hash = dataset_hash(dataset)
        rows = []
        for spec in TABLES:
            for position, (line, row) in enumerate(
                zip(dataset.lines[spec.name], dataset.rows(spec.name), strict=True)
            ):
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
            existing = conn.execute(
                sa.select(datasets.c.id).where(datasets.c.name == dataset.name)
            ).scalar_one_or_none()
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
                    name=meta.name,
                    title=meta.title,
                    base_year=meta.base_year,
                    version=meta.version,
                    description=meta.description,
                    meta=meta.model_dump(mode="json"),
                    origin=origin,
                    content_hash=content_hash,
                    row_count=len(rows),
                    imported_at=_now(),
                )
                .returning(datasets.c.id)
            ).scalar_one()
            if rows:
                conn.execute(
                    sa.insert(dataset_rows), [{"dataset_id": dataset_id, **r} for r in rows]
                )
        return content_hash

    def list_datasets(self) -> list[DatasetInfo]:
        """Return the stored datasets, by name."""
        with self._begin() as conn:
            found = conn.execute(sa.select(datasets).order_by(datasets.c.name)).mappings().all()
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

    def has_dataset(self, name: str) -> bool:
        """Return whether a dataset named ``name`` is stored."""
        return any(info.name == name for info in self.list_datasets())

    def get_dataset(self, name: str) -> Dataset:
        """Return the stored dataset ``name``, validated again as it is read."""
        with self._begin() as conn:
            found = (
                conn.execute(sa.select(datasets).where(datasets.c.name == name))
                .mappings()
                .one_or_none()
            )
            if found is None:
                names = conn.execute(sa.select(datasets.c.name)).scalars().all()
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
        return validate_raw(raw)

    def delete_dataset(self, name: str) -> None:
        """Remove the stored dataset ``name`` and its rows."""
        with self._begin() as conn:
            found = conn.execute(
                sa.select(datasets.c.id).where(datasets.c.name == name)
            ).scalar_one_or_none()
            if found is None:
                raise NotFoundError(f"no stored dataset named {name!r}")
            conn.execute(sa.delete(dataset_rows).where(dataset_rows.c.dataset_id == found))
            conn.execute(sa.delete(datasets).where(datasets.c.id == found))

    # --- scenarios ------------------------------------------------------------------

    def save_scenario(self, name: str, dataset: str, body: str) -> None:
        """Create or update the scenario ``name`` (YAML text ``body``)."""
        now = _now()
        with self._begin() as conn:
            updated = conn.execute(
                sa.update(scenarios)
                .where(scenarios.c.name == name)
                .values(dataset=dataset, body=body, updated_at=now)
            ).rowcount
            if not updated:
                conn.execute(
                    sa.insert(scenarios).values(
                        name=name, dataset=dataset, body=body, created_at=now, updated_at=now
                    )
                )

    def get_scenario(self, name: str) -> str:
        """Return the YAML text of the stored scenario ``name``."""
        with self._begin() as conn:
            body = conn.execute(
                sa.select(scenarios.c.body).where(scenarios.c.name == name)
            ).scalar_one_or_none()
        if body is None:
            raise NotFoundError(f"no stored scenario named {name!r}")
        return str(body)

    def list_scenarios(self) -> list[str]:
        """Return the names of the stored scenarios."""
        with self._begin() as conn:
            return list(
                conn.execute(sa.select(scenarios.c.name).order_by(scenarios.c.name)).scalars()
            )

    def delete_scenario(self, name: str) -> None:
        """Remove the stored scenario ``name``."""
        with self._begin() as conn:
            if not conn.execute(sa.delete(scenarios).where(scenarios.c.name == name)).rowcount:
                raise NotFoundError(f"no stored scenario named {name!r}")

    # --- runs and results -------------------------------------------------------------

    def create_run(
        self,
        kind: str,
        dataset: str,
        *,
        scenario: str = "",
        inputs_hash: str = "",
        seed: int | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> str:
        """Record a new pending run and return its id."""
        run_id = str(uuid.uuid4())
        with self._begin() as conn:
            conn.execute(
                sa.insert(runs).values(
                    id=run_id,
                    kind=kind,
                    status="pending",
                    progress=0.0,
                    dataset=dataset,
                    scenario=scenario,
                    inputs_hash=inputs_hash,
                    seed=seed,
                    code_version=__version__,
                    params=dict(params or {}),
                    created_at=_now(),
                )
            )
        return run_id

    def start_run(self, run_id: str) -> None:
        """Mark a run as running."""
        self._update_run(run_id, status="running", started_at=_now())

    def set_progress(self, run_id: str, progress: float) -> None:
        """Record a running run's progress, a fraction between 0 and 1."""
        self._update_run(run_id, progress=min(max(progress, 0.0), 1.0))

    def finish_run(self, run_id: str, outputs: Mapping[str, tuple[str, bytes]]) -> None:
        """Store a run's outputs (name → (media type, bytes)) and mark it done, atomically."""
        with self._begin() as conn:
            self._require_run(conn, run_id)
            conn.execute(sa.delete(results).where(results.c.run_id == run_id))
            if outputs:
                conn.execute(
                    sa.insert(results),
                    [
                        {"run_id": run_id, "name": name, "media_type": media, "payload": payload}
                        for name, (media, payload) in outputs.items()
                    ],
                )
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(status="done", progress=1.0, finished_at=_now(), error=None)
            )

    def fail_run(self, run_id: str, error: str, *, status: str = "failed") -> None:
        """Mark a run failed (or cancelled) with its error; its results are removed."""
        with self._begin() as conn:
            self._require_run(conn, run_id)
            conn.execute(sa.delete(results).where(results.c.run_id == run_id))
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(status=status, finished_at=_now(), error=error)
            )

    def get_run(self, run_id: str) -> RunInfo:
        """Return the run ``run_id`` (a unique prefix of the id is enough)."""
        with self._begin() as conn:
            found = (
                conn.execute(sa.select(runs).where(runs.c.id.startswith(run_id, autoescape=True)))
                .mappings()
                .all()
            )
        if len(found) != 1:
            raise NotFoundError(
                f"no run with id {run_id!r}"
                if not found
                else f"run id prefix {run_id!r} is ambiguous"
            )
        return _run_info(found[0])

    def list_runs(self, kind: str | None = None, limit: int = 100) -> list[RunInfo]:
        """Return the newest runs, optionally of one kind."""
        query = sa.select(runs).order_by(runs.c.created_at.desc()).limit(limit)
        if kind:
            query = query.where(runs.c.kind == kind)
        with self._begin() as conn:
            return [_run_info(r) for r in conn.execute(query).mappings()]

    def get_result(self, run_id: str, name: str) -> tuple[str, bytes]:
        """Return (media type, bytes) of output ``name`` of a finished run."""
        run = self.get_run(run_id)
        if run.status != "done":
            raise NotFoundError(f"run {run.id} is {run.status}: it has no results")
        with self._begin() as conn:
            found = conn.execute(
                sa.select(results.c.media_type, results.c.payload).where(
                    results.c.run_id == run.id, results.c.name == name
                )
            ).one_or_none()
        if found is None:
            raise NotFoundError(f"run {run.id} has no output named {name!r}")
        return str(found[0]), bytes(found[1])

    def result_names(self, run_id: str) -> list[str]:
        """Return the names of a run's outputs."""
        with self._begin() as conn:
            return list(
                conn.execute(
                    sa.select(results.c.name)
                    .where(results.c.run_id == run_id)
                    .order_by(results.c.name)
                ).scalars()
            )

    def _update_run(self, run_id: str, **values: Any) -> None:
        with self._begin() as conn:
            self._require_run(conn, run_id)
            conn.execute(sa.update(runs).where(runs.c.id == run_id).values(**values))

    @staticmethod
    def _require_run(conn: Connection, run_id: str) -> None:
        if conn.execute(sa.select(runs.c.id).where(runs.c.id == run_id)).first() is None:
            raise NotFoundError(f"no run with id {run_id!r}")


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _run_info(r: Any) -> RunInfo:
    return RunInfo(
        r["id"],
        r["kind"],
        r["status"],
        r["progress"],
        r["dataset"],
        r["scenario"],
        r["inputs_hash"],
        r["seed"],
        r["code_version"],
        dict(r["params"]),
        r["created_at"],
        r["started_at"],
        r["finished_at"],
        r["error"],
    )


def _text(value: Any) -> str:
    from reechain.data.writers import cell

    return cell(value)


def _hint(text: str | None) -> str:
    return f"; {text}" if text else ""


def _safe(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)
