"""Near-miss suggestions for names a user typed: "did you mean 'JPN'?"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pycountry

REGION_ALIASES = {
    "BURMA": "MMR",
    "MYANMAR": "MMR",
    "UK": "GBR",
    "BRITAIN": "GBR",
    "KOREA": "KOR",
    "SOUTH KOREA": "KOR",
    "RUSSIA": "RUS",
    "VIETNAM": "VNM",
    "LAOS": "LAO",
    "US": "USA",
    "UNITED STATES": "USA",
    "REST OF WORLD": "ROW",
    "OTHER": "ROW",
}
"""Common names that are not what pycountry's lookup expects."""


def country_code(value: str) -> str | None:
    """Return the ISO 3166 alpha-3 code a name or code stands for, or None."""
    if value.upper() in REGION_ALIASES:
        return REGION_ALIASES[value.upper()]
    if len(value) < 2:
        return None
    try:
        return str(pycountry.countries.lookup(value).alpha_3)
    except LookupError:
        return None


def is_iso_alpha3(code: str) -> bool:
    """Return whether ``code`` is an ISO 3166 alpha-3 country code."""
    return pycountry.countries.get(alpha_3=code) is not None


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """Return "did you mean 'X'?" for the closest of ``choices``, or None when none is close."""
    options = list(choices)
    by_upper = {c.upper(): c for c in options}
    if value.upper() in by_upper and by_upper[value.upper()] != value:
        return f"did you mean '{by_upper[value.upper()]}'?"
    code = country_code(value)
    if code in options:
        return f"did you mean '{code}'?"
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close:
        close = [
            by_upper[c]
            for c in difflib.get_close_matches(value.upper(), list(by_upper), n=1, cutoff=0.6)
        ]
    return f"did you mean '{close[0]}'?" if close else None


def all_iso_alpha3() -> list[str]:
    """Return every ISO 3166 alpha-3 code."""
    return [c.alpha_3 for c in pycountry.countries]
