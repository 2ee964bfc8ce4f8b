"""Partnership files (YAML): who cooperates, on which dataset, under which constraints.

A partnership names its members (regions or groups; each member is one player of the
cost-sharing game), the dataset and candidate table, the number of sampled disruption
histories, the objective (``expected``: cost plus the expected value of lost supply;
``cvar``: cost subject to a CVaR limit on lost supply) and the constraints: a budget,
a cap on any single outside region's share of supply at chosen stages by a target year,
and days of cover for strategic stocks. Files are read with the bounded YAML loader (limits
on size, depth and aliases) and every error names the file, the line and the field.

Examples
--------
>>> from reechain.optimize.partnership import bundled_partnership
>>> p = bundled_partnership("us-japan")
>>> p.members, p.horizon_years
(('USA', 'JPN'), 10)
"""

from __future__ import annotations

from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reechain.errors import DatasetError, NotFoundError, Problem
from reechain.names import did_you_mean
from reechain.scenario.yamlfile import load_node


class Objective(StrEnum):
    """What the optimiser minimises."""

    EXPECTED = "expected"
    """Cost plus the expected value of lost supply."""
    CVAR = "cvar"
    """Cost, subject to a CVaR limit on the value of lost supply."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MaxShare(_Model):
    """By ``year``, no single outside region supplies more than ``share`` at these stages."""

    share: Annotated[float, Field(ge=0, le=1)]
    year: Annotated[int, Field(ge=1900, le=2200)]
    stages: tuple[str, ...] = Field(min_length=1)


class Cover(_Model):
    """A strategic stock of ``commodity`` held by ``holder`` of at least ``days`` of its use."""

    holder: str
    commodity: str
    days: Annotated[float, Field(ge=0, le=3650)]


class Cvar(_Model):
    """CVaR of the value of lost supply at ``level`` (e.g. 0.95), capped at ``limit_usd``."""

    level: Annotated[float, Field(ge=0, lt=1)] = 0.95
    limit_usd: Annotated[float, Field(ge=0)] | None = None


class Partnership(_Model):
    """A partnership file, validated."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$")]
    title: str = ""
    members: tuple[str, ...] = Field(min_length=1, max_length=16)
    dataset: str = "default"
    candidates: str = "default"
    horizon_years: Annotated[int, Field(ge=1, le=50)] = 10
    steps_per_year: Annotated[int, Field(ge=1, le=12)] = 1
    scenarios: Annotated[int, Field(ge=1, le=100_000)] = 200
    out_of_sample: Annotated[int, Field(ge=0, le=100_000)] = 500
    seed: Annotated[int, Field(ge=0)] = 0
    objective: Objective = Objective.EXPECTED
    value_of_lost_output_share: Annotated[float, Field(gt=0, le=1)] = 0.3
    discount_rate: Annotated[float, Field(ge=0, le=1)] = 0.0
    budget_usd: Annotated[float, Field(ge=0)] | None = None
    max_share: MaxShare | None = None
    days_of_cover: tuple[Cover, ...] = ()
    cvar: Cvar = Cvar()
    mip_gap: Annotated[float, Field(ge=0, le=1)] = 1e-3
    time_limit_s: Annotated[float, Field(gt=0)] = 300.0


PARTNERSHIP_DIR = "partnerships"


def bundled_partnerships() -> dict[str, Path]:
    """Return the bundled partnership files by name."""
    folder = resources.files("reechain.optimize") / "bundled" / PARTNERSHIP_DIR
    return {
        Path(str(p)).stem: Path(str(p))
        for p in folder.iterdir()
        if str(p).endswith((".yaml", ".yml"))
    }


def bundled_partnership(name: str) -> Partnership:
    """Return the bundled partnership ``name`` (e.g. ``us-japan``)."""
    return load_partnership(name)


def load_partnership(name_or_path: str | Path) -> Partnership:
    """Return a partnership from a YAML file or a bundled name; DatasetError when invalid."""
    path = Path(name_or_path)
    if path.suffix.lower() not in (".yaml", ".yml") and not path.exists():
        bundled = bundled_partnerships()
        if str(name_or_path) not in bundled:
            hint = did_you_mean(str(name_or_path), list(bundled))
            raise NotFoundError(
                f"no partnership named {str(name_or_path)!r} (not a file, not bundled; "
                f"bundled: {', '.join(sorted(bundled))})" + (f"; {hint}" if hint else "")
            )
        path = bundled[str(name_or_path)]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFoundError(f"{path}: cannot read the partnership file ({exc})") from exc
    return parse_partnership(text, str(path))


def parse_partnership(text: str, file: str = "<partnership>") -> Partnership:
    """Return the partnership in YAML ``text``; DatasetError naming file, line and field."""
    try:
        node, data = load_node(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        problem = str(getattr(exc, "problem", None) or "invalid YAML")  # no quoted lines
        raise DatasetError([Problem(file, line, None, None, "valid YAML", problem)]) from None
    if not isinstance(data, dict):
        raise DatasetError([Problem(file, 1, None, type(data).__name__, "a mapping of fields")])
    try:
        return Partnership.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            problems.append(
                Problem(
                    file,
                    _line_of(node, loc),
                    ".".join(str(p) for p in loc) or None,
                    _found(data, loc),
                    err["msg"],
                )
            )
        raise DatasetError(problems) from None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """Return the 1-based line of the YAML node at ``loc`` (its nearest existing parent)."""
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if k.value == part]
            if not match:
                return line
            key, node = match[0]
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _found(data: Any, loc: tuple[Any, ...]) -> str | None:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return None if isinstance(data, dict | list) else str(data)
