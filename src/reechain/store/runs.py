"""Runs and their results: created pending, started, finished or failed in one transaction.

A run's outputs are written together with its final status, so no reader ever sees a run
marked done with half its results; a run whose process died is found and failed by
:meth:`RunsMixin.recover_interrupted`.
"""

from __future__ import annotations

import functools
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection

from reechain.errors import NotFoundError
from reechain.store.base import StoreBase, now
from reechain.store.schema import DEFAULT_WORKSPACE, results, runs
from reechain.version import __version__

RUN_STATUSES = ("pending", "running", "done", "failed", "cancelled")
WS = DEFAULT_WORKSPACE
PARTIAL_PREFIX = "chunk-"
"""Results a run stores as it goes (risk chunks), kept when it is interrupted."""
INTERRUPTED = "interrupted: the process running it stopped"
"""The error of a run whose process died; the run can be resumed (see ``find_resumable``)."""


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
    workspace: str = WS


class RunsMixin(StoreBase):
    """Run and result operations of the store."""

    def create_run(
        self,
        kind: str,
        dataset: str,
        *,
        scenario: str = "",
        inputs_hash: str = "",
        seed: int | None = None,
        params: Mapping[str, Any] | None = None,
        workspace: str = WS,
    ) -> str:
        """Record a new pending run and return its id."""
        run_id = str(uuid.uuid4())
        with self._begin() as conn:
            conn.execute(
                sa.insert(runs).values(
                    id=run_id,
                    workspace=workspace,
                    kind=kind,
                    status="pending",
                    progress=0.0,
                    dataset=dataset,
                    scenario=scenario,
                    inputs_hash=inputs_hash,
                    seed=seed,
                    code_version=__version__,
                    params=dict(params or {}),
                    created_at=now(),
                    worker=worker_id(),
                )
            )
        return run_id

    def start_run(self, run_id: str) -> None:
        """Mark a run as running in this process (host and pid recorded as its worker)."""
        self._update_run(
            run_id,
            status="running",
            started_at=now(),
            worker=worker_id(),
            finished_at=None,
            error=None,
        )

    def set_progress(self, run_id: str, progress: float) -> None:
        """Record a running run's progress, a fraction between 0 and 1."""
        self._update_run(run_id, progress=min(max(progress, 0.0), 1.0))

    def finish_run(self, run_id: str, outputs: Mapping[str, tuple[str, bytes]]) -> None:
        """Store a run's outputs (name → (media type, bytes)) and mark it done, atomically.

        A run cancelled meanwhile stays cancelled and keeps no outputs.
        """
        with self._begin() as conn:
            status = self._run_status(conn, run_id)
            if status == "cancelled":
                return
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
                .values(status="done", progress=1.0, finished_at=now(), error=None)
            )

    def fail_run(
        self, run_id: str, error: str, *, status: str = "failed", keep_partial: bool = False
    ) -> None:
        """Mark a run failed (or cancelled) with its error; its results are removed (but for
        its partial results, named ``PARTIAL_PREFIX``…, when ``keep_partial``: a run started
        again with the same inputs resumes from them; nothing of a failed run is served)."""
        gone = results.c.run_id == run_id
        if keep_partial:
            gone &= ~results.c.name.startswith(PARTIAL_PREFIX, autoescape=True)
        with self._begin() as conn:
            self._run_status(conn, run_id)
            conn.execute(sa.delete(results).where(gone))
            conn.execute(
                sa.update(runs)
                .where(runs.c.id == run_id)
                .values(status=status, finished_at=now(), error=error)
            )

    def cancel_run(self, run_id: str, *, workspace: str = WS) -> RunInfo:
        """Cancel a pending or running run; a finished run is left as it is."""
        run = self.get_run(run_id, workspace=workspace)
        if run.status in ("pending", "running"):
            self.fail_run(run.id, "cancelled by a user", status="cancelled")
        return self.get_run(run.id, workspace=workspace)

    def recover_interrupted(self) -> list[str]:
        """Fail the runs left pending or running by a process of this host that has died.

        Returns their ids. A run whose worker is alive (the CLI beside a server) is left alone.
        """
        host = socket.gethostname()
        with self._begin() as conn:
            found = conn.execute(
                sa.select(runs.c.id, runs.c.worker).where(runs.c.status.in_(("pending", "running")))
            ).all()
        dead = [run_id for run_id, worker in found if _is_dead(worker, host)]
        for run_id in dead:
            kept = self.partial_count(run_id)
            resume = (
                f"; its {kept} stored chunk(s) are kept: start it again with the same inputs "
                "to resume"
                if kept
                else ""
            )
            self.fail_run(run_id, INTERRUPTED + resume, keep_partial=True)
        return dead

    def partial_count(self, run_id: str) -> int:
        """How many partial results (``PARTIAL_PREFIX``…) run ``run_id`` has stored."""
        with self._begin() as conn:
            found = conn.execute(
                sa.select(sa.func.count())
                .select_from(results)
                .where(
                    results.c.run_id == run_id,
                    results.c.name.startswith(PARTIAL_PREFIX, autoescape=True),
                )
            ).scalar_one()
        return int(found)

    def save_partial(self, run_id: str, number: int, media_type: str, payload: bytes) -> None:
        """Store partial result ``number`` of running run ``run_id`` (``PARTIAL_PREFIX``NNNNN).

        Partial results are kept if the run's process dies, dropped when it finishes or
        fails with an error, and never served as results.
        """
        with self._begin() as conn:
            conn.execute(
                sa.insert(results).values(
                    run_id=run_id,
                    name=f"{PARTIAL_PREFIX}{number:05d}",
                    media_type=media_type,
                    payload=payload,
                )
            )

    def partials(self, run_id: str) -> dict[int, bytes]:
        """Return the partial results run ``run_id`` has stored, by number."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(results.c.name, results.c.payload).where(
                    results.c.run_id == run_id,
                    results.c.name.startswith(PARTIAL_PREFIX, autoescape=True),
                )
            ).all()
        return {int(name.removeprefix(PARTIAL_PREFIX)): bytes(payload) for name, payload in rows}

    def find_interrupted(self, kind: str, inputs_hash: str, *, workspace: str = WS) -> str | None:
        """Return the id of an interrupted run of ``kind`` with these inputs, if any.

        Interrupted: still marked running while its process is gone (or is this one), or
        failed as interrupted by a server's start-up recovery (its partial results kept).
        """
        with self._begin() as conn:
            found = conn.execute(
                sa.select(runs.c.id, runs.c.worker, runs.c.status)
                .where(
                    runs.c.kind == kind,
                    runs.c.inputs_hash == inputs_hash,
                    runs.c.workspace == workspace,
                    (runs.c.status == "running")
                    | (
                        (runs.c.status == "failed")
                        & runs.c.error.startswith(INTERRUPTED, autoescape=True)
                    ),
                )
                .order_by(runs.c.created_at.desc())
            ).all()
        for run_id, worker, status in found:
            if status == "failed" or not _alive_elsewhere(worker):
                return str(run_id)
        return None

    def requeue(self, run_id: str) -> None:
        """Put an interrupted run back in the queue (pending): it resumes from its partial
        results when it runs."""
        self._update_run(run_id, status="pending", error=None, finished_at=None, worker=None)

    def get_run(self, run_id: str, *, workspace: str | None = WS) -> RunInfo:
        """Return the run ``run_id`` (a unique prefix of the id is enough).

        ``workspace=None`` looks in every workspace (for the server's own job runner).
        """
        scope = () if workspace is None else (runs.c.workspace == workspace,)
        with self._begin() as conn:
            found = (
                conn.execute(sa.select(runs).where(runs.c.id == run_id, *scope)).mappings().all()
            )
            if not found and len(run_id) < 36:
                found = (
                    conn.execute(
                        sa.select(runs)
                        .where(runs.c.id.startswith(run_id, autoescape=True), *scope)
                        .limit(2)
                    )
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

    def list_runs(
        self, kind: str | None = None, limit: int = 100, *, workspace: str = WS
    ) -> list[RunInfo]:
        """Return the workspace's newest runs, optionally of one kind."""
        query = _newest(self.dialect, of_kind=bool(kind), with_outputs=False)
        with self._begin() as conn:
            found = conn.execute(query, _page(kind, limit, workspace))
            return [_run_info(r) for r in found.mappings()]

    def list_runs_with_outputs(
        self, kind: str | None = None, limit: int = 100, *, workspace: str = WS
    ) -> list[tuple[RunInfo, list[str]]]:
        """Return the workspace's newest runs, each with its output names, in one query.

        The runs and their order are those of :meth:`list_runs`; the names, those of
        :meth:`result_names_of` (none for a run that is not done).
        """
        query = _newest(self.dialect, of_kind=bool(kind), with_outputs=True)
        in_order = self.dialect == "postgresql"  # see _output_names
        with self._begin() as conn:
            found = conn.execute(query, _page(kind, limit, workspace)).mappings().all()
        listed = []
        for row in found:
            names: list[str] = row["outputs"] or []
            listed.append((_run_info(row), names if in_order else sorted(names)))
        return listed

    def get_result(self, run_id: str, name: str, *, workspace: str = WS) -> tuple[str, bytes]:
        """Return (media type, bytes) of output ``name`` of a finished run."""
        with self._begin() as conn:
            found = conn.execute(
                sa.select(results.c.media_type, results.c.payload)
                .join(runs, runs.c.id == results.c.run_id)
                .where(
                    results.c.run_id == run_id,
                    results.c.name == name,
                    runs.c.workspace == workspace,
                    runs.c.status == "done",
                )
            ).one_or_none()
        if found is not None:
            return str(found[0]), bytes(found[1])
        run = self.get_run(run_id, workspace=workspace)  # say why: unknown, unfinished, no output
        if run.status != "done":
            raise NotFoundError(f"run {run.id} is {run.status}: it has no results")
        if run.id != run_id:
            return self.get_result(run.id, name, workspace=workspace)
        raise NotFoundError(f"run {run.id} has no output named {name!r}")

    def result_names(self, run_id: str, *, workspace: str = WS) -> list[str]:
        """Return the names of a run's outputs."""
        run = self.get_run(run_id, workspace=workspace)
        return self.result_names_of([run.id])[run.id]

    def result_names_of(self, run_ids: list[str]) -> dict[str, list[str]]:
        """Return the output names of several runs at once (one query), by run id."""
        names: dict[str, list[str]] = {run_id: [] for run_id in run_ids}
        if run_ids:
            with self._begin() as conn:
                for run_id, name in conn.execute(
                    sa.select(results.c.run_id, results.c.name)
                    .where(results.c.run_id.in_(run_ids))
                    .order_by(results.c.name)
                ):
                    names[run_id].append(name)
        return names

    def _update_run(self, run_id: str, **values: Any) -> None:
        with self._begin() as conn:
            self._run_status(conn, run_id)
            conn.execute(sa.update(runs).where(runs.c.id == run_id).values(**values))

    @staticmethod
    def _run_status(conn: Connection, run_id: str) -> str:
        status = conn.execute(sa.select(runs.c.status).where(runs.c.id == run_id)).scalar()
        if status is None:
            raise NotFoundError(f"no run with id {run_id!r}")
        return str(status)


@functools.cache
def _newest(dialect: str, *, of_kind: bool, with_outputs: bool) -> sa.Select[Any]:
    """Return the query for a workspace's newest runs (parameters: see :func:`_page`).

    Newest first (runs created at the same instant: by id, descending), read in that order
    from an index; ``with_outputs`` adds each run's output names as a JSON array,
    ``outputs``. Built once per shape: building a statement and its cache key costs more
    than running it on SQLite.
    """
    query = sa.select(runs).where(runs.c.workspace == sa.bindparam("workspace"))
    if of_kind:
        query = query.where(runs.c.kind == sa.bindparam("kind"))
    newest_first = (runs.c.created_at.desc(), runs.c.id.desc())  # ix_runs_workspace_created
    query = query.order_by(*newest_first).limit(sa.bindparam("limit"))
    if not with_outputs:
        return query
    page = query.subquery("page")  # the names are looked up for this page's runs only
    return sa.select(page, _output_names(dialect, page).label("outputs")).order_by(
        page.c.created_at.desc(), page.c.id.desc()
    )


def _output_names(dialect: str, page: sa.Subquery) -> sa.ColumnElement[Any]:
    """Return the output names of a ``page`` run (none unless it is done): a JSON array or null.

    In name order on PostgreSQL; on SQLite in no set order (``json_group_array`` takes no
    ``ORDER BY`` before SQLite 3.44), to be sorted when read: SQLite's default collation
    compares code points, as Python does.
    """
    names: sa.ColumnElement[Any] = results.c.name
    aggregate = (
        sa.func.json_agg(aggregate_order_by(names, names))
        if dialect == "postgresql"
        else sa.func.json_group_array(names)
    )
    found = sa.select(aggregate).where(results.c.run_id == page.c.id, page.c.status == "done")
    return sa.type_coerce(found.scalar_subquery(), sa.JSON)


def _page(kind: str | None, limit: int, workspace: str) -> dict[str, Any]:
    """Return the parameters of a :func:`_newest` query."""
    params: dict[str, Any] = {"workspace": workspace, "limit": limit}
    if kind:
        params["kind"] = kind
    return params


def worker_id() -> str:
    """Return this process's worker name: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_dead(worker: str | None, host: str) -> bool:
    """A run with no worker never started; one of another host is that host's to judge."""
    if not worker:
        return True
    worker_host, _, pid = worker.rpartition(":")
    if worker_host != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _alive_elsewhere(worker: str | None) -> bool:
    """True when ``worker`` (host:pid) is another live process, here or on another host."""
    if not worker or worker == worker_id():
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    return not _is_dead(worker, host)


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
        r["workspace"],
    )
