"""Inventories of components downstream of magnets: built motors, drives and assemblies.

A car plant that stops getting magnets does not stop the same day: the traction motors and
e-axles already built keep the line going for a while. The bundled table
``engine/bundled/component_stocks.csv`` gives, per sector, the days of output its pipeline
of built components covers and the months it takes to rebuild it, each a labelled estimate
with bounds. A sector the table does not list (a dataset's own, or a non-magnet use) holds
none.

The engine's rule (DESIGN.md §4, step 4; :func:`reechain.engine.reference.make` and its
kernel twin): the stock of sector s in region r is counted in units of output; its target
is days × N ÷ (365/12), and a run starts at target. The sector asks for N + restoration,
restoration = max(target − stock, 0) ÷ restoration months — but none in a month after one
whose inputs fell short of its target output (by more than ``SHORT_TOLERANCE``): makers
rebuild their pipelines once supply is back, not while they are rationed (asking for more
while short would only bid up what is scarce). It makes min(target output, what its inputs
allow) from inputs, plus a draw from its stock of up to the rest of its target output;
inputs beyond its target output restock (up to the restoration).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from weakref import WeakKeyDictionary

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reechain.chain import Chain
from reechain.data.rows import read_rows

FloatArray = NDArray[np.float64]

SHORT_TOLERANCE = 1e-9
"""Relative shortfall of inputs below which a month does not count as short."""

COMPONENTS_PATH = Path(__file__).parent / "bundled" / "component_stocks.csv"
"""The bundled table of component stocks by sector."""


class ComponentStock(BaseModel):
    """One row of ``component_stocks.csv``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sector: str = Field(min_length=1)
    days: float = Field(ge=0, description="days of output the built components cover")
    lower: float | None = Field(None, ge=0)
    upper: float | None = Field(None, ge=0)
    restoration_months: float = Field(gt=0)
    confidence: Literal["high", "medium", "low"]
    method: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _bounds(self) -> ComponentStock:
        if self.confidence == "low" and (self.lower is None or self.upper is None):
            raise ValueError("lower/upper: a low-confidence stock gives bounds")
        low = self.days if self.lower is None else self.lower
        high = self.days if self.upper is None else self.upper
        if not low <= self.days <= high:
            raise ValueError(f"days: {self.days} lies outside its bounds [{low}, {high}]")
        return self


def load_components(path: str | Path | None = None) -> tuple[ComponentStock, ...]:
    """Return the component stocks by sector (the bundled table unless ``path``).

    Examples
    --------
    >>> {r.sector: r.days for r in load_components()}["defence_systems"]
    90.0
    """
    return read_rows(Path(path) if path else COMPONENTS_PATH, ComponentStock)


_BY_CHAIN: WeakKeyDictionary[Chain, tuple[FloatArray, FloatArray]] = WeakKeyDictionary()


def component_stocks(chain: Chain) -> tuple[FloatArray, FloatArray]:
    """Return (S,) days of output each sector's components cover (0: none) and (S,) their
    restoration months (1 where none), read-only.

    Examples
    --------
    >>> import reechain
    >>> days, months = component_stocks(reechain.compile_chain(reechain.load_dataset("sample")))
    >>> bool((months > 0).all())
    True
    """
    found = _BY_CHAIN.get(chain)
    if found is None:
        rows = {r.sector: r for r in load_components()}
        days = np.array([rows[s].days if s in rows else 0.0 for s in chain.sectors])
        months = np.array([rows[s].restoration_months if s in rows else 1.0 for s in chain.sectors])
        for a in (days, months):
            a.flags.writeable = False
        found = (days, months)
        _BY_CHAIN[chain] = found
    return found


__all__ = [
    "COMPONENTS_PATH",
    "SHORT_TOLERANCE",
    "ComponentStock",
    "component_stocks",
    "load_components",
]
