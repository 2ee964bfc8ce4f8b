"""Paths over years: interpolation between anchor years and logistic adoption curves.

Example
-------
>>> from reechain.demand.curves import interpolate
>>> interpolate({2020: 1.0, 2030: 2.0}, [2010, 2025, 2040]).tolist()
[1.0, 1.5, 2.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from reechain.errors import InputError

FloatArray = NDArray[np.float64]


def interpolate(
    anchors: Mapping[int, float], years: Sequence[int] | NDArray[np.int64]
) -> FloatArray:
    """Return the path through ``anchors`` (year → value) at ``years``, same unit as the values.

    Linear between anchor years, flat before the first and after the last.

    Raises
    ------
    InputError
        ``anchors`` is empty.

    Examples
    --------
    >>> interpolate({2024: 0.0, 2026: 1.0}, [2025]).tolist()
    [0.5]
    """
    if not anchors:
        raise InputError("a path needs at least one year with a value")
    xs = np.array(sorted(anchors), dtype=np.float64)
    ys = np.array([anchors[int(x)] for x in xs], dtype=np.float64)
    return np.asarray(np.interp(np.asarray(years, dtype=np.float64), xs, ys), dtype=np.float64)


def logistic_adoption(
    years: Sequence[int] | NDArray[np.int64],
    *,
    max_adoption: float,
    start_year: int,
    midpoint_year: float,
    steepness_per_year: float,
) -> FloatArray:
    """Return the share of units adopting an option in each year (0 to ``max_adoption``).

    A logistic L(t) = 1 / (1 + exp(−k (t − t_mid))) rescaled to be zero in ``start_year``
    and to approach ``max_adoption``: a(t) = max · (L(t) − L(t₀)) / (1 − L(t₀)) for
    t ≥ t₀, and 0 before.

    Examples
    --------
    >>> a = logistic_adoption([2024, 2100], max_adoption=0.5, start_year=2024,
    ...                       midpoint_year=2030, steepness_per_year=0.5)
    >>> [round(x, 6) for x in a.tolist()]
    [0.0, 0.5]
    """
    t = np.asarray(years, dtype=np.float64)

    def curve(x: FloatArray | float) -> FloatArray:
        return np.asarray(
            1.0 / (1.0 + np.exp(-steepness_per_year * (np.asarray(x) - midpoint_year)))
        )

    base = curve(float(start_year))
    share = (curve(t) - base) / (1.0 - base)
    return np.where(t >= start_year, max_adoption * np.clip(share, 0.0, 1.0), 0.0).astype(
        np.float64
    )
