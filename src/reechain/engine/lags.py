"""Supplier qualification lags by stage: how long a buyer takes to qualify a new supplier.

A buyer that loses a supplier cannot take the same material from any other supplier at once:
a magnet user runs a production part approval with the new magnet maker, a magnet maker
trial-sinters a new metal supplier's lots, and so on up the chain. The bundled table
``engine/bundled/qualification_lags.csv`` gives the months this takes for the commodities of
each stage (the stage that makes them), each row sourced or a labelled estimate with bounds.
The engine's trade step (DESIGN.md §4, round 2) reads them as
:attr:`~reechain.engine.prepare.Prepared.qualification_months`.

A stage the table does not list (a dataset's own stage) has no lag.
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

QUALIFY_TOLERANCE = 1e-9
"""Unmet share of a request below which round 1 counts as meeting it (the clock does not
start)."""

LAGS_PATH = Path(__file__).parent / "bundled" / "qualification_lags.csv"
"""The bundled table of qualification lags by stage."""


class QualificationLag(BaseModel):
    """One row of ``qualification_lags.csv``: a stage's qualification lag in months."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str = Field(min_length=1, description="the stage that makes the commodities")
    months: float = Field(ge=0, description="months from the first shortfall to qualification")
    lower: float | None = Field(None, ge=0)
    upper: float | None = Field(None, ge=0)
    confidence: Literal["high", "medium", "low"]
    method: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _bounds(self) -> QualificationLag:
        if self.confidence == "low" and (self.lower is None or self.upper is None):
            raise ValueError("lower/upper: a low-confidence lag gives bounds")
        low = self.months if self.lower is None else self.lower
        high = self.months if self.upper is None else self.upper
        if not low <= self.months <= high:
            raise ValueError(f"months: {self.months} lies outside its bounds [{low}, {high}]")
        return self


def load_lags(path: str | Path | None = None) -> tuple[QualificationLag, ...]:
    """Return the qualification lags (the bundled table unless ``path`` is given).

    Examples
    --------
    >>> {row.stage: row.months for row in load_lags()}["magnet"]
    5.5
    """
    return read_rows(Path(path) if path else LAGS_PATH, QualificationLag)


_BY_CHAIN: WeakKeyDictionary[Chain, FloatArray] = WeakKeyDictionary()


def qualification_months(chain: Chain) -> FloatArray:
    """Return (C,) the months a buyer of each commodity needs to qualify a new supplier
    (the lag of the commodity's stage; 0 for a stage the table does not list), read-only.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> float(qualification_months(chain).max())
    6.0
    """
    found = _BY_CHAIN.get(chain)
    if found is None:
        by_stage = {row.stage: row.months for row in load_lags()}
        found = np.array(
            [by_stage.get(chain.stages[g], 0.0) for g in np.asarray(chain.commodity_stage)],
            dtype=np.float64,
        )
        found.flags.writeable = False
        _BY_CHAIN[chain] = found
    return found


__all__ = [
    "LAGS_PATH",
    "QUALIFY_TOLERANCE",
    "QualificationLag",
    "load_lags",
    "qualification_months",
]
