"""Demand scenarios: the two bundled families and user-defined ones written in YAML.

A demand scenario starts from a *family* of the demand tables (``stated``, a
stated-policies-like path, or ``accelerated``, an announced-pledges-like path) and may
adjust it. Every adjustment is a path given at anchor years (interpolated linearly, flat
outside), as in this file::

    name: fast-recycling
    based_on: stated            # stated | accelerated
    description: stated drivers, EU-style magnet take-back from 2030
    inflow_timing: middle       # start | middle | end (see reechain.demand.lifetimes)
    activity_multiplier:        # × the family's world activity, by sector
      ev_traction_motor: {2030: 1.1, 2050: 1.2}
    re_share:                   # replaces the share of units with rare-earth magnets
      wind_generator: {2030: 0.6}
    intensity_multiplier:       # × kg per unit, by sector and element
      ev_traction_motor: {Dy: {2024: 1.0, 2035: 0.5}}
    substitution:               # changes an option's adoption curve, in every sector it has
      ree_free_motor: {max_adoption: 0.4, midpoint_year: 2032}
    recycling:
      ev_traction_motor: {collection_rate: {2035: 0.8}, recovery_rate: {2035: 0.95}}
    lifetimes:
      ev_traction_motor: {distribution: lognormal, mean_years: 16, std_years: 5}
    stock_in_use:               # world stock of rare-earth-bearing units: stock-driven mode
      wind_generator: {2024: 400000, 2050: 2500000}

The file is read with YAML's safe loader. Any mistake raises
:class:`~reechain.errors.InputError` naming the file, the line, the field, what was found
and what was expected (``demand.yaml, line 7, recycling.ev_traction_motor.collection_rate.2035:
got 1.7, expected a fraction between 0 and 1``).

Example
-------
>>> from reechain.demand.scenarios import builtin_scenario
>>> builtin_scenario("stated").based_on
'stated'
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from reechain.demand.tables import DemandTables
from reechain.errors import InputError, NotFoundError
from reechain.names import did_you_mean
from reechain.scenario.yamlfile import LineMap, load_yaml

FAMILIES: tuple[str, ...] = ("stated", "accelerated")
"""The bundled scenario families: a stated-policies-like and an accelerated path."""

FIRST_MODEL_YEAR = 2000
"""First year of the stock model: cohorts sold from this year on are tracked."""


def _fraction(value: float) -> float:
    if not 0 <= value <= 1:
        raise PydanticCustomError("fraction", "a fraction between 0 and 1")
    return value


def _non_negative(value: float) -> float:
    if not value >= 0:
        raise PydanticCustomError("non_negative", "a number at or above 0")
    return value


def _year(value: int) -> int:
    if not 1900 <= value <= 2100:
        raise PydanticCustomError("year", "a year between 1900 and 2100")
    return value


Year = Annotated[int, AfterValidator(_year)]
Fraction = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_fraction)]
NonNegative = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_non_negative)]
FractionPath = dict[Year, Fraction]
NonNegativePath = dict[Year, NonNegative]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubstitutionChange(_Model):
    """New parameters for a substitution option's adoption curve (unset ones are kept)."""

    max_adoption: Fraction | None = None
    intensity_cut: Fraction | None = None
    midpoint_year: Year | None = None
    steepness_per_year: Annotated[float, Field(gt=0)] | None = None


class RecyclingChange(_Model):
    """Paths that replace a sector's collection and recovery rates."""

    collection_rate: FractionPath | None = None
    recovery_rate: FractionPath | None = None


class LifetimeSpec(_Model):
    """A lifetime distribution (see :class:`reechain.demand.lifetimes.Lifetime`)."""

    distribution: Literal["normal", "lognormal", "weibull", "fixed"]
    mean_years: Annotated[float, Field(gt=0)] | None = None
    std_years: Annotated[float, Field(gt=0)] | None = None
    shape: Annotated[float, Field(gt=0)] | None = None
    scale_years: Annotated[float, Field(gt=0)] | None = None


class DemandScenario(_Model):
    """A demand scenario: a family of the demand tables and the changes made to it."""

    name: Annotated[str, Field(min_length=1, max_length=64)]
    based_on: Literal["stated", "accelerated"] = "stated"
    description: str = ""
    first_year: Year = 2024
    last_year: Year = 2050
    inflow_timing: Literal["start", "middle", "end"] = "middle"
    activity_multiplier: dict[str, NonNegativePath] = Field(default_factory=dict)
    re_share: dict[str, FractionPath] = Field(default_factory=dict)
    intensity_multiplier: dict[str, dict[str, NonNegativePath]] = Field(default_factory=dict)
    substitution: dict[str, SubstitutionChange] = Field(default_factory=dict)
    recycling: dict[str, RecyclingChange] = Field(default_factory=dict)
    lifetimes: dict[str, LifetimeSpec] = Field(default_factory=dict)
    stock_in_use: dict[str, NonNegativePath] = Field(default_factory=dict)


