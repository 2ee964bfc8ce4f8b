"""Units and their formatting, one place for every layer.

The core works in one base unit per kind: a commodity's own unit (tonnes of oxide unless the
commodity says otherwise) per month or per year, prices in USD/kg, money in USD. The
surfaces (CLI, dashboard, briefings) format money with :func:`usd`.
"""

from __future__ import annotations

DAYS_PER_MONTH = 365 / 12
"""Days in the average month (inventory targets in days of use, delays in days)."""
WORKING_DAYS_PER_MONTH = 21
"""Working days in a month (a licensing delay of 45 working days is about 2.1 months)."""
MONTHS_PER_YEAR = 12
"""Annual figures ÷ 12 are monthly ones."""
KG_PER_T = 1000.0
"""Kilograms per tonne (a price in USD/kg × tonnes)."""


def usd(value: float) -> str:
    """Return an amount of US dollars as people read it: ``$364.31 bn``, ``$5.2 m``, ``$950``.

    Examples
    --------
    >>> usd(364.31e9), usd(5.24e6), usd(950.4), usd(-19.08e9)
    ('$364.31 bn', '$5.2 m', '$950', '-$19.08 bn')
    """
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}${size / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"{sign}${size / 1e6:,.1f} m"
    if size >= 100:
        return f"{sign}${size:,.0f}"
    return f"{sign}${size:,.2f}"


__all__ = ["DAYS_PER_MONTH", "KG_PER_T", "MONTHS_PER_YEAR", "WORKING_DAYS_PER_MONTH", "usd"]
