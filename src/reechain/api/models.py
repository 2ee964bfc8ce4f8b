"""Request and response bodies of the REST API (typed, so the OpenAPI schema is exact)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from reechain.finite import non_finite_paths


class ProblemOut(BaseModel):
    """One problem in a user's input."""

    file: str
    line: int | None
    column: str | None
    found: str | None
    expected: str
    hint: str | None = None


class ErrorOut(BaseModel):
    """An error: one line, and every problem when the input was a dataset."""

    detail: str
    problems: list[ProblemOut] = Field(default_factory=list)


class DatasetOut(BaseModel):
    """A dataset: bundled, stored in the caller's workspace, or both."""

    name: str
    title: str
    base_year: int
    bundled: bool
    stored: bool
    rows: int | None = None
    imported_at: datetime | None = None


class DatasetIn(BaseModel):
    """A dataset sent as JSON: its metadata and, per table, its rows as records."""

    meta: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


class ScenarioIn(BaseModel):
    """A scenario file (YAML text, which names its dataset) to save under ``name``."""

    name: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$")
    body: str = Field(max_length=1_000_000)


class ScenarioBody(BaseModel):
    """A scenario's YAML text, for an update or a validation."""

    body: str = Field(max_length=1_000_000)


class ScenarioOut(BaseModel):
    """A stored scenario."""

    name: str
    dataset: str
    body: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class ValidationOut(BaseModel):
    """The verdict on a scenario: valid, or its problems."""

    valid: bool
    problems: list[str] = Field(default_factory=list)


class RunIn(BaseModel):
    """A run to start: its kind, dataset, scenario and parameters."""

    kind: str = Field(min_length=1, max_length=32)
    dataset: str = Field(min_length=1, max_length=64)
    scenario: str = Field("", max_length=256)
    params: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)

    @field_validator("params")
    @classmethod
    def _finite_params(cls, params: dict[str, Any]) -> dict[str, Any]:
        bad = non_finite_paths(params, "params")
        if bad:
            raise ValueError(f"{bad[0]}: got NaN or infinity, expected a finite number")
        return params


class RunOut(BaseModel):
    """A run: what it is, how far it got, and its outputs when done."""

    id: str
    kind: str
    status: Literal["pending", "running", "done", "failed", "cancelled"]
    progress: float
    dataset: str
    scenario: str
    seed: int | None
    code_version: str
    params: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    outputs: list[str] = Field(default_factory=list)


class HealthOut(BaseModel):
    """The server is up."""

    status: Literal["ok"]
    version: str
    auth: bool
    database: str
