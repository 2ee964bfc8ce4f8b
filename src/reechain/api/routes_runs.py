"""Runs: start an analysis as a background job, follow it, cancel it, fetch its results."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from reechain.api.auth import Analyst, StoreDep, Viewer
from reechain.api.models import ErrorOut, RunIn, RunOut
from reechain.api.routes_data import ERRORS
from reechain.errors import InputError, NotFoundError
from reechain.exporting import records_csv, records_parquet
from reechain.store import RunInfo, Store
from reechain.workflows import jobs

router = APIRouter(prefix="/api")
# Reading a run or a stored result is one or two indexed queries: those endpoints are
# ``async`` and run on the event loop; starting or cancelling a run writes, and stays in
# the thread pool.


class ResultCache:
    """The most recently read results, up to a size in bytes.

    A finished run's outputs never change (they are written once, with the run's final
    status), so a cached copy is always right; only reads of finished runs are cached.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str, str], tuple[str, bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[str, str, str]) -> tuple[str, bytes] | None:
        """Return the cached output for ``key`` (workspace, run id, name), or None."""
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[str, str, str], value: tuple[str, bytes]) -> None:
        """Keep ``value``, dropping the least recently read outputs beyond the size limit."""
        if key in self._items or len(value[1]) > self.max_bytes:
            return
        self._items[key] = value
        self._bytes += len(value[1])
        while self._bytes > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= len(dropped)


def _out(run: RunInfo, store: Store, outputs: list[str] | None = None) -> RunOut:
    if outputs is None:
        outputs = store.result_names_of([run.id])[run.id] if run.status == "done" else []
    return RunOut(
        id=run.id,
        kind=run.kind,
        status=run.status,
        progress=run.progress,
        dataset=run.dataset,
        scenario=run.scenario,
        seed=run.seed,
        code_version=run.code_version,
        params=dict(run.params),
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        error=run.error,
        outputs=outputs,
    )


@router.post("/runs", status_code=status.HTTP_202_ACCEPTED, response_model=RunOut, responses=ERRORS)
def start_run(body: RunIn, request: Request, user: Analyst, store: StoreDep) -> RunOut:
    """Start a run in the background; poll ``GET /api/runs/{id}`` for its progress."""
    run_id = jobs.start(
        store,
        body.kind,
        body.dataset,
        scenario=body.scenario,
        params=body.params,
        workspace=user.workspace,
        seed=body.seed,
    )
    request.app.state.runner.submit(run_id)
    return _out(store.get_run(run_id, workspace=user.workspace), store)


@router.get("/runs", response_model=list[RunOut], responses=ERRORS)
async def list_runs(
    user: Viewer,
    store: StoreDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RunOut]:
    """The caller's workspace's newest runs."""
    found = store.list_runs_with_outputs(kind, limit, workspace=user.workspace)
    return [_out(run, store, outputs) for run, outputs in found]


@router.get("/runs/{run_id}", response_model=RunOut, responses=ERRORS)
async def get_run(run_id: str, user: Viewer, store: StoreDep) -> RunOut:
    """A run's status, progress and outputs."""
    return _out(store.get_run(run_id, workspace=user.workspace), store)


@router.post("/runs/{run_id}/cancel", response_model=RunOut, responses=ERRORS)
def cancel_run(run_id: str, user: Analyst, store: StoreDep) -> RunOut:
    """Cancel a pending or running run (a finished one is left as it is)."""
    return _out(store.cancel_run(run_id, workspace=user.workspace), store)


@router.get(
    "/runs/{run_id}/results/{name}",
    responses={
        **ERRORS,
        200: {
            "content": {
                "application/json": {},
                "text/csv": {},
                "application/vnd.apache.parquet": {},
            }
        },
    },
)
async def get_result(
    run_id: str,
    name: str,
    request: Request,
    user: Viewer,
    store: StoreDep,
    format: Literal["json", "csv", "parquet"] = "json",
) -> Response:
    """One output of a finished run, as JSON, CSV (formula-safe) or Parquet."""
    cache: ResultCache = request.app.state.results
    key = (user.workspace, run_id, name)
    found = cache.get(key)
    if found is None:
        found = store.get_result(run_id, name, workspace=user.workspace)
        cache.put(key, found)
    media, payload = found
    if format == "json" or media != "application/json":
        if format != "json" and media != "application/json":
            raise InputError(
                f"format: output {name!r} is {media}, it cannot be turned into {format}"
            )
        return Response(payload, media_type=media)
    records = json.loads(payload)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise NotFoundError(f"output {name!r} is not a table; ask for format=json")
    if format == "csv":
        return Response(records_csv(records), media_type="text/csv")
    return Response(records_parquet(records), media_type="application/vnd.apache.parquet")


__all__ = ["ErrorOut", "router"]
