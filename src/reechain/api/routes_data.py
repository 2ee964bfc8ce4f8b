"""Datasets and scenarios: list, read, import, validate, save and delete."""

from __future__ import annotations

import tempfile
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi import Path as PathParam

from reechain import workflows
from reechain.api.auth import Admin, Analyst, StoreDep, Viewer
from reechain.api.models import (
    DatasetIn,
    DatasetOut,
    ErrorOut,
    ScenarioBody,
    ScenarioIn,
    ScenarioOut,
    ValidationOut,
)
from reechain.chain import compile_chain
from reechain.chain.summary import commodity_summary, residual_summary, stage_summary
from reechain.errors import InputError, ReechainError
from reechain.names import NAME_REGEX
from reechain.store import Store

router = APIRouter(prefix="/api")
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut},
    422: {"model": ErrorOut},
    401: {"model": ErrorOut},
    403: {"model": ErrorOut},
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

NamePath = Annotated[str, PathParam(min_length=1, max_length=64, pattern=NAME_REGEX)]
"""A stored or bundled thing's name in a route's path: a name, never a path."""


@router.get("/datasets", response_model=list[DatasetOut], responses=ERRORS)
def list_datasets(user: Viewer, store: StoreDep) -> list[DatasetOut]:
    """The bundled datasets and those stored in the caller's workspace."""
    stored = {d.name: d for d in store.list_datasets(workspace=user.workspace)}
    out = []
    for name in sorted(set(workflows.bundled_datasets()) | set(stored)):
        info = stored.get(name)
        if info is None:
            meta = workflows.load_dataset(name).meta
            out.append(
                DatasetOut(
                    name=name,
                    title=meta.title,
                    base_year=meta.base_year,
                    bundled=True,
                    stored=False,
                )
            )
        else:
            out.append(
                DatasetOut(
                    name=name,
                    title=info.title,
                    base_year=info.base_year,
                    bundled=name in workflows.bundled_datasets(),
                    stored=True,
                    rows=info.row_count,
                    imported_at=info.imported_at,
                )
            )
    return out


