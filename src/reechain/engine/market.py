"""The market's behavioural parameters: how prices form from expected scarcity (DESIGN.md §4,
step 3) and what an export licence yields when a scenario does not say.

The parameters are one table, ``engine/bundled/market.csv``, one row per parameter with its
value, bounds and provenance; ``reechain calibrate`` fits them to the 2009–2013 episode and
writes this table (:mod:`reechain.risk.market_fit`). The engine reads them once per
preparation (:func:`load_market`); a calibration passes its own :class:`MarketParameters`.

The parameters:

- ``cover_horizon_months`` H: users judge scarcity over the next H months: they expect
  suppliers to go on filling this month's share f of their requests, so expected cover
  x = f + (1 − f) × min(1, stocks on hand ÷ (inventory target + H × requirement)): the
  longer the horizon, the less stocks on hand reassure;
- ``elasticity_scale`` s and ``heavy_elasticity_scale`` s_h: the price that clears
  expected cover is P₀ × x^(1/(s·ε)), ε the commodity's short-run demand elasticity
  (dataset), s_h in place of s for the medium and heavy rare earths (Sm to Lu and Y, the
  split of China's export quotas from 2012: :func:`heavy_mask`);
- ``magnet_elasticity_scale`` s_m: s_m in place of s for the magnet rare earths Nd and Pr
  and the magnets (:func:`magnet_mask`: Nd2O3, Pr6O11, NdPr_metal, the NdFeB grades, SmCo).
  In 2010-11 lanthanum's and cerium's prices outside China rose to 21-28x and Nd's to
  8.5x (``risk/bundled/episode_2010.csv``); with one scale for every light rare earth the
  fit put Nd oxide and NdPr metal 2-5 times too high while La and Ce stayed too low. Fitted
  apart, s comes out far below s_m: La and Ce prices answered scarcity more, not less, than
  Nd's, the opposite of a substitution story (La/Ce users could thrift, magnet makers could
  not). The likelier cause is the quota itself: a tonnage quota over every rare earth, which
  exporters filled with the dearer ones, squeezed cheap La and Ce hardest abroad (their
  domestic price was 0.26-0.28 of the export price, Nd's and Dy's 0.63-0.65), and the
  engine cuts each restricted commodity alike, so s carries that squeeze. That is why the
  magnets, not restricted in 2010, take s_m: their buyers are the users whose demand Nd's
  price answered;
- ``adjustment`` λ: each month the price moves a share λ of the way (in logs) to that
  clearing price, so a spike builds over months;
- ``precaution`` φ and ``precaution_months`` M: when a restriction is announced its
  targeted importers' users raise their inventory target of the restricted commodities by
  the share φ × exp(−k/M) in its k-th month (the scare fades as the measure becomes known);
  when it is lifted, or as the scare fades, the target falls back and they destock;
- ``wedge`` θ: a restricting exporter's domestic price is at least θ × the world price
  (the use-weighted mean abroad; leakage through licences and smuggling): the wedge is
  1 − θ;
- ``coproduct_linkage`` ω: where separation is joint, each co-product's price multiple is
  at least ω × the value-weighted multiple of its separation basket;
- ``licence_approval_share`` a and ``licence_processing_working_days`` d: the defaults for
  a licensing measure that states neither.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from reechain.data.rows import read_rows
from reechain.data.tables import Provenance
from reechain.errors import DatasetError, Problem
from reechain.finite import FiniteFloat

MARKET_TABLE = Path(__file__).parent / "bundled" / "market.csv"
"""The bundled market parameters (written by ``reechain calibrate``)."""


@dataclass(frozen=True)
class MarketParameters:
    """The market's behavioural parameters (meanings in the module docstring)."""

    cover_horizon_months: float = 6.0
    elasticity_scale: float = 1.0
    heavy_elasticity_scale: float = 1.0
    magnet_elasticity_scale: float = 1.0
    adjustment: float = 0.3
    precaution: float = 0.0
    precaution_months: float = 6.0
    wedge: float = 0.5
    coproduct_linkage: float = 0.0
    licence_approval_share: float = 0.65
    licence_processing_working_days: float = 45.0

    def replace(self, **values: float) -> MarketParameters:
        """Return a copy with ``values`` changed."""
        return MarketParameters(**(asdict(self) | values))


PARAMETERS = tuple(f.name for f in fields(MarketParameters))
"""The parameters' names, in table order."""

HEAVY = ("Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Y")
"""Medium and heavy rare earths (MOFCOM's split of the export quota from 2012)."""


