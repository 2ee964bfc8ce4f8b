"""Candidate interventions as sourced data: one validated row per project, deal or stockpile.

A candidate is something a partnership may choose to pay for. Five kinds, each mapped to
one policy kind of :mod:`reechain.scenario.models` so the engine can run a chosen
portfolio (:func:`reechain.optimize.model.portfolio_to_policies`):

========== ============================================================ ==================
kind       what it is                                                   engine policy
========== ============================================================ ==================
process    a new plant: place, stage, recipe, capacity (activity/yr)    ``new_capacity``
offtake    tonnes a year of named commodities secured from a producer   ``recycling`` (extra
           (``place``) for a partner region (``destination``)           supply, offtaker)
recycling  tonnes a year of recovered commodities in ``place``          ``recycling``
stockpile  a strategic stock of one commodity, size chosen (≤ max)      ``stockpile``
substitution a sector's intensity of a commodity falls by ``reduction`` ``substitution``
========== ============================================================ ==================

Money is in USD (2024 dollars, converted at the rates named in each row's note); capacity
in the commodity's unit per year; ``earliest_start`` is the first year work can begin and
the candidate delivers from ``earliest_start + lead_time_years``. ``chance_of_success`` is
the probability that a built project ever delivers (drawn once per sampled history).
``feed`` says where a process gets its inputs: ``pool`` (from the partnership's own supply
and imports) or ``own`` (the owner brings its feed, e.g. Lynas's Mt Weld concentrate).

Rows carry provenance like the dataset's (``source``, ``source_year``, ``url``, ``note``,
``confidence``). Users add their own candidates in the same format.

Examples
--------
>>> from reechain.optimize.candidates import bundled_candidates
>>> table = bundled_candidates()
>>> table["mp_10x_magnets"].capex_usd
1250000000.0
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from reechain.data.rows import numbered_rows
from reechain.errors import DatasetError, Problem

BUNDLED = "default"
"""Name of the bundled candidate table."""


class CandidateKind(StrEnum):
    """What a candidate is (see the module docstring)."""

    PROCESS = "process"
    OFFTAKE = "offtake"
    RECYCLING = "recycling"
    STOCKPILE = "stockpile"
    SUBSTITUTION = "substitution"


class Feed(StrEnum):
    """Where a process candidate gets its inputs."""

    POOL = "pool"
    OWN = "own"


def _blank_none(value: object) -> object:
    return None if isinstance(value, str) and value.strip() == "" else value


Optional = BeforeValidator(_blank_none)
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Candidate(BaseModel):
    """One candidate intervention (a row of ``candidates.csv``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    candidate: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
    kind: CandidateKind
    title: str
    place: str = Field(description="region of the plant, producer or holder (or a group)")
    destination: Annotated[str | None, Optional] = Field(
        None, description="region receiving the output, when not the place"
    )
    stage: str
    recipe: Annotated[str | None, Optional] = None
    outputs: str = Field(
        "", description="commodities (space separated), with t/yr as NAME=QTY for offtakes"
    )
    sector: Annotated[str | None, Optional] = None
    capacity_per_year: Annotated[NonNegative | None, Optional] = None
    max_size_t: Annotated[NonNegative | None, Optional] = None
    reduction: Annotated[Annotated[float, Field(ge=0, le=1)] | None, Optional] = None
    feed: Annotated[Feed, BeforeValidator(lambda v: _blank_none(v) or "pool")] = Feed.POOL
    capex_usd: Annotated[NonNegative, BeforeValidator(lambda v: _blank_none(v) or 0.0)] = 0.0
    capex_usd_per_t: Annotated[NonNegative | None, Optional] = None
    opex_usd_per_year: Annotated[NonNegative, BeforeValidator(lambda v: _blank_none(v) or 0.0)]
    holding_usd_per_t_year: Annotated[NonNegative | None, Optional] = None
    max_release_t_per_month: Annotated[NonNegative | None, Optional] = None
    lead_time_years: Annotated[int, Field(ge=0, le=50)]
    earliest_start: Annotated[int, Field(ge=1900, le=2200)]
    chance_of_success: Annotated[float, Field(ge=0, le=1)]
    owner: str
    partner: str = Field(description="the partnership member (region or group) who pays")
    source: Annotated[str, Field(min_length=1)]
    source_year: int
    url: str
    note: str = ""
    confidence: Annotated[str, Field(pattern=r"^(high|medium|low)$")]

    @property
    def first_year(self) -> int:
        """First calendar year the candidate delivers."""
        return self.earliest_start + self.lead_time_years

    def output_quantities(self) -> dict[str, float]:
        """Return commodity → t/yr for ``NAME=QTY`` outputs (offtake, recycling)."""
        out: dict[str, float] = {}
        for item in self.outputs.split():
            name, _, qty = item.partition("=")
            if qty:
                out[name] = float(qty)
        return out

    def output_names(self) -> tuple[str, ...]:
        """Return the commodities named in ``outputs``."""
        return tuple(item.partition("=")[0] for item in self.outputs.split())


_REQUIRED: dict[CandidateKind, tuple[str, ...]] = {
    CandidateKind.PROCESS: ("recipe", "capacity_per_year"),
    CandidateKind.OFFTAKE: ("destination",),
    CandidateKind.RECYCLING: (),
    CandidateKind.STOCKPILE: ("max_size_t", "capex_usd_per_t", "holding_usd_per_t_year"),
    CandidateKind.SUBSTITUTION: ("sector", "reduction"),
}


@dataclass(frozen=True)
class CandidateTable(Mapping[str, Candidate]):
    """Validated candidates by name, in file order, with the file they came from."""

    rows: tuple[Candidate, ...]
    file: str = "candidates.csv"

    def __getitem__(self, name: str) -> Candidate:
        for row in self.rows:
            if row.candidate == name:
                return row
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (row.candidate for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _output_problems(row: Candidate, file: str, line: int) -> list[Problem]:
    """Offtakes and recycling name NAME=QTY outputs; stockpiles one commodity."""
    items = row.outputs.split()
    if row.kind in (CandidateKind.OFFTAKE, CandidateKind.RECYCLING):
        try:
            quantities = row.output_quantities()
        except ValueError:
            quantities = {}
        if not items or len(quantities) != len(items) or min(quantities.values()) <= 0:
            return [Problem(file, line, "outputs", row.outputs, "COMMODITY=T_PER_YEAR items (> 0)")]
    if row.kind is CandidateKind.STOCKPILE and len(items) != 1:
        return [Problem(file, line, "outputs", row.outputs, "the one commodity stockpiled")]
    if row.kind is CandidateKind.SUBSTITUTION and not items:
        return [Problem(file, line, "outputs", row.outputs, "the commodity thrifted")]
    return []


def bundled_candidates_path() -> Path:
    """Return the path of the bundled ``candidates.csv``."""
    return Path(str(resources.files("reechain.optimize") / "bundled" / "candidates.csv"))


def bundled_candidates() -> CandidateTable:
    """Return the bundled candidate interventions, validated."""
    path = bundled_candidates_path()
    return parse_candidates(path.read_text(encoding="utf-8"), path.name)


def read_candidates(path: str | Path) -> CandidateTable:
    """Return the candidates of a CSV file (the bundled format); DatasetError lists problems."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(
            [Problem(str(file), None, None, None, "a readable CSV file", str(exc))]
        ) from exc
    return parse_candidates(text, str(file))


def parse_candidates(text: str, file: str = "candidates.csv") -> CandidateTable:
    """Return the candidates in CSV ``text``; DatasetError with file, line and field."""
    problems: list[Problem] = []
    rows: list[Candidate] = []
    seen: set[str] = set()
    for number, row in numbered_rows(text, Candidate, file, problems, blanks=True):
        for column in _REQUIRED[row.kind]:
            if getattr(row, column) is None:
                problems.append(
                    Problem(file, number, column, "", f"a value for a {row.kind} candidate")
                )
        problems += _output_problems(row, file, number)
        if row.candidate in seen:
            problems.append(Problem(file, number, "candidate", row.candidate, "a unique name"))
        seen.add(row.candidate)
        rows.append(row)
    if problems:
        raise DatasetError(problems)
    return CandidateTable(tuple(rows), file)