@router.get("/datasets/{name}/rows", responses=ERRORS)
def dataset_rows(
    name: NamePath,
    user: Viewer,
    store: StoreDep,
    table: Annotated[str | None, Query(max_length=32)] = None,
    confidence: Annotated[Literal["high", "medium", "low"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Rows of a dataset with their provenance, optionally of one table or confidence."""
    dataset = workflows.load_dataset(name, store, workspace=user.workspace)
    return workflows.show_rows(dataset, table, confidence=confidence)


@router.get("/datasets/{name}/summary", responses=ERRORS)
def dataset_summary(
    name: NamePath,
    user: Viewer,
    store: StoreDep,
    by: Literal["stage", "commodity", "residual"] = "stage",
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> list[dict[str, Any]]:
    """The chain summary by stage, commodity or balance residual."""
    dataset = workflows.load_dataset(name, store, workspace=user.workspace)
    chain = compile_chain(dataset, year)
    views = {"stage": stage_summary, "commodity": commodity_summary, "residual": residual_summary}
    return views[by](chain)


@router.post(
    "/datasets", status_code=status.HTTP_201_CREATED, response_model=DatasetOut, responses=ERRORS
)
def import_dataset_json(
    body: DatasetIn, user: Analyst, store: StoreDep, replace: bool = False
) -> DatasetOut:
    """Validate a dataset sent as JSON and store it, all or nothing (422 lists every problem)."""
    dataset = workflows.dataset_from_tables(body.tables, dict(body.meta))
    store.add_dataset(dataset, origin="api", replace=replace, workspace=user.workspace)
    return _dataset_out(dataset.name, user.workspace, store)


@router.post(
    "/datasets/upload",
    status_code=status.HTTP_201_CREATED,
    response_model=DatasetOut,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def import_dataset_xlsx(
    request: Request, user: Analyst, store: StoreDep, replace: bool = False
) -> DatasetOut:
    """Validate an XLSX workbook (one sheet per table) and store it, all or nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.xlsx"
        size = 0
        with path.open("wb") as out:  # streamed to disk, never whole in memory
            async for chunk in request.stream():
                size += len(chunk)
                await anyio.to_thread.run_sync(out.write, chunk)
        if not size:
            raise InputError("body: got an empty upload, expected an .xlsx workbook")
        dataset = await anyio.to_thread.run_sync(workflows.validate_upload, path)
    add = partial(store.add_dataset, origin="upload", replace=replace, workspace=user.workspace)
    await anyio.to_thread.run_sync(add, dataset)
    return await anyio.to_thread.run_sync(_dataset_out, dataset.name, user.workspace, store)


@router.delete("/datasets/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_dataset(name: NamePath, user: Admin, store: StoreDep) -> None:
    """Remove a stored dataset from the caller's workspace."""
    store.delete_dataset(name, workspace=user.workspace)


def _dataset_out(name: str, workspace: str, store: StoreDep) -> DatasetOut:
    info = next(d for d in store.list_datasets(workspace=workspace) if d.name == name)
    return DatasetOut(
        name=info.name,
        title=info.title,
        base_year=info.base_year,
        bundled=info.name in workflows.bundled_datasets(),
        stored=True,
        rows=info.row_count,
        imported_at=info.imported_at,
    )


# --- scenarios -----------------------------------------------------------------------


def check_scenario(body: str, name: str, store: Store, workspace: str) -> list[str]:
    """Return the problems of a scenario's YAML text, checked against its dataset's chain."""
    from reechain.scenario import ScenarioError

    try:
        workflows.validate_scenario_text(body, f"scenario {name}", store, workspace=workspace)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]
    except ReechainError as exc:
        return [str(exc)]
    return []


@router.get("/scenarios", response_model=list[ScenarioOut], responses=ERRORS)
def list_scenarios(user: Viewer, store: StoreDep) -> list[ScenarioOut]:
    """The scenarios saved in the caller's workspace."""
    return [ScenarioOut(**s) for s in store.list_scenarios(workspace=user.workspace)]


@router.get("/scenarios/{name}", response_model=ScenarioOut, responses=ERRORS)
def get_scenario(name: NamePath, user: Viewer, store: StoreDep) -> ScenarioOut:
    """A saved scenario with its YAML text."""
    body = store.get_scenario(name, workspace=user.workspace)
    found = next(s for s in store.list_scenarios(workspace=user.workspace) if s["name"] == name)
    return ScenarioOut(**found, body=body)


@router.post(
    "/scenarios",
    status_code=status.HTTP_201_CREATED,
    response_model=ScenarioOut,
    responses={**ERRORS, 409: {"model": ErrorOut}},
)
def create_scenario(scenario: ScenarioIn, user: Analyst, store: StoreDep) -> ScenarioOut:
    """Save a new scenario after validating it (422 with its problems otherwise)."""
    if any(s["name"] == scenario.name for s in store.list_scenarios(workspace=user.workspace)):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"a scenario named {scenario.name!r} exists; update it with PUT",
        )
    _save(scenario.name, scenario.body, user.workspace, store)
    return get_scenario(scenario.name, user, store)


@router.put("/scenarios/{name}", response_model=ScenarioOut, responses=ERRORS)
def update_scenario(
    name: NamePath, scenario: ScenarioBody, user: Analyst, store: StoreDep
) -> ScenarioOut:
    """Replace a scenario's text (or create it) after validating it."""
    _save(name, scenario.body, user.workspace, store)
    return get_scenario(name, user, store)


@router.delete("/scenarios/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_scenario(name: NamePath, user: Admin, store: StoreDep) -> None:
    """Remove a saved scenario."""
    store.delete_scenario(name, workspace=user.workspace)


@router.post("/scenarios/validate", response_model=ValidationOut, responses=ERRORS)
def validate_scenario(scenario: ScenarioBody, user: Viewer, store: StoreDep) -> ValidationOut:
    """Check a scenario without saving it."""
    problems = check_scenario(scenario.body, "(unsaved)", store, user.workspace)
    return ValidationOut(valid=not problems, problems=problems)


def _save(name: str, body: str, workspace: str, store: Store) -> None:
    from reechain.scenario import ScenarioError, ScenarioProblem

    scenario = workflows.validate_scenario_text(
        body, f"scenario {name}", store, workspace=workspace
    )
    if scenario.name != name:
        raise ScenarioError(
            [
                ScenarioProblem(
                    f"scenario {name}",
                    None,
                    "name",
                    scenario.name,
                    f"the name it is saved under, {name!r}",
                )
            ]
        )
    store.save_scenario(name, scenario.dataset, body, workspace=workspace)
