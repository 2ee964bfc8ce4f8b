"""Turn a scenario file into a :class:`~reechain.scenario.models.Scenario`, or say what is wrong.

Every problem names the file, the line, the field path (``events[2].severity``), the value
found and what was expected, with "did you mean" for near misses. Structure and types are
checked by :func:`parse_scenario`; names and dates against a chain by
:func:`check_against_chain`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reechain.chain import Chain
from reechain.errors import InputError
from reechain.names import did_you_mean
from reechain.scenario.models import (
    EVENT_KINDS,
    NESTED,
    POLICY_KINDS,
    CapacityOutage,
    DemandShock,
    ExportRestriction,
    LogisticsDelay,
    NewCapacity,
    Outside,
    PartnerPreference,
    PriceFloor,
    Recycling,
    Scenario,
    SectorPriority,
    StockpilePolicy,
    Substitution,
)
from reechain.scenario.yamlfile import LineMap, Path_, YAMLLimitError, load_yaml


@dataclass(frozen=True)
class ScenarioProblem:
    """One problem in a scenario file: where, what was found, what was expected."""

    file: str
    line: int | None
    field: str
    found: Any
    expected: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line is not None else "")
        if self.field:
            where += f", {self.field}"
        found = "" if self.found is _MISSING else f"got {_show(self.found)}, "
        text = f"{where}: {found}expected {self.expected}"
        return text + (f"; {self.hint}" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready record."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "found": None if self.found is _MISSING else _show(self.found),
            "expected": self.expected,
            "hint": self.hint,
        }


class ScenarioError(InputError):
    """A scenario file has problems; ``problems`` lists every one, the message the first."""

    def __init__(self, problems: Sequence[ScenarioProblem]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(str(self.problems[0]) + suffix)


_MISSING: Any = object()


class _Raw(str):
    """Text shown as it is after "got" (not quoted)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _show(value: Any) -> str:
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def field_path(loc: Iterable[str | int]) -> str:
    """Return a location as a field path: ``("events", 2, "severity")`` → ``events[2].severity``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return data


def read_scenario_text(path: str | Path) -> str:
    """Return the text of the scenario file at ``path``; InputError when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such scenario file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc})") from exc


