"""Lifetime distributions and their yearly discretisation, for stocks in use by cohort.

A product sold in year ``c`` (its *cohort*) is in use until it reaches the end of its
life. Four distributions are offered (:class:`Distribution`):

- ``normal``: mean ``mean_years`` and standard deviation ``std_years``. It is not
  truncated at age 0 (as in flodym), so a short mean with a wide spread loses some of a
  cohort in its first year;
- ``lognormal``: ``mean_years`` and ``std_years`` are those of the lifetime itself, not
  of its logarithm (μ = ln(m² / √(m² + s²)), σ² = ln(1 + s²/m²));
- ``weibull``: ``shape`` k and ``scale_years`` λ, S(a) = exp(−(a/λ)^k) for a ≥ 0;
- ``fixed``: every unit leaves when its age reaches ``mean_years`` (S(a) = 1 if a < L).

Discretisation
--------------
Time runs in whole years; year ``t`` is one period of length 1 and stocks are measured at
the *end* of each period. A cohort's inflow enters at one point of its period, set by
:class:`InflowTiming`: ``start`` (q = 0), ``middle`` (q = ½, the default, as in flodym
1.1) or ``end`` (q = 1). The share of cohort ``c`` still in use at the end of year
``t ≥ c`` is therefore

    sf[t, c] = S(t − c + 1 − q),

which depends only on the lag ``k = t − c``: the survival *curve* s[k] = S(k + 1 − q)
defines a lower-triangular Toeplitz survival *matrix*. With ``middle`` a unit sold in
2030 has aged half a year by the end of 2030 and 1½ years by the end of 2031. These are
exactly flodym's survival factors for a lifetime model on consecutive integer years with
``inflow_at`` set to the same timing and one quadrature point per interval.

Example
-------
>>> from reechain.demand.lifetimes import Lifetime, survival_curve
>>> curve = survival_curve(Lifetime("fixed", mean_years=2.0), n_years=4, timing="middle")
>>> curve.tolist()
[1.0, 1.0, 0.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtr

from reechain.errors import InputError

FloatArray = NDArray[np.float64]


class Distribution(StrEnum):
    """The lifetime distributions a stock model can use."""

    NORMAL = "normal"
    LOGNORMAL = "lognormal"
    WEIBULL = "weibull"
    FIXED = "fixed"


class InflowTiming(StrEnum):
    """Where in its year a cohort enters the stock (see the module docstring)."""

    START = "start"
    MIDDLE = "middle"
    END = "end"


_OFFSET = {InflowTiming.START: 0.0, InflowTiming.MIDDLE: 0.5, InflowTiming.END: 1.0}

_NEEDS: dict[Distribution, tuple[str, ...]] = {
    Distribution.NORMAL: ("mean_years", "std_years"),
    Distribution.LOGNORMAL: ("mean_years", "std_years"),
    Distribution.WEIBULL: ("shape", "scale_years"),
    Distribution.FIXED: ("mean_years",),
}


@dataclass(frozen=True)
class Lifetime:
    """A lifetime distribution; parameters may be floats or arrays that broadcast together.

    Parameters
    ----------
    distribution
        ``normal``, ``lognormal``, ``weibull`` or ``fixed``.
    mean_years, std_years
        Mean and standard deviation of the lifetime, years (normal, lognormal; fixed uses
        the mean only).
    shape, scale_years
        Weibull shape k (dimensionless) and scale λ (years).
    where
        What the lifetime belongs to (e.g. ``"sector ev_traction_motor"``), for error messages.

    Raises
    ------
    InputError
        A parameter the distribution needs is missing, or is not above zero.

    Examples
    --------
    >>> Lifetime("weibull", shape=2.5, scale_years=17.0).distribution
    <Distribution.WEIBULL: 'weibull'>
    """

    distribution: Distribution | str
    mean_years: ArrayLike | None = None
    std_years: ArrayLike | None = None
    shape: ArrayLike | None = None
    scale_years: ArrayLike | None = None
    where: str = "lifetime"

    def __post_init__(self) -> None:
        try:
            kind = Distribution(self.distribution)
        except ValueError:
            choices = ", ".join(d.value for d in Distribution)
            raise InputError(
                f"{self.where}: distribution got {self.distribution!r}, expected one of {choices}"
            ) from None
        object.__setattr__(self, "distribution", kind)
        for name in _NEEDS[kind]:
            value = getattr(self, name)
            if value is None:
                raise InputError(f"{self.where}: {name} is missing; a {kind} lifetime needs it")
            array = np.asarray(value, dtype=np.float64)
            bad = ~(np.isfinite(array) & (array > 0))
            if bad.any():
                found = float(array[bad].flat[0])
                raise InputError(f"{self.where}: {name} got {found:g}, expected a number above 0")

    def param(self, name: str) -> FloatArray:
        """Return the parameter ``name`` as a float array (years, or dimensionless shape)."""
        value = getattr(self, name)
        return np.asarray(value, dtype=np.float64)

    def survival(self, age_years: FloatArray) -> FloatArray:
        """Return S(age): the share of units still in use at ``age_years`` (0–1).

        Parameters broadcast against ``age_years`` on its leading axes: give ``age_years``
        a trailing axis of ages and parameters the shape of the leading axes plus ``(1,)``.

        Examples
        --------
        >>> import numpy as np
        >>> Lifetime("weibull", shape=1.0, scale_years=1.0).survival(np.array([0.0, 1.0]))
        array([1.        , 0.36787944])
        """
        kind = Distribution(self.distribution)
        a = np.asarray(age_years, dtype=np.float64)
        if kind is Distribution.FIXED:
            return np.asarray(a < self.param("mean_years"), dtype=np.float64)
        if kind is Distribution.NORMAL:
            mean, std = self.param("mean_years"), self.param("std_years")
            return np.asarray(ndtr(-(a - mean) / std), dtype=np.float64)
        if kind is Distribution.LOGNORMAL:
            mean, std = self.param("mean_years"), self.param("std_years")
            m2, s2 = mean * mean, std * std
            mu = np.log(m2 / np.sqrt(m2 + s2))
            sigma = np.sqrt(np.log1p(s2 / m2))
            with np.errstate(divide="ignore"):
                z = (np.log(np.where(a > 0, a, 1.0)) - mu) / sigma
            return np.where(a > 0, ndtr(-z), 1.0).astype(np.float64)
        shape, scale = self.param("shape"), self.param("scale_years")
        positive = np.where(a > 0, a, 0.0)
        return np.where(a > 0, np.exp(-((positive / scale) ** shape)), 1.0).astype(np.float64)


def survival_curve(
    lifetime: Lifetime, n_years: int, timing: InflowTiming | str = InflowTiming.MIDDLE
) -> FloatArray:
    """Return s[..., k]: the share of a cohort in use at the end of its k-th year after sale (0–1).

    ``k = 0`` is the year of sale; the age at the end of year ``k`` is ``k + 1 − q``
    with q = 0, ½ or 1 for ``timing`` start, middle or end. Leading axes are those of the
    lifetime's parameters; the last axis has ``n_years`` lags.

    Examples
    --------
    >>> from reechain.demand.lifetimes import Lifetime, survival_curve
    >>> survival_curve(Lifetime("fixed", mean_years=1.0), 3, "start").tolist()
    [0.0, 0.0, 0.0]
    >>> survival_curve(Lifetime("fixed", mean_years=1.0), 3, "end").tolist()
    [1.0, 0.0, 0.0]
    """
    if n_years < 1:
        raise InputError(f"n_years got {n_years}, expected a whole number of years above 0")
    q = _OFFSET[_timing(timing)]
    ages = np.arange(n_years, dtype=np.float64) + 1.0 - q
    params = [lifetime.param(n) for n in _NEEDS[Distribution(lifetime.distribution)]]
    lead = np.broadcast_shapes(*(p.shape for p in params))
    expanded = Lifetime(
        lifetime.distribution,
        **{
            name: lifetime.param(name).reshape((*lifetime.param(name).shape, 1))
            if getattr(lifetime, name) is not None
            else None
            for name in ("mean_years", "std_years", "shape", "scale_years")
        },
        where=lifetime.where,
    )
    curve = expanded.survival(np.broadcast_to(ages, (*lead, n_years)))
    return np.ascontiguousarray(curve, dtype=np.float64)


def survival_matrix(curve: FloatArray) -> FloatArray:
    """Return sf[..., t, c]: the share of cohort c in use at the end of year t (0–1).

    The matrix is lower triangular and Toeplitz: sf[t, c] = curve[t − c] for t ≥ c, else 0.

    Examples
    --------
    >>> import numpy as np
    >>> survival_matrix(np.array([1.0, 0.5])).tolist()
    [[1.0, 0.0], [0.5, 1.0]]
    """
    curve = np.asarray(curve, dtype=np.float64)
    n = curve.shape[-1]
    lag = np.arange(n)[:, None] - np.arange(n)[None, :]
    matrix = np.take(curve, np.clip(lag, 0, n - 1), axis=-1)
    return np.where(lag >= 0, matrix, 0.0)


def _timing(value: InflowTiming | str) -> InflowTiming:
    try:
        return InflowTiming(value)
    except ValueError:
        choices = ", ".join(t.value for t in InflowTiming)
        raise InputError(f"inflow timing got {value!r}, expected one of {choices}") from None
