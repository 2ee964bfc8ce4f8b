"""Announced projects on the timeline: which capacity is online in which month, by case.

A project is a row of the dataset's ``pipeline`` table, or a ``building`` / ``planned``
process with a ``start_year`` that no pipeline row names (the dataset says only that it
starts then: it counts with probability 1 and no delay). Months count from month 0, January
of the year after the chain's base year, as in the engine.

Cases (:data:`CASES`):

``operating-only``
    Nothing new: the operating processes of the dataset only.
``announced``
    Every project at its announced start, at full capacity once ramped up.
``expected``
    Each project's start slipped by its expected delay (``delay_years``) and its capacity
    weighted by its chance of reaching production (``probability``): the expected capacity.
    :func:`draw_online` gives one possible future instead (the project succeeds with its
    probability; its delay is exponential with mean ``delay_years``, the memoryless
    "it slips again" shape), and the spread over many draws gives the case's range.

Capacity ramps linearly from 1/ramp in the start month to full after ``ramp_up_months``,
as the ``new_capacity`` policy does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from reechain.chain.model import Chain
from reechain.errors import InputError
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]

CASES: tuple[str, ...] = ("operating-only", "announced", "expected")
"""The pipeline cases, from no new capacity to every announced project on time."""

DEFAULT_RAMP_MONTHS = 24
"""Ramp-up of a dataset process that no pipeline row describes."""

LAST_OUTLOOK_YEAR = 2035
"""Projects are sourced to about this year; later years are extrapolations (a warning)."""


@dataclass(frozen=True)
class Project:
    """One announced project, resolved against a chain (indices into its axes)."""

    name: str
    process: int
    """The chain process it is, −1 for a process the chain does not hold."""
    region: int
    stage: int
    recipe: int
    capacity_per_year: float
    """Activity units per year at full use."""
    start_month: int
    """Announced first month, counted from month 0 (may be negative: already started)."""
    ramp_up_months: int
    max_utilisation: float
    probability: float
    delay_months: float
    """Expected slip of the start, months."""
    offtake: tuple[str, ...]
    """Regions or groups its output serves (empty: every requester)."""
    development_stage: str
    operator: str


@dataclass(frozen=True)
class Online:
    """A project's capacity on the timeline in one case (or one draw)."""

    project: Project
    capacity_per_year: float
    """Capacity counted: the project's, times its probability in the ``expected`` case."""
    start_month: int

    def availability(self, months: int) -> FloatArray:
        """Return (T,) the share of capacity online in each month (0 before the start)."""
        return ramp(months, self.start_month, self.project.ramp_up_months)

    def online_share(self, year: int, base_year: int) -> float:
        """Return the mean share of capacity online over the twelve months of ``year``."""
        first = (year - base_year - 1) * 12 - self.start_month
        ramp_months = self.project.ramp_up_months
        return sum(min(1.0, (k + 1) / ramp_months) for k in range(first, first + 12) if k >= 0) / 12


def ramp(months: int, start: int, ramp_months: int) -> FloatArray:
    """Return (T,) 0 before ``start``, then (k+1)/ramp in the k-th month, capped at 1."""
    k = np.arange(months) - start
    out: FloatArray = np.where(k >= 0, np.minimum(1.0, (k + 1) / max(ramp_months, 1)), 0.0).astype(
        np.float64
    )
    return out


def check_case(case: str) -> str:
    """Return ``case`` when it is one of :data:`CASES`; InputError naming them otherwise."""
    if case not in CASES:
        hint = did_you_mean(case, CASES)
        raise InputError(
            f"case: got {case!r}, expected one of {', '.join(CASES)}"
            + (f"; {hint}" if hint else "")
        )
    return case