def parse_scenario(text: str, file: str = "<scenario>") -> tuple[Scenario, LineMap]:
    """Return the scenario in YAML ``text`` and the line of each field.

    Raises
    ------
    ScenarioError
        The text is not YAML, not a mapping, or a field has the wrong type or value.
    """
    try:
        data, lines = load_yaml(text)
    except YAMLLimitError as exc:
        line = None if exc.problem_mark is None else exc.problem_mark.line + 1
        raise ScenarioError(
            [ScenarioProblem(file, line, "", _Raw(exc.found), f"YAML with {exc.expected}")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [ScenarioProblem(file, line, "", _MISSING, f"valid YAML ({problem})")]
        ) from None
    if lines.duplicates:
        raise ScenarioError(
            [
                ScenarioProblem(
                    file,
                    line,
                    field_path(path),
                    _Raw(f"{path[-1]!r} a second time"),
                    "each field once (YAML would silently keep the last)",
                )
                for path, line in lines.duplicates
            ]
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                ScenarioProblem(
                    file,
                    1,
                    "",
                    _Raw(type(data).__name__),  # the type only: never the file's text
                    "a mapping with name, dataset, events, policies",
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(err, data, lines, file) for err in exc.errors()]
        raise ScenarioError(_unique(problems)) from None
    return scenario, lines


def _unique(problems: list[ScenarioProblem]) -> list[ScenarioProblem]:
    seen: dict[tuple[int | None, str, str], ScenarioProblem] = {}
    for p in problems:
        seen.setdefault((p.line, p.field, p.expected), p)
    return list(seen.values())


_KIND_TAGS = set(EVENT_KINDS) | set(POLICY_KINDS)


def _problem(err: Any, data: Any, lines: LineMap, file: str) -> ScenarioProblem:
    loc: list[str | int] = []
    for part in err["loc"]:
        # drop the discriminator tag and union-member names pydantic puts in locations
        if isinstance(part, str) and (
            part in _KIND_TAGS
            or part.startswith(("tuple[", "literal[", "function-"))
            or part in ("Outside", "str", "int", "float")
        ):
            continue
        loc.append(part)
    path = tuple(loc)
    kind = err["type"]
    found = _get(data, path)
    hint = None
    if kind == "missing":
        expected = "a value (this field is required)"
        found = _MISSING
        line = lines.line(path[:-1])
    elif kind == "extra_forbidden":
        allowed = _allowed_fields(data, path[:-1])
        expected = "one of the fields " + ", ".join(allowed) if allowed else "no field here"
        hint = did_you_mean(str(path[-1]), allowed) if allowed else None
        found = _Raw(f"an unknown field {str(path[-1])!r}")
        line = lines.line(path)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = list(EVENT_KINDS if path and path[0] == "events" else POLICY_KINDS)
        expected = "a kind among " + ", ".join(kinds)
        path = (*path, "kind")
        found = _get(data, path)
        if kind == "union_tag_not_found":
            found = _MISSING
            expected = "a field 'kind': one of " + ", ".join(kinds)
        elif isinstance(found, str):
            hint = did_you_mean(found, kinds)
        line = lines.line(path)
    else:
        expected = _expected(err)
        line = lines.line(path)
        if found is _MISSING:
            found = err.get("input", _MISSING)
        if isinstance(found, dict) and kind in (
            "fraction",
            "severity",
            "target",
            "size",
            "trigger",
        ):
            found = _MISSING
    return ScenarioProblem(file, line, field_path(path), found, expected, hint)


def _expected(err: Any) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in (
        "fraction",
        "positive",
        "non_negative",
        "month",
        "severity",
        "target",
        "size",
        "trigger",
    ):
        return str(err["msg"])
    table = {
        "finite_number": "a finite number (not NaN or infinity)",
        "greater_than_equal": "a number at or above {ge}",
        "greater_than": "a number above {gt}",
        "less_than_equal": "a number at or below {le}",
        "less_than": "a number below {lt}",
        "literal_error": "{expected}",
        "string_pattern_mismatch": "a name of letters, digits, '-', '_', '.' or '+'",
        "too_short": "at least {min_length} item(s)",
        "too_long": "at most {max_length} item(s)",
        "string_too_short": "a non-empty name",
        "string_too_long": "a name of at most {max_length} characters",
    }
    if kind in table:
        return table[kind].format(**ctx)
    if kind.startswith(("float", "int")):
        return "a whole number" if kind.startswith("int") else "a number"
    if kind.startswith(("tuple", "list")):
        return "a list (e.g. [CHN, JPN])"
    if kind.startswith("string"):
        return "text"
    if kind.startswith(("model", "dict")):
        return "a mapping of fields"
    return str(err["msg"]).removeprefix("Value error, ")


def _allowed_fields(data: Any, path: Path_) -> list[str]:
    model: type[BaseModel] | None = Scenario
    if len(path) >= 2 and path[0] in ("events", "policies") and isinstance(path[1], int):
        kinds = EVENT_KINDS if path[0] == "events" else POLICY_KINDS
        model = kinds.get(str(_get(data, (*path[:2], "kind"))))
        if len(path) >= 3:
            model = NESTED.get(str(path[2]))
    elif path:
        model = None
    return list(model.model_fields) if model is not None else []


# --- against a chain -----------------------------------------------------------------------


def month_index(chain: Chain, month: str) -> int:
    """Return the engine month of ``YYYY-MM``: 0 is January of the year after the base year."""
    year, mon = (int(x) for x in month.split("-"))
    return (year - (chain.base_year + 1)) * 12 + (mon - 1)


def check_against_chain(
    scenario: Scenario, chain: Chain, lines: LineMap | None = None, file: str = "<scenario>"
) -> None:
    """Check every name and date of ``scenario`` against ``chain``; raise ScenarioError if any.

    Names: regions (or groups where a group is allowed), commodities, sectors, stages,
    processes. Dates: not before month 0 (January after the base year) and within the horizon.
    """
    lines = lines or LineMap()
    problems: list[ScenarioProblem] = []
    regions, groups = list(chain.regions), list(chain.groups)

    def bad(path: Path_, value: Any, expected: str, choices: Sequence[str]) -> None:
        problems.append(
            ScenarioProblem(
                file,
                lines.line(path),
                field_path(path),
                value,
                expected,
                did_you_mean(str(value), choices),
            )
        )

    def region(path: Path_, value: str, *, group_ok: bool = False) -> None:
        choices = regions + (groups if group_ok else [])
        if value not in choices:
            what = "a region or group" if group_ok else "a region"
            bad(path, value, f"{what} of dataset {chain.dataset!r}", choices)

    def names(
        path: Path_, values: Any, known: Sequence[str], what: str, *, group_ok: bool = False
    ) -> None:
        items = (
            [(path, values)]
            if isinstance(values, str)
            else [((*path, i), v) for i, v in enumerate(values)]
        )
        for p, v in items:
            if what == "region":
                region(p, v, group_ok=group_ok)
            elif v not in known:
                bad(p, v, f"a {what} of dataset {chain.dataset!r}", known)

    def month(path: Path_, value: str) -> None:
        t = month_index(chain, value)
        first = f"{chain.base_year + 1}-01"
        if t < 0:
            bad(path, value, f"a month from {first} (month 0 follows the base year)", [])
        elif t >= scenario.horizon_months:
            bad(
                path,
                value,
                f"a month within the horizon of {scenario.horizon_months} months from {first}",
                [],
            )

    commodities, sectors, stages = list(chain.commodities), list(chain.sectors), list(chain.stages)
    for i, e in enumerate(scenario.events):
        at: Path_ = ("events", i)
        month((*at, "start"), e.start)
        if isinstance(e, ExportRestriction):
            region((*at, "exporter"), e.exporter)
            names((*at, "commodities"), list(e.commodities), commodities, "commodity")
            _importers(e.importers, (*at, "importers"), region, names)
            if e.end_uses is not None:
                names((*at, "end_uses"), list(e.end_uses), sectors, "sector")
            if e.licensing is not None and e.licensing.general_licences:
                names(
                    (*at, "licensing", "general_licences"),
                    list(e.licensing.general_licences),
                    [],
                    "region",
                    group_ok=True,
                )
            if e.reexport is not None:
                names(
                    (*at, "reexport", "commodities"),
                    list(e.reexport.commodities),
                    commodities,
                    "commodity",
                )
        elif isinstance(e, CapacityOutage):
            if e.process is not None and e.process not in chain.processes:
                bad(
                    (*at, "process"),
                    e.process,
                    f"a process of dataset {chain.dataset!r}",
                    chain.processes,
                )
            if e.region is not None:
                region((*at, "region"), e.region)
            if e.stage is not None and e.stage not in stages:
                bad((*at, "stage"), e.stage, "a stage", stages)
        elif isinstance(e, LogisticsDelay):
            if e.exporters != "all":
                names((*at, "exporters"), list(e.exporters), regions, "region", group_ok=True)
            _importers(e.importers, (*at, "importers"), region, names)
            if e.commodities != "all":
                names((*at, "commodities"), list(e.commodities), commodities, "commodity")
        elif isinstance(e, DemandShock):
            if e.sectors != "all":
                names((*at, "sectors"), list(e.sectors), sectors, "sector")
            if e.regions != "all":
                names((*at, "regions"), list(e.regions), regions, "region", group_ok=True)
    for i, p in enumerate(scenario.policies):
        at = ("policies", i)
        if isinstance(p, StockpilePolicy):
            region((*at, "holder"), p.holder)
            names((*at, "commodity"), p.commodity, commodities, "commodity")
            if p.trigger.date is not None:
                month((*at, "trigger", "date"), p.trigger.date)
            if p.size_t is None and p.size_days is None:
                held = [
                    k
                    for k in range(len(chain.stockpile_holder))
                    if chain.regions[chain.stockpile_holder[k]] == p.holder
                    and chain.commodities[chain.stockpile_commodity[k]] == p.commodity
                ]
                if not held and p.holder in regions and p.commodity in commodities:
                    bad(
                        (*at, "size_t"),
                        _MISSING,
                        "size_t or size_days (the dataset has no "
                        f"stockpile of {p.commodity} held by {p.holder})",
                        [],
                    )
        elif isinstance(p, NewCapacity):
            month((*at, "start"), p.start)
            region((*at, "region"), p.region)
            if p.stage not in stages:
                bad((*at, "stage"), p.stage, "a stage", stages)
            if p.recipe is not None and p.recipe not in chain.recipes:
                bad((*at, "recipe"), p.recipe, "a recipe", chain.recipes)
            if p.offtake is not None:
                names((*at, "offtake"), list(p.offtake), regions, "region", group_ok=True)
        elif isinstance(p, Recycling):
            month((*at, "start"), p.start)
            region((*at, "region"), p.region)
            names((*at, "commodity"), p.commodity, commodities, "commodity")
        elif isinstance(p, Substitution):
            month((*at, "start"), p.start)
            names((*at, "sector"), p.sector, sectors, "sector")
            names((*at, "commodity"), p.commodity, commodities, "commodity")
            if p.regions != "all":
                names((*at, "regions"), list(p.regions), regions, "region", group_ok=True)
        elif isinstance(p, PartnerPreference):
            partners = p.partners if isinstance(p.partners, str) else list(p.partners)
            names((*at, "partners"), partners, regions, "region", group_ok=True)
            if p.commodities != "all":
                names((*at, "commodities"), list(p.commodities), commodities, "commodity")
        elif isinstance(p, PriceFloor):
            month((*at, "start"), p.start)
            names((*at, "commodity"), p.commodity, commodities, "commodity")
            names((*at, "producers"), list(p.producers), regions, "region", group_ok=True)
            region((*at, "payer"), p.payer)
        elif isinstance(p, SectorPriority):
            names((*at, "sectors"), list(p.sectors), sectors, "sector")
            if p.regions != "all":
                names((*at, "regions"), list(p.regions), regions, "region", group_ok=True)
    if problems:
        raise ScenarioError(problems)


def _importers(importers: Any, path: Path_, region: Any, names: Any) -> None:
    if importers == "all":
        return
    if isinstance(importers, Outside):
        region((*path, "outside"), importers.outside, group_ok=True)
        return
    names(path, list(importers), [], "region", group_ok=True)


def load_scenario(
    source: str | Path, chain: Chain | None = None, *, text: str | None = None
) -> Scenario:
    """Return the validated scenario in file ``source`` (or in ``text``, named ``source``).

    With ``chain``, names and dates are checked against it as well.

    Examples
    --------
    >>> from reechain.scenario import load_scenario, library_path
    >>> load_scenario(library_path("baseline")).name
    'baseline'
    """
    file = str(source)
    body = read_scenario_text(source) if text is None else text
    scenario, lines = parse_scenario(body, file)
    if chain is not None:
        check_against_chain(scenario, chain, lines, file)
    return scenario
