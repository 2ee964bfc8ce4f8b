"""The scenario file as typed objects: events and policies, one pydantic model per kind.

A scenario names a dataset and a horizon, and lists events (what goes wrong) and policies
(what is done about it). Dates are months ``YYYY-MM``; durations are whole months;
quantities are in the commodity's own unit (tonnes unless the unit says otherwise) per
year, as in the dataset. Names (regions, commodities, sectors …) are checked against a
chain by :func:`reechain.scenario.check_against_chain`, not here.

Example
-------
>>> from reechain.scenario.models import Scenario
>>> s = Scenario.model_validate({"name": "x", "dataset": "sample", "horizon_months": 12})
>>> s.events, s.policies
((), ())
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reechain.finite import FiniteFloat


def _fraction(value: float) -> float:
    if not 0 <= value <= 1:
        raise PydanticCustomError("fraction", "a fraction between 0 and 1")
    return value


def _positive(value: float) -> float:
    if not value > 0:
        raise PydanticCustomError("positive", "a number above 0")
    return value


def _non_negative(value: float) -> float:
    if not value >= 0:
        raise PydanticCustomError("non_negative", "a number at or above 0")
    return value


def _month(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("month", "a month written YYYY-MM (e.g. 2025-04)")
    parts = value.split("-")
    ok = (
        len(parts) == 2
        and len(parts[0]) == 4
        and parts[0].isdigit()
        and len(parts[1]) == 2
        and parts[1].isdigit()
        and 1 <= int(parts[1]) <= 12
    )
    if not ok:
        raise PydanticCustomError("month", "a month written YYYY-MM (e.g. 2025-04)")
    return value


Fraction = Annotated[FiniteFloat, AfterValidator(_fraction)]
Positive = Annotated[FiniteFloat, AfterValidator(_positive)]
NonNegative = Annotated[FiniteFloat, AfterValidator(_non_negative)]
Month = Annotated[str, BeforeValidator(_month)]
Months = Annotated[int, Field(ge=1, le=1200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Outside(_Model):
    """Every region outside a group (or outside one region)."""

    outside: Name = Field(description="group or region whose members are not targeted")


Importers = Literal["all"] | tuple[Name, ...] | Outside
"""Targeted importers: ``all``, a list of regions or groups, or ``{outside: GROUP}``."""


class ReexportRule(_Model):
    """Third-country exports of products restricted by their true-origin content."""

    commodities: tuple[Name, ...] = Field(min_length=1, description="products covered")
    threshold: Fraction = Field(
        0.001, description="restricted-origin content (mass fraction) at which a product is covered"
    )


class Licensing(_Model):
    """An export licence requirement as announced: who applies, how long review takes,
    what share is approved, and who holds a general licence (exempt).

    The engine turns it into shipments: nothing licensed in the first
    ``processing_working_days`` of the window, then ``applications`` × ``approval_share``
    of the former exports of each targeted link. What the announcement leaves unsaid (the
    review time, the approval share) is the market's calibrated default
    (:class:`reechain.engine.market.MarketParameters`).
    """

    applications: Fraction = Field(
        1.0, description="share of former exports for which licences are applied for"
    )
    processing_working_days: NonNegative | None = Field(
        None, description="review time of an application; None: the calibrated default"
    )
    approval_share: Fraction | None = Field(
        None, description="share of applied-for exports approved; None: the calibrated default"
    )
    general_licences: tuple[Name, ...] = Field(
        (), description="importers (regions or groups) under a general licence: not restricted"
    )


class ExportRestriction(_Model):
    """An exporter withholds part of its exports of some commodities from some importers:
    a physical cut (``severity``), a quota, or a licence requirement (``licensing``)."""

    kind: Literal["export_restriction"]
    exporter: Name
    commodities: tuple[Name, ...] = Field(min_length=1)
    importers: Importers = "all"
    end_uses: tuple[Name, ...] | None = Field(
        None, description="sectors whose users are refused (e.g. defence); None: all users"
    )
    reexport: ReexportRule | None = None
    start: Month
    duration_months: Months
    severity: Fraction | None = Field(None, description="fraction of baseline exports withheld")
    quota_t_per_year: NonNegative | None = Field(
        None, description="exports allowed per link, commodity units per year"
    )
    licensing_delay_working_days: NonNegative = 0.0
    licensing: Licensing | None = Field(
        None, description="a licence requirement as announced (instead of severity or quota)"
    )

    @model_validator(mode="after")
    def _one_severity(self) -> ExportRestriction:
        given = [x is not None for x in (self.severity, self.quota_t_per_year, self.licensing)]
        if not any(given):
            raise PydanticCustomError(
                "severity", "severity (a fraction withheld), quota_t_per_year or licensing"
            )
        if sum(given) > 1:
            raise PydanticCustomError(
                "severity", "one of severity, quota_t_per_year and licensing, not several"
            )
        if self.licensing is not None and self.licensing_delay_working_days:
            raise PydanticCustomError(
                "severity",
                "licensing.processing_working_days instead of licensing_delay_working_days",
            )
        return self


class Recovery(_Model):
    """How capacity comes back after an outage: at once (step) or linearly over months."""

    curve: Literal["step", "linear"] = "step"
    months: Annotated[int, Field(ge=0, le=1200)] = 0


class CapacityOutage(_Model):
    """A share of a process's capacity (or of every process of a region and stage) is lost."""

    kind: Literal["capacity_outage"]
    process: Name | None = None
    region: Name | None = None
    stage: Name | None = None
    fraction: Fraction
    start: Month
    duration_months: Months
    recovery: Recovery = Recovery()

    @model_validator(mode="after")
    def _target(self) -> CapacityOutage:
        if (self.process is None) == (self.region is None or self.stage is None):
            raise PydanticCustomError("target", "either process, or region and stage")
        return self


