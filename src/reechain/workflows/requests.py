"""What each analysis is asked to do: typed requests, validated once, at the door.

Every analysis of the Python API (simulate, risk, optimize) turns its arguments into one
of these models before doing anything, so a bad argument is reported the same way whether
it came from the CLI, the REST API, the dashboard or a notebook: every problem at once,
by field name (``runs``), never by the flag of one surface (``--runs``).

Examples
--------
>>> RiskRequest(scenario="baseline", runs=100, seed=7).horizon_months
120
>>> parse_request(RiskRequest, scenario="baseline", runs=0, seed=7)
Traceback (most recent call last):
...
reechain.errors.InputError: runs: got 0, expected a number ≥ 1
"""

from __future__ import annotations

from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reechain.data.rows import expected
from reechain.errors import InputError

Request = TypeVar("Request", bound=BaseModel)

Positive = Annotated[int, Field(ge=1)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SimulateRequest(_Request):
    """A scenario (file, stored or bundled name, or ``A+B``) against its baseline run."""

    scenario: str = Field(min_length=1)
    months: Positive | None = None
    """Horizon in months (default: the scenario's)."""
    engine: str = "vectorized"
    """Which engine runs it (checked by the engine, which knows its names)."""


class RiskRequest(_Request):
    """``runs`` disruption histories on top of a scenario, seeded."""

    scenario: str = Field(default="baseline", min_length=1)
    runs: Positive
    seed: Annotated[int, Field(ge=0)]
    horizon_months: Positive = 120
    chunk_size: Positive | None = None
    workers: Positive | None = None
    scheduler: str | None = None
    policy: str | None = None
    demand: str | None = None
    sample_inputs: bool = False
    engine: str | None = None
    draw_pipeline: bool = False

    @model_validator(mode="after")
    def _one_place_to_run(self) -> Self:
        if self.workers is not None and self.scheduler is not None:
            raise ValueError("workers and scheduler: choose one")
        return self


class OptimizeRequest(_Request):
    """A partnership's optimal portfolio, its checks, frontier and bill split."""

    partnership: str = Field(min_length=1)
    scenarios: Positive | None = None
    out_of_sample: Annotated[int, Field(ge=0)] | None = None
    """Fresh histories for the out-of-sample check (0: none)."""
    budget_usd: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    frontier: bool = False
    shares: bool = True
    gap_histories: Annotated[int, Field(ge=0)] = 10
    horizon_years: Positive | None = None
    side_payments: bool = False
    """Allow a partner's bill to be negative (paid by the others)."""
    max_iterations: Annotated[int, Field(ge=1, le=50)] = 5
    """Engine-loop solves at most."""
    tolerance: Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)] = 0.2
    """Surrogate within this relative gap of the engine's in-sample expected loss."""
    workers: Annotated[int, Field(ge=1, le=1024)] | None = None
    """Out-of-sample engine runs on a local Dask cluster of this many processes."""
    scheduler: str | None = None
    """Or on the Dask cluster at this address (tcp://HOST:PORT)."""


def parse_request(model: type[Request], **fields: Any) -> Request:
    """Return ``model`` validated from ``fields``; InputError naming every bad field."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            message = str(err.get("ctx", {}).get("error", err["msg"]))
            if not field:
                lines.append(message.removeprefix("Value error, "))
                continue
            found = err.get("input")
            what = "unknown field" if err["type"] == "extra_forbidden" else expected(err, message)
            lines.append(f"{field}: got {found!r}, expected {what}")
        raise InputError("; ".join(lines)) from None


__all__ = ["OptimizeRequest", "RiskRequest", "SimulateRequest", "parse_request"]
