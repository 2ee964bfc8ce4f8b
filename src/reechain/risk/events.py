"""Disruption events as sourced data: the historical list and the calibrated event models.

Two tables, both bundled in ``reechain/risk/bundled`` and read by :mod:`reechain.risk.tables`:

- **events** (:class:`HistoricalEvent`): one dated, sourced disruption per row: kind,
  actor (the supplier region), element group or stage, start ``YYYY-MM``, duration in
  months, severity (fraction of the actor's exports or capacity lost; for logistics the
  extra transit in days), whether it is *modelled* (material events inside the
  calibration window) and its provenance.
- **parameters** (:class:`ModelParameter`): the event model, one parameter per row, each
  with its method and provenance; low-confidence rows give bounds. The calibrated rows
  are exactly what :func:`reechain.risk.calibration.calibrate` derives from the events.

Kinds of disruption (:data:`KINDS`): ``export_restriction`` (China withholding exports of
an element group), ``mine_closure`` (Myanmar's mines or its border with China shut),
``plant_outage`` (an ex-China mine or separation plant down) and ``logistics`` (shipping
delays on every route).

Example
-------
>>> from reechain.risk.events import KINDS
>>> KINDS
('export_restriction', 'mine_closure', 'plant_outage', 'logistics')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reechain.scenario.models import Month

Kind = Literal["export_restriction", "mine_closure", "plant_outage", "logistics"]
KINDS: tuple[Kind, ...] = ("export_restriction", "mine_closure", "plant_outage", "logistics")
"""Kinds of disruption, in the order the sampler draws them."""

COUPLED_KINDS: tuple[Kind, ...] = ("export_restriction", "mine_closure")
"""Kinds whose rates share the annual geopolitical-tension factor (correlated events)."""

ELEMENT_GROUPS: dict[str, frozenset[str]] = {
    "all": frozenset(),
    "apr2025": frozenset({"Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"}),
    "oct2025": frozenset({"Ho", "Er", "Tm", "Eu", "Yb"}),
}
"""Element groups China has restricted; ``all`` (empty set) means every separated product."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HistoricalEvent(_Row):
    """A dated, sourced disruption (one row of ``events.csv``)."""

    id: str = Field(min_length=1)
    kind: Kind
    actor: str = Field(min_length=1, description="supplier region, or 'all' for logistics")
    group: str = Field("", description="element group (restrictions) or stage (outages)")
    importers: str = Field("", description="'all' or space-separated regions (restrictions)")
    start: Month
    duration_months: float | None = Field(None, gt=0)
    severity: float | None = Field(None, ge=0, le=1)
    delay_days: float | None = Field(None, gt=0)
    modelled: bool
    source: str = Field(min_length=1)
    source_year: int | None = None
    url: str = ""
    note: str = ""
    confidence: Literal["high", "medium", "low"]
    duration_lower: float | None = None
    duration_upper: float | None = None
    severity_lower: float | None = None
    severity_upper: float | None = None

    @model_validator(mode="after")
    def _complete(self) -> HistoricalEvent:
        if self.modelled:
            if self.duration_months is None:
                raise ValueError("duration_months: a modelled event needs its duration")
            if self.kind == "logistics" and self.delay_days is None:
                raise ValueError("delay_days: a modelled logistics event needs its delay")
            if self.kind != "logistics" and self.severity is None:
                raise ValueError("severity: a modelled event needs its severity")
        if (
            self.confidence == "low"
            and self.modelled
            and (self.duration_lower is None or self.duration_upper is None)
        ):
            raise ValueError("duration_lower/duration_upper: a low-confidence event gives bounds")
        return self

    @property
    def year(self) -> int:
        """Calendar year of the start."""
        return int(self.start[:4])


class ModelParameter(_Row):
    """One parameter of the event model (one row of ``parameters.csv``)."""

    parameter: str = Field(min_length=1, description="KIND.NAME, e.g. mine_closure.rate_per_year")
    value: float
    unit: str = ""
    confidence: Literal["high", "medium", "low"]
    method: str = Field(min_length=1, description="how the value was obtained")
    source: str = Field(min_length=1)
    note: str = ""
    lower: float | None = None
    upper: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> ModelParameter:
        if self.confidence == "low" and (self.lower is None or self.upper is None):
            raise ValueError("lower/upper: a low-confidence parameter gives bounds")
        if (
            self.lower is not None
            and self.upper is not None
            and not self.lower <= self.value <= self.upper
        ):
            raise ValueError(
                f"value: {self.value} lies outside its bounds [{self.lower}, {self.upper}]"
            )
        return self


@dataclass(frozen=True)
class KindModel:
    """Frequency, severity and duration of one kind of disruption.

    Counts per year are Poisson with mean ``rate_per_year`` (× the year's tension factor
    when ``coupled``); severity is Beta(``severity_a``, ``severity_b``) (logistics: delay in
    days, lognormal); duration in months is lognormal, rounded up to whole months.
    """

    kind: Kind
    rate_per_year: float
    duration_log_mean: float
    duration_log_sd: float
    severity_a: float = 1.0
    severity_b: float = 1.0
    delay_log_mean: float = 0.0
    delay_log_sd: float = 0.0
    coupled: bool = False
    choices: tuple[tuple[str, float], ...] = ()
    """Element groups (restrictions) or stages (outages) with their probabilities."""
    targeted_probability: float = 0.0
    """Restrictions: probability that one importer (not all) is targeted."""


@dataclass(frozen=True)
class EventModel:
    """Every kind's model and the correlation between them."""

    kinds: tuple[KindModel, ...]
    tension_variance: float
    """Variance of the annual tension factor (Gamma, mean 1) shared by coupled kinds."""
    parameters: tuple[ModelParameter, ...] = field(default=(), compare=False)

    def kind(self, kind: str) -> KindModel:
        """Return the model of ``kind``."""
        for k in self.kinds:
            if k.kind == kind:
                return k
        raise KeyError(kind)

    def with_rates(self, rates: dict[str, float]) -> EventModel:
        """Return a copy with some kinds' annual rates replaced (sampled inputs)."""
        from dataclasses import replace

        return replace(
            self,
            kinds=tuple(
                replace(k, rate_per_year=rates.get(k.kind, k.rate_per_year)) for k in self.kinds
            ),
        )


def model_from_parameters(parameters: tuple[ModelParameter, ...]) -> EventModel:
    """Return the event model that ``parameters`` (rows of ``parameters.csv``) describe."""
    values = {p.parameter: p.value for p in parameters}
    kinds = []
    for kind in KINDS:
        prefix = f"{kind}."
        choices = tuple(
            (name.removeprefix(f"{prefix}choice."), value)
            for name, value in values.items()
            if name.startswith(f"{prefix}choice.")
        )
        kinds.append(
            KindModel(
                kind=kind,
                rate_per_year=values[f"{prefix}rate_per_year"],
                duration_log_mean=values[f"{prefix}duration_log_mean"],
                duration_log_sd=values[f"{prefix}duration_log_sd"],
                severity_a=values.get(f"{prefix}severity_a", 1.0),
                severity_b=values.get(f"{prefix}severity_b", 1.0),
                delay_log_mean=values.get(f"{prefix}delay_log_mean", 0.0),
                delay_log_sd=values.get(f"{prefix}delay_log_sd", 0.0),
                coupled=kind in COUPLED_KINDS,
                choices=choices,
                targeted_probability=values.get(f"{prefix}targeted_probability", 0.0),
            )
        )
    return EventModel(
        kinds=tuple(kinds),
        tension_variance=values["tension.variance"],
        parameters=parameters,
    )