class LogisticsDelay(_Model):
    """Shipments on some routes take longer: the first delay's worth of flow does not arrive."""

    kind: Literal["logistics_delay"]
    exporters: tuple[Name, ...] | Literal["all"] = "all"
    importers: Importers = "all"
    commodities: tuple[Name, ...] | Literal["all"] = "all"
    delay_days: Positive
    start: Month
    duration_months: Months


class DemandShock(_Model):
    """End-use output requirement changes by a fraction (e.g. +0.2 or −0.3)."""

    kind: Literal["demand_shock"]
    sectors: tuple[Name, ...] | Literal["all"] = "all"
    regions: tuple[Name, ...] | Literal["all"] = "all"
    change: Annotated[FiniteFloat, Field(ge=-1, le=10)]
    start: Month
    duration_months: Months | None = None


Event = Annotated[
    ExportRestriction | CapacityOutage | LogisticsDelay | DemandShock, Field(discriminator="kind")
]


class Trigger(_Model):
    """When a stockpile releases: from a date, on a shortfall above x %, or a price above k×P₀."""

    date: Month | None = None
    shortfall_pct: Annotated[FiniteFloat, Field(ge=0, le=100)] | None = None
    price_multiple: Annotated[FiniteFloat, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _one(self) -> Trigger:
        given = [x is not None for x in (self.date, self.shortfall_pct, self.price_multiple)]
        if sum(given) != 1:
            raise PydanticCustomError(
                "trigger", "exactly one of date, shortfall_pct, price_multiple"
            )
        return self


class StockpilePolicy(_Model):
    """A strategic stockpile: built (or an existing one activated) and released on a trigger."""

    kind: Literal["stockpile"]
    holder: Name
    commodity: Name
    size_t: NonNegative | None = None
    size_days: NonNegative | None = Field(None, description="days of the holder's baseline use")
    trigger: Trigger
    max_release_t_per_month: Positive
    refill_t_per_month: NonNegative = 0.0

    @model_validator(mode="after")
    def _size(self) -> StockpilePolicy:
        if self.size_t is not None and self.size_days is not None:
            raise PydanticCustomError("size", "either size_t or size_days, not both")
        return self


class NewCapacity(_Model):
    """A new plant: place, stage, capacity, start and ramp-up, and who takes its output."""

    kind: Literal["new_capacity"]
    region: Name
    stage: Name
    capacity_per_year: Positive
    start: Month
    ramp_up_months: Annotated[int, Field(ge=0, le=1200)] = 0
    recipe: Name | None = None
    offtake: tuple[Name, ...] | None = Field(None, description="regions whose sourcing shifts")


class Recycling(_Model):
    """Secondary supply of a commodity in a region, ramping up from a start month."""

    kind: Literal["recycling"]
    region: Name
    commodity: Name
    quantity_t_per_year: Positive
    start: Month
    ramp_up_months: Annotated[int, Field(ge=0, le=1200)] = 0


class Substitution(_Model):
    """Thrifting or substitution: a sector's intensity of a commodity falls after a lag."""

    kind: Literal["substitution"]
    sector: Name
    commodity: Name
    reduction: Fraction
    start: Month
    lag_months: Annotated[int, Field(ge=0, le=1200)] = 0
    regions: tuple[Name, ...] | Literal["all"] = "all"


class PartnerPreference(_Model):
    """Partner suppliers offer their round-2 surplus to partners' requests first."""

    kind: Literal["partner_preference"]
    partners: Name | tuple[Name, ...]
    commodities: tuple[Name, ...] | Literal["all"] = "all"


class PriceFloor(_Model):
    """A guaranteed price for covered producers, paid by a payer when the market is lower."""

    kind: Literal["price_floor"]
    commodity: Name
    floor_usd_per_kg: Positive
    producers: tuple[Name, ...] = Field(min_length=1)
    payer: Name
    start: Month
    duration_months: Months | None = None


class SectorPriority(_Model):
    """Scarce inputs go first to these sectors, in this order (e.g. defence first)."""

    kind: Literal["sector_priority"]
    sectors: tuple[Name, ...] = Field(min_length=1)
    regions: tuple[Name, ...] | Literal["all"] = "all"


Policy = Annotated[
    StockpilePolicy
    | NewCapacity
    | Recycling
    | Substitution
    | PartnerPreference
    | PriceFloor
    | SectorPriority,
    Field(discriminator="kind"),
]

EVENT_KINDS: dict[str, type[_Model]] = {
    "export_restriction": ExportRestriction,
    "capacity_outage": CapacityOutage,
    "logistics_delay": LogisticsDelay,
    "demand_shock": DemandShock,
}
POLICY_KINDS: dict[str, type[_Model]] = {
    "stockpile": StockpilePolicy,
    "new_capacity": NewCapacity,
    "recycling": Recycling,
    "substitution": Substitution,
    "partner_preference": PartnerPreference,
    "price_floor": PriceFloor,
    "sector_priority": SectorPriority,
}
NESTED: dict[str, type[_Model]] = {
    "reexport": ReexportRule,
    "recovery": Recovery,
    "trigger": Trigger,
    "importers": Outside,
    "licensing": Licensing,
}


class Scenario(_Model):
    """A scenario: dataset, horizon, events and policies."""

    name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$")]
    title: str = ""
    description: str = ""
    dataset: Name
    horizon_months: Annotated[int, Field(ge=1, le=1200)] = 24
    demand: str = ""
    """Demand scenario (``stated``, ``accelerated`` or a demand YAML file); empty: flat."""
    events: tuple[Event, ...] = ()
    policies: tuple[Policy, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """Return the scenario as plain data (what a YAML file holds), defaults left out."""
        return self.model_dump(mode="json", exclude_defaults=True) | {
            "name": self.name,
            "dataset": self.dataset,
            "horizon_months": self.horizon_months,
        }
