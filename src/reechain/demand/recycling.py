"""Secondary supply: rare earths recovered from products reaching end of life.

secondary[t] = end-of-life element flow[t] × collection rate[t] × recovery rate[t],
in tonnes of element per year. Rates apply in the year units leave use.

Example
-------
>>> import numpy as np
>>> secondary_supply(np.array([100.0]), np.array([0.5]), np.array([0.9])).tolist()
[45.0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reechain.errors import InputError

FloatArray = NDArray[np.float64]


def check_rate(name: str, rate: ArrayLike) -> FloatArray:
    """Return ``rate`` as an array after checking every value is a fraction (0–1).

    Raises
    ------
    InputError
        A value lies outside 0–1 or is not finite.

    Examples
    --------
    >>> check_rate("collection_rate", [0.2, 1.0]).tolist()
    [0.2, 1.0]
    """
    array = np.asarray(rate, dtype=np.float64)
    bad = ~(np.isfinite(array) & (array >= 0) & (array <= 1))
    if bad.any():
        raise InputError(
            f"{name} got {float(array[bad].flat[0]):g}, expected a fraction between 0 and 1"
        )
    return array


def secondary_supply(
    end_of_life_t_per_year: ArrayLike, collection_rate: ArrayLike, recovery_rate: ArrayLike
) -> FloatArray:
    """Return recovered rare earths, tonnes of element per year (the end-of-life flow's unit).

    Parameters broadcast together; rates are fractions 0–1.

    Raises
    ------
    InputError
        A rate lies outside 0–1, or the end-of-life flow is negative.

    Examples
    --------
    >>> secondary_supply([10.0, 20.0], 0.5, [1.0, 0.5]).tolist()
    [5.0, 5.0]
    """
    flow = np.asarray(end_of_life_t_per_year, dtype=np.float64)
    if np.any(flow < -1e-9 * max(1.0, float(np.abs(flow).max(initial=0.0)))):
        raise InputError("end-of-life flow: expected numbers ≥ 0")
    collected = check_rate("collection_rate", collection_rate)
    recovered = check_rate("recovery_rate", recovery_rate)
    return np.asarray(np.clip(flow, 0.0, None) * collected * recovered, dtype=np.float64)
