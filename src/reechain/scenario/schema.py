"""The scenario file format as records: every field of every kind, with its type, unit,
default, meaning and an example value.

Read from the pydantic models of :mod:`reechain.scenario.models`, so a field added there
appears here at once; :data:`DESCRIPTIONS`, :data:`UNITS` and :data:`EXAMPLES` supply what a
model does not say, and the tests require every field to have all three (an example that
the model accepts). ``reechain scenario schema`` prints these records.
"""

from __future__ import annotations

from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reechain.scenario.models import EVENT_KINDS, NESTED, POLICY_KINDS, Scenario

DESCRIPTIONS: dict[str, str] = {
    "name": "the scenario's name (letters, digits and _ . + -); how it is saved and run",
    "title": "a one-line title shown in listings and briefings",
    "description": "free text: what the scenario represents and its sources",
    "dataset": "the dataset whose chain the scenario runs on (stored or bundled name)",
    "horizon_months": "months simulated from January of the dataset's base year",
    "demand": "demand path: stated, accelerated or a demand YAML file; empty: flat demand",
    "events": "what goes wrong: a list of events, each with its kind",
    "policies": "what is done about it: a list of policies, each with its kind",
    "kind": "which event or policy this is",
    "exporter": "the exporting region",
    "exporters": "exporting regions, or all",
    "importers": "targeted importers: all, a list of regions or groups, or {outside: GROUP}",
    "commodities": "commodities covered",
    "commodity": "the commodity",
    "end_uses": "sectors whose users are refused (e.g. defence); empty: every user",
    "reexport": "third-country exports covered by their restricted-origin content",
    "start": "first month the event or policy applies",
    "duration_months": "how many months it lasts (empty: to the end of the horizon)",
    "severity": "fraction of baseline exports withheld",
    "quota_t_per_year": "exports allowed per link",
    "licensing_delay_working_days": "working days a shipment waits for its export licence",
    "process": "one process (plant) by its id",
    "region": "the region",
    "regions": "regions covered, or all",
    "stage": "the chain stage (mine, separate, metal, magnet, use)",
    "fraction": "share of capacity lost",
    "recovery": "how capacity comes back after the outage",
    "curve": "step: all at once at the end; linear: over the recovery months",
    "months": "months over which capacity comes back",
    "delay_days": "extra transit time; the first delay's worth of flow does not arrive",
    "sectors": "end-use sectors covered",
    "sector": "the end-use sector",
    "change": "relative change of end-use requirement (+0.2 = 20 % more)",
    "holder": "the region (or group) that holds the stockpile",
    "size_t": "stockpile size",
    "size_days": "stockpile size as days of the holder's baseline use",
    "trigger": "when the stockpile releases",
    "date": "release from this month",
    "shortfall_pct": "release when the holder's shortfall exceeds this share of its use",
    "price_multiple": "release when the price exceeds this multiple of the baseline price",
    "max_release_t_per_month": "most the stockpile releases in a month",
    "refill_t_per_month": "most the stockpile buys back in a month once the trigger clears",
    "capacity_per_year": "capacity of the new plant, in its output commodity's units",
    "ramp_up_months": "months from start to full capacity (linear)",
    "recipe": "the recipe the plant runs (default: the stage's usual recipe in the region)",
    "offtake": "regions whose sourcing shifts towards the new plant",
    "quantity_t_per_year": "secondary supply at full ramp-up",
    "reduction": "fraction of the sector's intensity of the commodity saved",
    "lag_months": "months before the reduction takes effect",
    "partners": "a partner group, or a list of regions",
    "floor_usd_per_kg": "the guaranteed price",
    "producers": "regions whose producers are covered",
    "payer": "the region that pays the gap between floor and market price",
    "threshold": "restricted-origin content (mass fraction) at which a product is covered",
    "outside": "group or region whose members are not targeted",
    "licensing": "a licence requirement as announced: applications, review, approvals",
}
"""What each field means, where the model's own ``description`` is empty."""

UNITS: dict[str, str] = {
    "horizon_months": "months",
    "duration_months": "months",
    "months": "months",
    "ramp_up_months": "months",
    "lag_months": "months",
    "severity": "fraction 0–1",
    "fraction": "fraction 0–1",
    "reduction": "fraction 0–1",
    "threshold": "mass fraction 0–1",
    "change": "fraction (−1 to 10)",
    "quota_t_per_year": "t/yr (commodity units)",
    "quantity_t_per_year": "t/yr (commodity units)",
    "capacity_per_year": "commodity units/yr",
    "size_t": "t (commodity units)",
    "size_days": "days",
    "max_release_t_per_month": "t/month",
    "refill_t_per_month": "t/month",
    "delay_days": "days",
    "licensing_delay_working_days": "working days",
    "shortfall_pct": "% of use",
    "price_multiple": "× baseline price",
    "floor_usd_per_kg": "USD/kg",
    "applications": "fraction 0–1 of former exports",
    "processing_working_days": "working days",
    "approval_share": "fraction 0–1",
    "start": "month YYYY-MM",
    "date": "month YYYY-MM",
}
"""Units of the fields that have one (names, lists and choices have none)."""

