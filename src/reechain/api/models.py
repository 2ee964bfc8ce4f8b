"""Request and response bodies of the REST API (typed, so the OpenAPI schema is exact)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator

from reechain.finite import non_finite_paths
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


class ConcentrationOut(BaseModel):
    """How concentrated one commodity's (or stage's) production is: shares and HHI."""

    year: int
    stage: str
    commodity: str
    unit: str
    production_per_year: float
    producing_regions: int
    hhi: float = Field(description="Herfindahl–Hirschman index of output shares, 0–10,000")
    top1_region: str
    top1_share: float
    top3_regions: str
    top3_share: float
    regions_for_90pct: int | None = Field(description="None when 90 % is never reached")
    aggregate_share: float = Field(description="Share of output booked to aggregates (ROW …)")
    aggregates: str
    top1_share_p10: float | None = Field(None, description="expected case: 10th percentile")
    top1_share_p90: float | None = Field(None, description="expected case: 90th percentile")
    top3_share_p10: float | None = None
    top3_share_p90: float | None = None
    hhi_p10: float | None = None
    hhi_p90: float | None = None


class OutlookOut(BaseModel):
    """One case, year and stage (or commodity) of the supply outlook."""

    case: str
    year: int
    stage: str
    commodity: str
    unit: str
    top1_region: str
    top1_share: float
    top3_regions: str
    top3_share: float
    hhi: float = Field(description="Herfindahl–Hirschman index of output shares, 0–10,000")
    demand_per_year: float
    supply_per_year: float
    pipeline_supply_per_year: float
    gap_per_year: float = Field(description="demand − supply, units per year")
    top1_share_p10: float | None = None
    top1_share_p90: float | None = None
    top3_share_p10: float | None = None
    top3_share_p90: float | None = None
    hhi_p10: float | None = None
    hhi_p90: float | None = None


class RelianceOut(BaseModel):
    """A region's net import reliance for a commodity, and its share from one supplier."""

    year: int
    region: str
    stage: str
    commodity: str
    unit: str
    production_per_year: float
    imports_per_year: float
    exports_per_year: float
    stock_change_per_year: float
    apparent_consumption_per_year: float
    import_reliance: float | None = Field(description="None where nothing is consumed")
    net_exporter: bool
    supplier: str
    supplied_by_supplier_per_year: float
    supplier_share: float
    import_share_from_supplier: float | None = Field(description="None where nothing is imported")


class ExposureOut(BaseModel):
    """Where a region's supply truly comes from, stage by stage (true origin)."""

    target: str
    stage: str
    commodity: str
    origin_region: str
    embodied_per_year: float
    unit: str
    origin_share: float


class CriticalityOut(BaseModel):
    """A material's criticality by one method; method-specific terms are left out elsewhere."""

    method: str
    material: str
    region: str
    term: str
    supply_risk: float
    importance: float
    supply_risk_threshold: float | None = None
    importance_threshold: float | None = None
    critical: bool | None = None
    notes: str = ""
    hhi_wgi_global: float | None = None
    hhi_wgi_sourcing: float | None = None
    import_reliance: float | None = None
    eol_rir: float | None = None
    si_sr: float | None = None
    si_ei: float | None = None
    top_producer_share: float | None = None
    disruption_potential: float | None = None
    trade_exposure: float | None = None
    economic_vulnerability: float | None = None
    basic_availability_score: float | None = None
    competing_demand_score: float | None = None
    political_score: float | None = None
    codependence_score: float | None = None
    producer_diversity_score: float | None = None
