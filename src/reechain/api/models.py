"""Request and response bodies of the REST API (typed, so the OpenAPI schema is exact)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from reechain.names import COMPOSED_REGEX, NAME_REGEX


def _utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; a naive time (SQLite keeps no zone) is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_utc)]
"""A moment, written as ISO 8601 in UTC with its offset (``2026-01-31T12:00:00Z``)."""


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
    imported_at: Timestamp | None = None


class DatasetIn(BaseModel):
    """A dataset sent as JSON: its metadata and, per table, its rows as records."""

    meta: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]


class ScenarioIn(BaseModel):
    """A scenario file (YAML text, which names its dataset) to save under ``name``."""

    name: str = Field(min_length=1, max_length=64, pattern=NAME_REGEX)
    body: str = Field(max_length=1_000_000)


class ScenarioBody(BaseModel):
    """A scenario's YAML text, for an update or a validation."""

    body: str = Field(max_length=1_000_000)


class ScenarioOut(BaseModel):
    """A stored scenario."""

    name: str
    dataset: str
    body: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class ValidationOut(BaseModel):
    """The verdict on a scenario: valid, or its problems."""

    valid: bool
    problems: list[str] = Field(default_factory=list)


class RunIn(BaseModel):
    """A run to start: its kind, dataset, scenario and parameters."""

    kind: str = Field(min_length=1, max_length=32)
    dataset: str = Field(min_length=1, max_length=64, pattern=NAME_REGEX)
    scenario: str = Field("", max_length=256, pattern=f"^$|{COMPOSED_REGEX}")
    params: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


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
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    error: str | None
    outputs: list[str] = Field(default_factory=list)


class HealthOut(BaseModel):
    """The server is up."""

    status: Literal["ok"]
    version: str
    auth: bool
    database: str
