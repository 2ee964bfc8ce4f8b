"""Value-added ratios by sector and region: the share of a sector's gross output that is
value added (GDP), so losses can be reported as an economist would, beside gross output.

The bundled table ``engine/bundled/value_added_ratios.csv`` gives, per sector and region
(``*``: any), value added ÷ gross output, each row sourced or a labelled estimate with
bounds. A sector and region take the most specific row: (sector, region), then
(sector, ``*``), then (``*``, region), then (``*``, ``*``) — the manufacturing average, so a
dataset's own sectors get a ratio too. :func:`reechain.engine.kpis.value_added_lost_usd`
applies it.

The ratio is the losing industry's own (direct) value added: the value added its domestic
suppliers also lose is not counted, so the figure is a lower bound of the GDP lost; gross
output lost (:func:`reechain.engine.kpis.value_lost_usd`) counts every input again.
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

RATIOS_PATH = Path(__file__).parent / "bundled" / "value_added_ratios.csv"
"""The bundled table of value-added ratios."""

ANY = "*"
"""A row for any sector or any region."""


class ValueAddedRatio(BaseModel):
    """One row of ``value_added_ratios.csv``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sector: str = Field(min_length=1, description="a sector, or * for any")
    region: str = Field(min_length=1, description="a region, or * for any")
    ratio: float = Field(gt=0, le=1, description="value added ÷ gross output")
    lower: float | None = Field(None, gt=0, le=1)
    upper: float | None = Field(None, gt=0, le=1)
    confidence: Literal["high", "medium", "low"]
    method: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _bounds(self) -> ValueAddedRatio:
        if self.confidence == "low" and (self.lower is None or self.upper is None):
            raise ValueError("lower/upper: a low-confidence ratio gives bounds")
        low = self.ratio if self.lower is None else self.lower
        high = self.ratio if self.upper is None else self.upper
        if not low <= self.ratio <= high:
            raise ValueError(f"ratio: {self.ratio} lies outside its bounds [{low}, {high}]")
        return self


def load_ratios(path: str | Path | None = None) -> tuple[ValueAddedRatio, ...]:
    """Return the value-added ratios (the bundled table unless ``path`` is given).

    Examples
    --------
    >>> [r.ratio for r in load_ratios() if (r.sector, r.region) == ("*", "*")]
    [0.31]
    """
    return read_rows(Path(path) if path else RATIOS_PATH, ValueAddedRatio)


_BY_CHAIN: WeakKeyDictionary[Chain, FloatArray] = WeakKeyDictionary()


def value_added_ratio(chain: Chain) -> FloatArray:
    """Return (S, R) value added ÷ gross output of each sector and region (read-only),
    from the most specific row of the bundled table.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> value_added_ratio(chain).shape == (len(chain.sectors), len(chain.regions))
    True
    """
    found = _BY_CHAIN.get(chain)
    if found is None:
        found = ratios_for(chain.sectors, chain.regions, load_ratios())
        found.flags.writeable = False
        _BY_CHAIN[chain] = found
    return found


def ratios_for(
    sectors: tuple[str, ...], regions: tuple[str, ...], rows: tuple[ValueAddedRatio, ...]
) -> FloatArray:
    """Return (S, R) the ratio of each sector and region from ``rows`` (most specific row
    first; 1.0, gross output itself, where no row applies)."""
    table = {(row.sector, row.region): row.ratio for row in rows}
    out = np.ones((len(sectors), len(regions)))
    for s, sector in enumerate(sectors):
        for r, region in enumerate(regions):
            for key in ((sector, region), (sector, ANY), (ANY, region), (ANY, ANY)):
                if key in table:
                    out[s, r] = table[key]
                    break
    return out


__all__ = [
    "ANY",
    "RATIOS_PATH",
    "ValueAddedRatio",
    "load_ratios",
    "ratios_for",
    "value_added_ratio",
]
