"""Stock in use by cohort: the inflow-driven and the stock-driven dynamic stock model.

Time is the **last** axis of every array here (``(..., T)``); leading axes (scenario,
region, sector, element …) broadcast, so one call runs any number of series. The survival
curve ``s[..., k]`` comes from :func:`reechain.demand.lifetimes.survival_curve` and may
have fewer leading axes than the flows (it broadcasts against them).

With sf[t, c] = s[t − c] (see :mod:`reechain.demand.lifetimes`):

- stock:        S[t] = Σ_{c ≤ t} sf[t, c] · I[c]
- outflow:      O[t] = S[t−1] − S[t] + I[t]   (S[−1] = 0), so I − O = ΔS exactly;
  by cohort,    O[t, c] = (sf[t−1, c] − sf[t, c]) · I[c], and (1 − sf[t, t]) · I[t] on the
  diagonal: the same outflow, the identity flodym's ``pdf`` uses;
- stock-driven: given a target S*, I[t] = (S*[t] − Σ_{c < t} sf[t, c] · I[c]) / sf[t, t].

A stock-driven inflow can come out negative when the target stock falls faster than
units retire. No model here lets an inflow be negative: such an inflow is set to zero,
the amount added is returned in ``inflow_correction_per_year`` and the stock then held
(above the target) in ``stock``; ``corrected_years`` counts the corrections.

Example
-------
>>> import numpy as np
>>> from reechain.demand.stock import inflow_driven
>>> r = inflow_driven(np.array([10.0, 0.0, 0.0]), np.array([1.0, 0.5, 0.0]))
>>> r.stock.tolist(), r.outflow_per_year.tolist()
([10.0, 5.0, 0.0], [0.0, 5.0, 5.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reechain.demand.lifetimes import survival_matrix
from reechain.errors import InputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class StockResult:
    """Stocks and flows of a dynamic stock model; time is the last axis of each array."""

    inflow_per_year: FloatArray
    """(..., T) units (or tonnes) entering use each year, never negative."""
    outflow_per_year: FloatArray
    """(..., T) units (or tonnes) reaching end of life each year."""
    stock: FloatArray
    """(..., T) units (or tonnes) in use at the end of each year."""
    inflow_correction_per_year: FloatArray
    """(..., T) amount added to a negative stock-driven inflow to bring it to zero."""

    @property
    def stock_change_per_year(self) -> FloatArray:
        """Return ΔS[t] = S[t] − S[t−1] (S[−1] = 0), same unit as the stock."""
        return np.diff(self.stock, axis=-1, prepend=0.0)

    @property
    def corrected_years(self) -> int:
        """Return how many (series, year) inflows were negative and set to zero."""
        return int(np.count_nonzero(self.inflow_correction_per_year))


def _curve(survival: ArrayLike, n_years: int) -> FloatArray:
    curve = np.asarray(survival, dtype=np.float64)
    if curve.ndim == 0 or curve.shape[-1] != n_years:
        raise InputError(
            f"survival curve has {curve.shape[-1] if curve.ndim else 0} years, "
            f"expected {n_years} (one per year of the flows)"
        )
    if not np.all((curve >= 0) & (curve <= 1)):
        raise InputError("survival curve: expected shares between 0 and 1")
    return curve


def stock_from_inflow(inflow: FloatArray, curve: FloatArray) -> FloatArray:
    """Return S[..., t] = Σ_{c ≤ t} s[t − c] · I[c], in the inflow's unit.

    Examples
    --------
    >>> import numpy as np
    >>> stock_from_inflow(np.array([1.0, 1.0]), np.array([1.0, 0.5])).tolist()
    [1.0, 1.5]
    """
    sf = survival_matrix(curve)
    return np.asarray(np.matmul(sf, inflow[..., None])[..., 0], dtype=np.float64)


def outflow_from_stock(inflow: FloatArray, stock: FloatArray) -> FloatArray:
    """Return O[t] = S[t−1] − S[t] + I[t] (S[−1] = 0): end-of-life flow by mass balance.

    Examples
    --------
    >>> import numpy as np
    >>> outflow_from_stock(np.array([2.0, 0.0]), np.array([2.0, 1.0])).tolist()
    [0.0, 1.0]
    """
    previous = np.concatenate([np.zeros_like(stock[..., :1]), stock[..., :-1]], axis=-1)
    return np.asarray(previous - stock + inflow, dtype=np.float64)


def inflow_driven(inflow_per_year: ArrayLike, survival: ArrayLike) -> StockResult:
    """Return stock and outflows (units or tonnes) for given yearly inflows.

    Parameters
    ----------
    inflow_per_year
        (..., T) inflows, not negative.
    survival
        (..., T) survival curve s[k] (see :func:`~reechain.demand.lifetimes.survival_curve`),
        broadcasting against the inflows' leading axes.

    Raises
    ------
    InputError
        An inflow is negative or not finite, or the curve does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> inflow_driven(np.array([4.0, 4.0]), np.array([0.5, 0.0])).stock.tolist()
    [2.0, 2.0]
    """
    inflow = np.asarray(inflow_per_year, dtype=np.float64)
    if not np.all(np.isfinite(inflow)):
        raise InputError("inflow: expected finite numbers")
    if np.any(inflow < 0):
        raise InputError(
            f"inflow got {float(inflow.min()):g}, expected a number ≥ 0 "
            "(inflow-driven mode takes inflows as given)"
        )
    curve = _curve(survival, inflow.shape[-1])
    stock = stock_from_inflow(inflow, curve)
    outflow = outflow_from_stock(inflow, stock)
    return StockResult(inflow, outflow, stock, np.zeros_like(inflow))


def stock_driven(stock_target: ArrayLike, survival: ArrayLike) -> StockResult:
    """Return the inflows (units or tonnes per year) that keep the stock on ``stock_target``.

    A negative inflow (the target falls faster than units retire) is set to zero and
    reported in ``inflow_correction_per_year``; the stock is then above the target.

    Parameters
    ----------
    stock_target
        (..., T) target stock at the end of each year, not negative.
    survival
        (..., T) survival curve; its first value (the share surviving the year of sale)
        must be above zero.

    Raises
    ------
    InputError
        A target is negative, or a unit cannot survive its first year.

    Examples
    --------
    >>> import numpy as np
    >>> r = stock_driven(np.array([10.0, 10.0, 2.0]), np.array([1.0, 0.5, 0.0]))
    >>> r.inflow_per_year.tolist(), r.corrected_years
    ([10.0, 5.0, 0.0], 1)
    """
    target = np.asarray(stock_target, dtype=np.float64)
    if not np.all(np.isfinite(target)) or np.any(target < 0):
        raise InputError("stock target: expected finite numbers ≥ 0")
    n = target.shape[-1]
    curve = _curve(survival, n)
    if np.any(curve[..., 0] <= 0):
        raise InputError(
            "lifetime: no unit survives its year of sale, so a stock cannot be held; "
            "expected a longer lifetime or inflow timing 'start'"
        )
    shape = np.broadcast_shapes(target.shape, curve.shape)
    # time first inside the loop: survivors[t] accumulates Σ_{c<t} s[t−c] · I[c] as each
    # cohort is solved, so every step is one contiguous multiply-add
    target_t = np.moveaxis(np.broadcast_to(target, shape), -1, 0)
    curve_t = np.moveaxis(curve.reshape((1,) * (len(shape) - curve.ndim) + curve.shape), -1, 0)
    survivors = np.zeros((n, *shape[:-1]))
    inflow_t = np.zeros((n, *shape[:-1]))
    correction_t = np.zeros((n, *shape[:-1]))
    first = curve_t[0]
    for t in range(n):
        needed = (target_t[t] - survivors[t]) / first
        negative = needed < 0
        correction_t[t] = np.where(negative, -needed, 0.0)
        inflow_t[t] = np.where(negative, 0.0, needed)
        if t + 1 < n:
            survivors[t + 1 :] += inflow_t[t] * curve_t[1 : n - t]
    inflow = np.ascontiguousarray(np.moveaxis(inflow_t, 0, -1))
    correction = np.ascontiguousarray(np.moveaxis(correction_t, 0, -1))
    stock = stock_from_inflow(inflow, curve)
    outflow = outflow_from_stock(inflow, stock)
    return StockResult(inflow, outflow, stock, correction)
