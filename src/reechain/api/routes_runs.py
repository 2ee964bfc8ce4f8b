"""Runs: start an analysis as a background job, follow it, cancel it, fetch its results."""

from __future__ import annotations

import json
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


def _out(run: RunInfo, store: Store) -> RunOut:
    outputs = store.result_names(run.id, workspace=run.workspace) if run.status == "done" else []
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
def list_runs(
    user: Viewer,
    store: StoreDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RunOut]:
    """The caller's workspace's newest runs."""
    return [_out(r, store) for r in store.list_runs(kind, limit, workspace=user.workspace)]


@router.get("/runs/{run_id}", response_model=RunOut, responses=ERRORS)
def get_run(run_id: str, user: Viewer, store: StoreDep) -> RunOut:
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
def get_result(
    run_id: str,
    name: str,
    user: Viewer,
    store: StoreDep,
    format: Literal["json", "csv", "parquet"] = "json",
) -> Response:
    """One output of a finished run, as JSON, CSV (formula-safe) or Parquet."""
    media, payload = store.get_result(run_id, name, workspace=user.workspace)
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