EXAMPLES: dict[str, Any] = {
    "name": "cn-dy-ban",
    "title": "China stops Dy oxide exports to Japan",
    "description": "A hypothetical six-month stop.",
    "dataset": "default",
    "horizon_months": 24,
    "demand": "stated",
    "events": [],
    "policies": [],
    "exporter": "CHN",
    "exporters": ["CHN"],
    "importers": ["JPN", "USA"],
    "commodities": ["Dy2O3", "Tb4O7"],
    "commodity": "Dy2O3",
    "end_uses": ["defence_systems"],
    "reexport": {"commodities": ["NdFeB_sintered_highdy"], "threshold": 0.001},
    "start": "2025-04",
    "duration_months": 6,
    "severity": 0.5,
    "quota_t_per_year": 100.0,
    "licensing_delay_working_days": 45,
    "process": "sep_CHN_1",
    "region": "JPN",
    "regions": ["JPN"],
    "stage": "separate",
    "fraction": 0.3,
    "recovery": {"curve": "linear", "months": 3},
    "curve": "linear",
    "months": 3,
    "delay_days": 30,
    "sectors": ["ev_traction_motor"],
    "sector": "ev_traction_motor",
    "change": 0.2,
    "holder": "JPN",
    "size_t": 500.0,
    "size_days": 60,
    "trigger": {"shortfall_pct": 5},
    "date": "2025-06",
    "shortfall_pct": 5,
    "price_multiple": 2.0,
    "max_release_t_per_month": 50.0,
    "refill_t_per_month": 10.0,
    "capacity_per_year": 2000.0,
    "ramp_up_months": 12,
    "recipe": "sep_standard",
    "offtake": ["JPN", "USA"],
    "quantity_t_per_year": 300.0,
    "reduction": 0.2,
    "lag_months": 12,
    "partners": "us-japan",
    "floor_usd_per_kg": 110.0,
    "producers": ["USA", "AUS"],
    "payer": "USA",
    "threshold": 0.001,
    "outside": "allies",
    "licensing": {"applications": 1.0, "approval_share": 0.5, "general_licences": ["KOR"]},
    "applications": 1.0,
    "processing_working_days": 45,
    "approval_share": 0.5,
    "general_licences": ["KOR"],
}
"""An example value of each field, valid for the model it belongs to."""


def _sections() -> list[tuple[str, str, type[BaseModel]]]:
    """(section, kind, model) for the scenario, each event and policy kind, and nested parts."""
    out: list[tuple[str, str, type[BaseModel]]] = [("scenario", "", Scenario)]
    out += [("event", kind, model) for kind, model in EVENT_KINDS.items()]
    out += [("policy", kind, model) for kind, model in POLICY_KINDS.items()]
    out += [("part", field, model) for field, model in NESTED.items()]
    return out


def schema_records() -> list[dict[str, Any]]:
    """Return every field of the scenario format: section, kind, field, type, unit,
    required, default, description and example."""
    records = []
    for section, kind, model in _sections():
        for name, field in model.model_fields.items():
            if name == "kind":
                continue
            default = None if field.is_required() else field.get_default(call_default_factory=True)
            records.append(
                {
                    "section": section,
                    "kind": kind,
                    "field": name,
                    "type": _field_type(name, field),
                    "unit": UNITS.get(name, ""),
                    "required": field.is_required(),
                    "default": _plain(default),
                    "description": field.description or DESCRIPTIONS.get(name, ""),
                    "example": EXAMPLES.get(name),
                }
            )
    return records


def _plain(value: Any) -> Any:
    """A default as it would be written in YAML (models as mappings, tuples as lists)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, tuple):
        return list(value)
    return value


_CHECKS = {
    "_fraction": "number 0–1",
    "_positive": "number > 0",
    "_non_negative": "number ≥ 0",
    "_month": "month",
}


LISTS = {
    "events": "list of events (see section event)",
    "policies": "list of policies (see section policy)",
}


def _field_type(name: str, field: FieldInfo) -> str:
    """A field's type in words, with the checks pydantic keeps in ``field.metadata``."""
    if name in LISTS:
        return LISTS[name]
    if field.metadata:
        return type_text(Annotated[(field.annotation, *field.metadata)])
    return type_text(field.annotation)


def type_text(annotation: object) -> str:
    """Return a field's type in words: ``number 0–1``, ``list of names``, ``one of step, linear``.

    >>> from typing import Literal
    >>> type_text(Literal["step", "linear"])
    'one of step, linear'
    """
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        bounds: dict[str, object] = {}
        for meta in args[1:]:
            check = getattr(getattr(meta, "func", None), "__name__", "")
            if check in _CHECKS:
                return _CHECKS[check]
            if hasattr(meta, "max_length") and args[0] is str:
                return "name"
            for part in (meta, *getattr(meta, "metadata", ())):
                bounds |= {k: getattr(part, k) for k in ("ge", "le") if hasattr(part, k)}
        words = type_text(args[0])
        if "ge" in bounds and "le" in bounds:
            return f"{words} {bounds['ge']}–{bounds['le']}"
        if bounds:
            return f"{words} ≥ {bounds['ge']}" if "ge" in bounds else f"{words} ≤ {bounds['le']}"
        return words
    if origin is Literal:
        return f"'{args[0]}'" if len(args) == 1 else "one of " + ", ".join(map(str, args))
    if origin in (Union, UnionType):
        parts = [type_text(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" (or empty)" if type(None) in args else "")
    if origin is tuple:
        return f"list of {type_text(args[0])}s" if args else "list"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping (" + ", ".join(annotation.model_fields) + ")"
    return {"str": "text", "int": "whole number", "float": "number"}.get(
        getattr(annotation, "__name__", ""), str(annotation)
    )


__all__ = ["DESCRIPTIONS", "EXAMPLES", "UNITS", "schema_records", "type_text"]