def heavy_mask(commodities: tuple[str, ...]) -> NDArray[np.bool_]:
    """(C,) commodities of one medium or heavy rare earth: oxides and metals whose name
    starts with its symbol (``Dy2O3``, ``Dy_metal``; not ``NdPr_metal`` nor magnets).

    >>> heavy_mask(("Dy2O3", "Dy_metal", "Nd2O3", "Y2O3", "Yb2O3", "SmCo")).tolist()
    [True, True, False, True, True, False]
    """
    out = np.zeros(len(commodities), dtype=bool)
    for i, name in enumerate(commodities):
        symbol = re.match(r"^([A-Z][a-z]?)(?=\d|_metal$)", name)
        out[i] = symbol is not None and symbol.group(1) in HEAVY
    return out


MAGNET_LIGHT = ("Nd", "Pr")
"""The light rare earths of NdFeB magnets."""
MAGNETS = ("NdFeB", "SmCo")
"""Name prefixes of the magnets."""


def magnet_mask(commodities: tuple[str, ...]) -> NDArray[np.bool_]:
    """(C,) the magnet rare earths and the magnets: oxides and metals whose name is made of
    Nd and Pr before a digit or ``_metal`` (``Nd2O3``, ``Pr6O11``, ``NdPr_metal``), and
    names starting ``NdFeB`` or ``SmCo``.

    >>> names = ("Nd2O3", "Pr6O11", "NdPr_metal", "NdFeB_sintered", "SmCo", "La2O3", "Sm2O3")
    >>> magnet_mask(names).tolist()
    [True, True, True, True, True, False, False]
    """
    out = np.zeros(len(commodities), dtype=bool)
    for i, name in enumerate(commodities):
        light = re.match(r"^(?:Nd|Pr)+(?=\d|_metal$)", name) is not None
        out[i] = light or name.startswith(MAGNETS)
    return out


def elasticity_scales(
    commodities: tuple[str, ...], market: MarketParameters
) -> NDArray[np.float64]:
    """(C,) the elasticity scale of each commodity: s_h for the medium and heavy rare earths,
    s_m for Nd, Pr and the magnets, s for the rest.

    >>> m = MarketParameters(elasticity_scale=0.5, heavy_elasticity_scale=2.0,
    ...                      magnet_elasticity_scale=1.5)
    >>> elasticity_scales(("La2O3", "Nd2O3", "NdPr_metal", "Dy2O3", "NdFeB_sintered"), m).tolist()
    [0.5, 1.5, 1.5, 2.0, 1.5]
    """
    out = np.full(len(commodities), market.elasticity_scale)
    out[magnet_mask(commodities)] = market.magnet_elasticity_scale
    out[heavy_mask(commodities)] = market.heavy_elasticity_scale
    return out


class MarketRow(Provenance):
    """One market parameter with its provenance (one row of ``market.csv``)."""

    VALUE_FIELD: ClassVar[str | None] = "value"

    parameter: str = Field(min_length=1, description="one of MarketParameters' fields")
    value: FiniteFloat = Field(description="the parameter's value")
    episode: str = Field("", description="the episode the value was fitted to (empty: not fitted)")


def load_market(path: str | Path | None = None) -> MarketParameters:
    """Return the market parameters of ``path`` (default: the bundled table).

    Raises
    ------
    DatasetError
        A row names an unknown parameter, or a parameter is missing.

    Examples
    --------
    >>> load_market().cover_horizon_months > 0
    True
    """
    if path is None:
        return _bundled()
    return _load(Path(path))


@cache
def _bundled() -> MarketParameters:
    return _load(MARKET_TABLE)


def _load(source: Path) -> MarketParameters:
    rows = read_rows(source, MarketRow)
    values = {row.parameter: row.value for row in rows}
    problems = [
        Problem(source.name, line + 2, "parameter", row.parameter, ", ".join(PARAMETERS))
        for line, row in enumerate(rows)
        if row.parameter not in PARAMETERS
    ] + [
        Problem(source.name, None, "parameter", None, f"a row for {name}")
        for name in PARAMETERS
        if name not in values
    ]
    if problems:
        raise DatasetError(problems)
    return MarketParameters(**values)


def market_rows(path: str | Path | None = None) -> tuple[MarketRow, ...]:
    """Return the rows of the market table (default: the bundled one)."""
    return read_rows(Path(path) if path else MARKET_TABLE, MarketRow)


def write_market(rows: tuple[MarketRow, ...], path: str | Path) -> Path:
    """Write ``rows`` as a market table (how ``market.csv`` is regenerated)."""
    out = Path(path)
    first = ["parameter", "value", "episode"]
    columns = first + [name for name in MarketRow.model_fields if name not in first]
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.model_dump().items()})
    return out


__all__ = [
    "HEAVY",
    "MAGNETS",
    "MAGNET_LIGHT",
    "MARKET_TABLE",
    "PARAMETERS",
    "MarketParameters",
    "MarketRow",
    "elasticity_scales",
    "heavy_mask",
    "load_market",
    "magnet_mask",
    "market_rows",
    "write_market",
]
