"""How the dashboard writes numbers: one helper for every page, table, card and chart.

People read ``$1.05 bn``, ``1,234 t`` and ``12.7 %``, not ``1052709747.3631749``. Every page
formats through :func:`fmt` (a number with a unit) or :func:`fmt_cell` (a table cell, the
unit read from the column's name: ``*_usd`` is money, ``*_pct`` a percentage, ``*share*`` a
fraction, ``*_t`` tonnes). Downloads keep the raw numbers.
"""

from __future__ import annotations

import math
from typing import Any

from reechain.units import usd

DASH = "—"
"""What a missing number (None, NaN) reads as."""
PLAIN_COLUMNS = ("line", "year", "seed", "id", "n", "runs", "rank")
"""Columns whose whole numbers are labels or counts read as written (no thousands mark when
they name a year or a line)."""

_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_usd_per_kg", "USD/kg"),
    ("_usd", "USD"),
    ("_pct", "%"),
    ("_t_per_year", "t/yr"),
    ("_per_year", "/yr"),
    ("_t", "t"),
)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rounded(value: float) -> str:
    """Return ``value`` with thousands separators and sensible rounding.

    Three significant digits for small numbers, whole numbers from 100 up.

    Examples
    --------
    >>> rounded(1052709747.3631749), rounded(12.345), rounded(1.2345), rounded(0.012345)
    ('1,052,709,747', '12.3', '1.23', '0.0123')
    >>> rounded(0.0), rounded(-2500.4)
    ('0', '-2,500')
    """
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 100:
        return f"{value:,.0f}"
    if size >= 10:
        return f"{value:,.1f}"
    if size >= 1:
        return f"{value:,.2f}"
    digits = min(2 - math.floor(math.log10(size)), 12)
    return f"{value:.{digits}f}"


def fmt(value: Any, unit: str = "") -> str:
    """Return a number as people read it, with its unit.

    ``unit`` ``"USD"`` gives money (``$1.05 bn``), ``"%"`` a value already in percent,
    ``"share"`` a fraction shown as a percentage; any other unit follows the number.
    Text passes through; None and NaN read as an em dash.

    Examples
    --------
    >>> fmt(1052709747.3631749, "USD"), fmt(0.127, "share"), fmt(12.7, "%")
    ('$1.05 bn', '12.7 %', '12.7 %')
    >>> fmt(4181059.2), fmt(2812.7, "t/yr"), fmt(None), fmt("JPN")
    ('4,181,059', '2,813 t/yr', '—', 'JPN')
    """
    value = getattr(value, "value", value)  # enums
    if _is_missing(value):
        return DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            import numpy as np

            if isinstance(value, np.generic) and not isinstance(value, np.bool_):
                return fmt(value.item(), unit)
        except ImportError:  # pragma: no cover - numpy is a dependency
            pass
        return str(value)
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    if unit == "USD":
        return usd(number)
    if unit == "share":
        return f"{rounded(100 * number)} %" if abs(number) < 1 else f"{100 * number:,.1f} %"
    if unit == "%":
        return f"{number:,.1f} %"
    text = f"{value:,}" if isinstance(value, int) else rounded(number)
    return f"{text} {unit}" if unit else text


def unit_of(column: str) -> str:
    """Return the unit a column's name implies (``""`` when it names none).

    >>> unit_of("cumulative_value_lost_usd"), unit_of("peak_shortfall_pct"), unit_of("share")
    ('USD', '%', 'share')
    """
    name = column.lower().replace(" ", "_")
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    if "share" in name or name.endswith(("_fraction", "probability", "prob_positive")):
        return "share"
    return ""


def heading(column: str) -> str:
    """Return a column's heading: words, with the unit its name implies in brackets.

    >>> heading("p99_usd"), heading("peak_shortfall_pct"), heading("source_year")
    ('p99 (USD)', 'peak shortfall (%)', 'source year')
    """
    name = column.replace(" ", "_")
    for suffix, unit in _UNIT_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return f"{name[: -len(suffix)].replace('_', ' ')} ({unit})"
    return column.replace("_", " ")


def fmt_cell(column: str, value: Any) -> str:
    """Return a table cell's text: a number formatted by its column's unit, text as it is.

    Whole numbers in columns that hold years, lines or ids keep no thousands mark.

    Examples
    --------
    >>> fmt_cell("capex_usd", 1.25e9), fmt_cell("source_year", 2024), fmt_cell("value", 1e6)
    ('$1.25 bn', '2024', '1,000,000')
    """
    raw = getattr(value, "value", value)
    name = column.lower().replace(" ", "_")
    plain_name = name in PLAIN_COLUMNS or name.endswith(("year", "_line", "_id"))
    if isinstance(raw, int) and not isinstance(raw, bool) and plain_name:
        return str(raw)
    return fmt(raw, unit_of(column))


def is_number(value: Any) -> bool:
    """Return whether ``value`` is a number (not a bool): such cells align right."""
    raw = getattr(value, "value", value)
    if isinstance(raw, bool):
        return False
    if isinstance(raw, int | float):
        return True
    try:
        import numpy as np

        return isinstance(raw, np.integer | np.floating)
    except ImportError:  # pragma: no cover
        return False


def plain(value: Any) -> Any:
    """Return ``value`` as plain JSON data (enum values, numpy scalars as Python ones)."""
    raw = getattr(value, "value", value)
    item = getattr(raw, "item", None)
    if callable(item) and not isinstance(raw, str | bytes):
        try:
            return plain(item())
        except (TypeError, ValueError):
            return str(raw)
    if isinstance(raw, float) and not math.isfinite(raw):
        return None
    if isinstance(raw, str | int | float | bool) or raw is None:
        return raw
    return str(raw)
