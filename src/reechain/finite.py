"""Finite numbers: the one validator for numbers from users, and JSON that cannot fail on them.

Every float read from a user (a dataset row, a scenario field, an API body) is a
:data:`FiniteFloat`: NaN and ±inf are refused with pydantic's ``finite_number`` error,
which the dataset and scenario validators report as "expected a finite number". A NaN that
got through would pass every comparison-based check (``nan < 0`` is false) and break JSON
output later.

For numbers that come out of a computation, :func:`json_safe` turns a non-finite float
into ``None`` (JSON ``null``) and counts how many it replaced, so that an output that must
be JSON can say so instead of failing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AllowInfNan

FiniteFloat = Annotated[float, AllowInfNan(False)]
"""A float that is neither NaN nor ±inf (pydantic error type ``finite_number``)."""


def non_finite_paths(value: Any, path: str = "") -> list[str]:
    """Return the paths (``params.rate``, ``rows[2]``) of every NaN or ±inf float in ``value``.

    Examples
    --------
    >>> non_finite_paths({"a": [1.0, float("nan")], "b": {"c": float("inf")}})
    ['a[1]', 'b.c']
    """
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, Mapping):
        out: list[str] = []
        for key, item in value.items():
            out.extend(non_finite_paths(item, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(value, list | tuple):
        out = []
        for i, item in enumerate(value):
            out.extend(non_finite_paths(item, f"{path}[{i}]"))
        return out
    return []


def json_safe(value: Any) -> tuple[Any, int]:
    """Return ``value`` with each NaN or ±inf float (also numpy floats) as None, and their count.

    Examples
    --------
    >>> json_safe({"a": [1.5, float("nan")], "b": float("-inf")})
    ({'a': [1.5, None], 'b': None}, 2)
    """
    if isinstance(value, float):  # numpy.float64 is a float too
        return (value, 0) if math.isfinite(value) else (None, 1)
    if hasattr(value, "dtype") and getattr(value, "shape", None) == ():
        return json_safe(value.item())
    if isinstance(value, Mapping):
        count = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[key], n = json_safe(item)
            count += n
        return out, count
    if isinstance(value, list | tuple):
        count = 0
        items = []
        for item in value:
            safe, n = json_safe(item)
            items.append(safe)
            count += n
        return items, count
    return value, 0
