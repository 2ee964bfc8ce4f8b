"""Grade switching and thrifting: users move away from a threatened magnet grade, with a
lag and at a cost.

When an export restriction is announced on a grade or on anything upstream of it (its
heavy rare earths, their oxides, ...), the sectors of the targeted importers that use the
grade do not switch at once: after a lag (a new magnet's qualification, a motor's
validation or redesign) they move a share of their use of the grade to another grade
(``to_commodity``), or cut it (thrifting, no ``to_commodity``), and pay for it. The bundled
table ``engine/bundled/grade_switching.csv`` gives each rule's share, lag and cost, sourced
or a labelled estimate with bounds.

Decisions (DESIGN.md §4 "grades switch and thrifting comes with lags and costs"):

- **Trigger**: the start month of the first export restriction whose commodities include
  the grade or a commodity upstream of it (through the recipes of the processes that make
  it), for each region it targets (not the exporter) — unless an export restriction of the
  scenario names the grade switched to for that region (nobody switches from one
  restricted grade to another: with fixed intensities per unit, moving use onto a grade
  that is as scarce only lowers output). The switch starts ``lag_months``
  later (a part month counts as a whole) and lasts to the horizon: a qualified grade and a
  redesigned product stay.
- **Intensity**: from then on the sector's intensity of the grade falls by share × its
  intensity in that month (rules on one grade add up, at most 1 in all), and that of
  ``to_commodity`` rises by the same tonnes (a tonne of magnet for a tonne). Both engines
  read the changed intensities; nothing of the monthly step changes.
- **Cost** per unit of output made = Σ over the rules in force of share × intensity (t per
  unit) × 1,000 kg/t × cost (USD/kg of the grade switched or saved); the KPI
  ``adjustment_cost_usd`` is output made × that cost.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reechain.chain import Chain
from reechain.data.rows import read_rows
from reechain.engine.select import importer_mask
from reechain.errors import DatasetError, Problem
from reechain.scenario.models import ExportRestriction, Scenario
from reechain.scenario.validate import month_index
from reechain.units import KG_PER_T

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

SWITCHING_PATH = Path(__file__).parent / "bundled" / "grade_switching.csv"
"""The bundled table of grade switching and thrifting rules."""


class GradeSwitch(BaseModel):
    """One row of ``grade_switching.csv``: a move away from a grade, its lag and cost."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_commodity: str = Field(min_length=1)
    to_commodity: str = Field("", description="the grade moved to; empty: thrifting")
    share: float = Field(gt=0, le=1, description="share of the grade's intensity moved")
    lower: float | None = Field(None, ge=0, le=1)
    upper: float | None = Field(None, ge=0, le=1)
    lag_months: float = Field(ge=0)
    lag_lower: float | None = Field(None, ge=0)
    lag_upper: float | None = Field(None, ge=0)
    cost_usd_per_kg: float = Field(ge=0, description="per kg of the grade switched or saved")
    cost_lower: float | None = Field(None, ge=0)
    cost_upper: float | None = Field(None, ge=0)
    confidence: Literal["high", "medium", "low"]
    method: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _bounds(self) -> GradeSwitch:
        for name, low, high in (
            ("share", self.lower, self.upper),
            ("lag_months", self.lag_lower, self.lag_upper),
            ("cost_usd_per_kg", self.cost_lower, self.cost_upper),
        ):
            value = getattr(self, name)
            if self.confidence == "low" and (low is None or high is None):
                raise ValueError(f"{name}: a low-confidence rule gives its bounds")
            least = value if low is None else low
            most = value if high is None else high
            if not least <= value <= most:
                raise ValueError(f"{name}: {value} lies outside its bounds [{low}, {high}]")
        if self.to_commodity == self.from_commodity:
            raise ValueError("to_commodity: a grade cannot switch to itself")
        return self


def load_switches(path: str | Path | None = None) -> tuple[GradeSwitch, ...]:
    """Return the grade switching and thrifting rules (the bundled table unless ``path``).

    Raises
    ------
    DatasetError
        A bad row, or rules on one grade whose shares add up to more than 1.

    Examples
    --------
    >>> [(r.from_commodity, r.to_commodity) for r in load_switches()][0]
    ('NdFeB_sintered_highdy', 'NdFeB_sintered_gbd')
    """
    source = Path(path) if path else SWITCHING_PATH
    rows = read_rows(source, GradeSwitch)
    total: dict[str, float] = {}
    for row in rows:
        total[row.from_commodity] = total.get(row.from_commodity, 0.0) + row.share
    over = [(c, x) for c, x in total.items() if x > 1 + 1e-12]
    if over:
        raise DatasetError(
            [
                Problem(source.name, None, "share", f"{c}: {x:g} in all", "at most 1 per grade")
                for c, x in over
            ]
        )
    return rows