def builtin_scenario(name: str) -> DemandScenario:
    """Return the bundled scenario family ``name`` (``stated`` or ``accelerated``).

    Raises
    ------
    NotFoundError
        No family has that name.

    Examples
    --------
    >>> builtin_scenario("accelerated").name
    'accelerated'
    """
    if name not in FAMILIES:
        hint = did_you_mean(name, FAMILIES)
        raise NotFoundError(
            f"demand scenario {name!r} not found; bundled ones are {', '.join(FAMILIES)}, "
            "or give a YAML file" + (f"; {hint}" if hint else "")
        )
    return DemandScenario.model_validate({"name": name, "based_on": name})


def parse_scenario(text: str, file: str, tables: DemandTables) -> DemandScenario:
    """Return the demand scenario in YAML ``text``, checked against ``tables``' names.

    Raises
    ------
    InputError
        The YAML is malformed, a field is wrong, or a sector, element or option is
        unknown; the message names ``file``, the line, the field, the value and what was
        expected.

    Examples
    --------
    >>> from reechain.demand.tables import load_demand_tables
    >>> s = parse_scenario("name: x\\nbased_on: accelerated\\n", "x.yaml", load_demand_tables())
    >>> s.based_on
    'accelerated'
    """
    try:
        data, lines = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}, line {mark.line + 1}" if mark is not None else file
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}: {problem}; expected valid YAML") from None
    if not isinstance(data, dict):
        raise InputError(f"{file}: got {type(data).__name__}, expected a mapping of fields")
    try:
        scenario = DemandScenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(_first_problem(exc, file, lines, data)) from None
    _check_names(scenario, file, lines, tables)
    return scenario


def _first_problem(exc: ValidationError, file: str, lines: LineMap, data: Any) -> str:
    err = exc.errors()[0]
    path: tuple[str | int, ...] = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))
    )
    yaml_path = tuple(_yaml_key(p) for p in path)
    line = lines.line(yaml_path)
    field = ".".join(str(p) for p in path) or "(top level)"
    where = f"{file}, line {line}" if line is not None else file
    if err["type"] == "missing":
        return f"{where}, {field}: missing, expected a value"
    if err["type"] == "extra_forbidden":
        return f"{where}, {field}: got an unknown field, expected one of {_fields_at(path)}"
    found = err.get("input")
    expected = _expected(err)
    return f"{where}, {field}: got {found!r}, expected {expected}"


def _yaml_key(part: str | int) -> str | int:
    return str(part) if isinstance(part, int) else part


def _fields_at(path: tuple[str | int, ...]) -> str:
    model: type[BaseModel] = DemandScenario
    if len(path) >= 3 and path[0] == "substitution":
        model = SubstitutionChange
    elif len(path) >= 3 and path[0] == "recycling":
        model = RecyclingChange
    elif len(path) >= 3 and path[0] == "lifetimes":
        model = LifetimeSpec
    return ", ".join(model.model_fields)


def _expected(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx", {})
    if kind in ("fraction", "non_negative", "year"):
        return str(err["msg"])
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "a number"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number (a year)"
    if kind == "greater_than":
        return f"a number above {ctx.get('gt')}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping"
    if kind in ("string_type", "string_too_short"):
        return "a non-empty text"
    return str(err["msg"])


def _check_names(scenario: DemandScenario, file: str, lines: LineMap, tables: DemandTables) -> None:
    sectors = [row.sector for row in tables.sectors]
    elements = sorted({row.element for row in tables.intensities})
    options = sorted({row.option for row in tables.substitution})

    def fail(path: tuple[str, ...], found: str, kind: str, choices: list[str]) -> None:
        line = lines.line(path)
        where = f"{file}, line {line}" if line is not None else file
        hint = did_you_mean(found, choices)
        raise NotFoundError(
            f"{where}, {'.'.join(path)}: got {found!r}, expected {kind} "
            f"({', '.join(choices)})" + (f"; {hint}" if hint else "")
        )

    for key in ("activity_multiplier", "re_share", "recycling", "lifetimes", "stock_in_use"):
        for sector in getattr(scenario, key):
            if sector not in sectors:
                fail((key, sector), sector, "a demand sector", sectors)
    for sector, per_element in scenario.intensity_multiplier.items():
        if sector not in sectors:
            fail(("intensity_multiplier", sector), sector, "a demand sector", sectors)
        for element in per_element:
            if element not in elements:
                fail(("intensity_multiplier", sector, element), element, "an element", elements)
    for option in scenario.substitution:
        if option not in options:
            fail(("substitution", option), option, "a substitution option", options)
    if scenario.first_year > scenario.last_year:
        line = lines.line(("first_year",))
        raise InputError(
            f"{file}, line {line}, first_year: got {scenario.first_year}, expected a year at "
            f"or before last_year ({scenario.last_year}); years out of order"
        )
    if scenario.first_year < FIRST_MODEL_YEAR:
        line = lines.line(("first_year",))
        raise InputError(
            f"{file}, line {line}, first_year: got {scenario.first_year}, "
            f"expected a year from {FIRST_MODEL_YEAR} (the stock model's first cohort)"
        )