def projects(chain: Chain) -> tuple[Project, ...]:
    """Return the chain's announced projects: pipeline rows, then uncovered idle processes.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("default"))
    >>> any(p.name == "AUS_sep_iluka" for p in projects(chain))
    True
    """
    month0 = chain.base_year + 1
    out: list[Project] = []
    named: set[str] = set()
    for row in chain.pipeline:
        named.add(row.process)
        out.append(
            Project(
                name=row.project,
                process=chain.processes.index(row.process)
                if row.process in chain.processes
                else -1,
                region=chain.region_index(row.region),
                stage=chain.stage_index(row.stage),
                recipe=chain.recipes.index(row.recipe),
                capacity_per_year=float(row.capacity_per_year),
                start_month=(row.start_year - month0) * 12 + row.start_month - 1,
                ramp_up_months=row.ramp_up_months,
                max_utilisation=float(row.max_utilisation),
                probability=float(row.probability),
                delay_months=float(row.delay_years) * 12,
                offtake=tuple(row.offtake.split()),
                development_stage=row.development_stage,
                operator=row.operator,
            )
        )
    for p, name in enumerate(chain.processes):
        start = int(chain.process_start_year[p])
        if chain.process_status[p] == "operating" or start < 0 or name in named:
            continue
        out.append(
            Project(
                name=name,
                process=p,
                region=int(chain.process_region[p]),
                stage=int(chain.process_stage[p]),
                recipe=int(chain.process_recipe[p]),
                capacity_per_year=float(chain.capacity_per_year[p]),
                start_month=(start - month0) * 12,
                ramp_up_months=DEFAULT_RAMP_MONTHS,
                max_utilisation=float(chain.max_utilisation[p]),
                probability=1.0,
                delay_months=0.0,
                offtake=(),
                development_stage=chain.process_status[p],
                operator=chain.process_owner[p],
            )
        )
    return tuple(out)


def online(chain: Chain, case: str) -> tuple[Online, ...]:
    """Return the capacity each project brings online in ``case`` (see the module docstring).

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("default"))
    >>> online(chain, "operating-only")
    ()
    >>> len(online(chain, "announced")) == len(projects(chain))
    True
    """
    check_case(case)
    if case == "operating-only":
        return ()
    out = []
    for p in projects(chain):
        if case == "announced":
            out.append(Online(p, p.capacity_per_year, p.start_month))
        else:
            start = p.start_month + round(p.delay_months)
            out.append(Online(p, p.capacity_per_year * p.probability, start))
    return tuple(out)


def draw_online(
    chain: Chain, rng: np.random.Generator, found: Sequence[Project] | None = None
) -> tuple[Online, ...]:
    """Return one possible future: the projects that succeed, each at its drawn start.

    A project succeeds with its probability; its start slips by an exponential delay with
    mean ``delay_months`` (rounded to whole months). ``rng`` makes the draw reproducible.
    """
    items = projects(chain) if found is None else found
    success = rng.random(len(items))
    delay = rng.exponential(1.0, len(items))
    out = []
    for p, u, d in zip(items, success, delay, strict=True):
        if u < p.probability:
            out.append(
                Online(p, p.capacity_per_year, p.start_month + round(float(d) * p.delay_months))
            )
    return tuple(out)


def draw_chain(chain: Chain, rng: np.random.Generator) -> Chain:
    """Return ``chain`` with one drawn future of its pipeline, as its own case.

    Each pipeline row succeeds with its probability (else its capacity is 0) and starts at
    its drawn month (see :func:`draw_online`), with probability 1 and no further delay;
    the engine runs the result in its ``announced`` case (``Chain.pipeline_case``). A Monte
    Carlo history that runs on the drawn chain and on its own baseline run sees the same
    future in both. Processes that no row describes stay as announced.
    """
    month0 = chain.base_year + 1
    success = rng.random(len(chain.pipeline))
    delay = rng.exponential(1.0, len(chain.pipeline))
    rows = []
    for row, u, d in zip(chain.pipeline, success, delay, strict=True):
        start = (row.start_year - month0) * 12 + row.start_month - 1
        start += round(float(d) * row.delay_years * 12)
        rows.append(
            row.model_copy(
                update={
                    "capacity_per_year": row.capacity_per_year if u < row.probability else 0.0,
                    "start_year": month0 + start // 12,
                    "start_month": start % 12 + 1,
                    "probability": 1.0,
                    "delay_years": 0.0,
                }
            )
        )
    return replace(chain, pipeline=tuple(rows), pipeline_case="announced")