def upstream(chain: Chain, c: int) -> set[int]:
    """Return the commodities upstream of ``c`` (inputs of the processes that make it, and
    theirs, and so on), ``c`` included."""
    outputs, inputs = np.asarray(chain.process_outputs), np.asarray(chain.process_inputs)
    found, todo = {c}, [c]
    while todo:
        made_by = np.nonzero(outputs[:, todo.pop()] > 0)[0]
        for k in np.nonzero(inputs[made_by].sum(axis=0) > 0)[0].tolist():
            if k not in found:
                found.add(k)
                todo.append(k)
    return found


def apply_switching(
    chain: Chain,
    scenario: Scenario | None,
    intensity: FloatArray,
    rules: tuple[GradeSwitch, ...] | None = None,
) -> tuple[FloatArray, IntArray, FloatArray]:
    """Return ``intensity`` (T, R, S, C) changed by the rules the scenario's export
    restrictions trigger, as its distinct months (U, R, S, C) and each month's index among
    them (T,), and (T, S, R) the adjustment cost, USD per unit of output.

    The rules apply to one slice per stretch of months in which neither the input changes
    nor a rule starts, so a switch on an intensity that is one slice in every month (no
    substitution policy) costs a few slices, not T. Rules naming a commodity the chain does
    not have are left out.
    """
    T, R, S = intensity.shape[:3]
    cost = np.zeros((T, S, R))
    own, own_index = distinct_months(intensity)
    starts = _starts(chain, scenario, T, R, rules)
    if not starts:
        return own, own_index, cost
    new = np.zeros(T, dtype=bool)  # first months of the stretches: the input's and the rules'
    new[0] = True
    new[1:] = own_index[1:] != own_index[:-1]
    new[[t0 for *_, t0 in starts]] = True
    first = np.flatnonzero(new)
    index = (np.cumsum(new) - 1).astype(np.int64)  # (T,) each month's stretch
    base = own[own_index[first]]  # (K, R, S, C) before any rule
    slices = np.array(base)  # writable
    for rule, c1, r, t0 in starts:
        k0 = int(index[t0])
        moved = rule.share * base[k0:, r, :, c1]  # (K − k0, S)
        slices[k0:, r, :, c1] -= moved
        if rule.to_commodity:
            slices[k0:, r, :, chain.commodity_index(rule.to_commodity)] += moved
        cost[t0:, :, r] += moved[index[t0:] - k0] * KG_PER_T * rule.cost_usd_per_kg
    np.maximum(slices, 0.0, out=slices)
    return slices, index, cost


def _starts(
    chain: Chain,
    scenario: Scenario | None,
    T: int,
    R: int,
    rules: tuple[GradeSwitch, ...] | None,
) -> list[tuple[GradeSwitch, int, int, int]]:
    """(rule, grade, region, first month) of every switch the scenario triggers."""
    events = [e for e in (scenario.events if scenario else ()) if isinstance(e, ExportRestriction)]
    if not events:
        return []
    known = set(chain.commodities)
    chosen = [
        r
        for r in (load_switches() if rules is None else rules)
        if r.from_commodity in known and (not r.to_commodity or r.to_commodity in known)
    ]
    starts: list[tuple[GradeSwitch, int, int, int]] = []
    for rule in chosen:
        c1 = chain.commodity_index(rule.from_commodity)
        above = upstream(chain, c1)
        first = np.full(R, T)
        barred = np.zeros(R, dtype=bool)  # the scenario restricts the grade switched to
        for event in events:
            hit = {chain.commodity_index(n) for n in event.commodities if n in known}
            targeted = importer_mask(chain, event.importers)
            targeted[chain.region_index(event.exporter)] = False
            if rule.to_commodity and rule.to_commodity in event.commodities:
                barred |= targeted
            if not hit & above:
                continue
            t0 = month_index(chain, event.start) + math.ceil(rule.lag_months)
            first[targeted] = np.minimum(first[targeted], t0)
        first[barred] = T
        starts.extend((rule, c1, r, int(first[r])) for r in range(R) if first[r] < T)
    return starts


def distinct_months(arr: FloatArray) -> tuple[FloatArray, IntArray]:
    """Return (U, ...) the months of ``arr`` (T, ...) that differ from the month before,
    and (T,) each month's index among them.

    >>> slices, index = distinct_months(np.array([[1.0], [1.0], [2.0], [2.0], [1.0]]))
    >>> slices.ravel().tolist(), index.tolist()
    ([1.0, 2.0, 1.0], [0, 0, 1, 1, 2])
    """
    T = arr.shape[0]
    if T == 0 or arr.strides[0] == 0:  # one slice in every month (a broadcast view)
        return arr[:1], np.zeros(T, dtype=np.int64)
    flat = arr.reshape(T, -1)
    new = np.ones(T, dtype=bool)
    new[1:] = (flat[1:] != flat[:-1]).any(axis=1)
    return arr[new], (np.cumsum(new) - 1).astype(np.int64)


__all__ = [
    "SWITCHING_PATH",
    "GradeSwitch",
    "apply_switching",
    "distinct_months",
    "load_switches",
    "upstream",
]
