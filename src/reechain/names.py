"""Names: what a name may look like, when a path may stand for one, and "did you mean 'JPN'?".

**A name is a name.** Datasets, scenarios, partnerships and demand scenarios are named by
:data:`NAME_PATTERN` (composed scenarios join names with ``+``). The local command line and
Python code may also give a path to a file or folder; a request to a server may not: the
server runs every request and every job inside :func:`names_only`, and the loaders of
:mod:`reechain.workflows` then resolve only names of stored or bundled objects, checked by
:func:`check_name`, and never touch the file system for them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import pycountry

from reechain.errors import InputError

NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
"""A name: a letter or digit, then up to 63 letters, digits, dots, hyphens or underscores."""
NAME_REGEX = f"^{NAME_PATTERN}$"
""":data:`NAME_PATTERN`, anchored (for OpenAPI and pydantic fields)."""
COMPOSED_REGEX = rf"^{NAME_PATTERN}(\+{NAME_PATTERN})*$"
"""Names joined by ``+`` (a composed scenario), anchored."""
_NAME = re.compile(NAME_PATTERN)
_PATHS: ContextVar[bool] = ContextVar("reechain_paths", default=True)


def paths_allowed() -> bool:
    """Return whether a path may stand where a name is expected (False inside a server)."""
    return _PATHS.get()


@contextmanager
def names_only() -> Iterator[None]:
    """Within this block (and the threads and tasks it starts), names are only names."""
    token = _PATHS.set(False)
    try:
        yield
    finally:
        _PATHS.reset(token)


def local_path(value: object, what: str) -> str:
    """Return ``value`` where a path may be given; InputError inside a server."""
    text = value if isinstance(value, str) else str(value)
    if not paths_allowed():
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise InputError(f"{what}: got {shown!r}; a server reads no file named in a request")
    return text


def yaml_file(value: object) -> Path | None:
    """Return ``value`` as a path when it names a YAML file here (a ``.yaml``/``.yml`` name or
    an existing path) and paths are allowed; None when it must be resolved as a name."""
    path = Path(str(value))
    if paths_allowed() and (path.suffix.lower() in (".yaml", ".yml") or path.exists()):
        return path
    return None


def is_name(value: str) -> bool:
    """Return whether ``value`` is a well-formed name (see :data:`NAME_PATTERN`)."""
    return _NAME.fullmatch(value) is not None


def check_name(value: object, what: str = "name", *, composed: bool = False) -> str:
    """Return ``value`` if it is a name (``composed``: names joined by ``+``); else InputError.

    Examples
    --------
    >>> check_name("cn-2025-april+us-japan-package", "scenario", composed=True)
    'cn-2025-april+us-japan-package'
    >>> check_name("/etc/passwd", "dataset")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    reechain.errors.InputError: dataset: got '/etc/passwd', expected a name (...; no path)
    """
    text = value if isinstance(value, str) else str(value)
    parts = text.split("+") if composed else [text]
    if all(is_name(part) for part in parts):
        return text
    shown = text if len(text) <= 80 else text[:77] + "..."
    joined = ", names joined by '+'" if composed else ""
    raise InputError(
        f"{what}: got {shown!r}, expected a name (letters, digits, '.', '-', '_'; at most 64 "
        f"characters{joined}; no path)"
    )


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
