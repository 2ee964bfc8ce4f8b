"""Lifetime distributions and their yearly discretisation, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reechain.demand.lifetimes import Lifetime, survival_curve, survival_matrix
from reechain.errors import InputError


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        # a 1.8-year life; ages at the end of lag k are k + 1 - q (q = 0, 1/2, 1)
        ("start", [1.0, 0.0, 0.0, 0.0]),  # ages 1, 2 …: gone at 2
        ("middle", [1.0, 1.0, 0.0, 0.0]),  # ages 0.5, 1.5, 2.5 …: gone at 2.5
        ("end", [1.0, 1.0, 0.0, 0.0]),  # ages 0, 1, 2 …: gone at 2
    ],
)
def test_fixed_lifetime_leaves_when_its_age_reaches_the_lifetime(
    timing: str, expected: list[float]
) -> None:
    assert survival_curve(Lifetime("fixed", mean_years=1.8), 4, timing).tolist() == expected


def test_mid_year_inflow_ages_a_cohort_half_a_year_in_its_year_of_sale() -> None:
    life = Lifetime("weibull", shape=1.0, scale_years=1.0)  # S(a) = exp(-a)
    curve = survival_curve(life, 3, "middle")
    assert curve.tolist() == pytest.approx([math.exp(-0.5), math.exp(-1.5), math.exp(-2.5)])
    assert survival_curve(life, 1, "start")[0] == pytest.approx(math.exp(-1.0))
    assert survival_curve(life, 1, "end")[0] == 1.0


def test_normal_survival_is_one_half_at_the_mean() -> None:
    curve = survival_curve(Lifetime("normal", mean_years=3.5, std_years=2.0), 5, "middle")
    assert curve[3] == pytest.approx(0.5)  # age 3.5 at the end of lag 3
    assert curve[0] == pytest.approx(0.5 * math.erfc((0.5 - 3.5) / (2.0 * math.sqrt(2))))


def test_lognormal_takes_the_mean_and_spread_of_the_lifetime_itself() -> None:
    mean, std = 10.0, 4.0
    median = mean**2 / math.sqrt(mean**2 + std**2)  # exp(mu)
    life = Lifetime("lognormal", mean_years=mean, std_years=std)
    assert life.survival(np.array([median]))[0] == pytest.approx(0.5)
    assert life.survival(np.array([0.0]))[0] == 1.0


def test_weibull_survival_at_its_scale_is_one_over_e() -> None:
    life = Lifetime("weibull", shape=2.7, scale_years=17.0)
    assert life.survival(np.array([17.0]))[0] == pytest.approx(math.exp(-1.0))


def test_parameters_broadcast_to_one_curve_per_series() -> None:
    life = Lifetime("normal", mean_years=np.array([5.0, 10.0]), std_years=2.0)
    curve = survival_curve(life, 6)
    assert curve.shape == (2, 6)
    assert (curve[0] <= curve[1]).all()


def test_survival_matrix_is_lower_triangular_toeplitz() -> None:
    sf = survival_matrix(np.array([1.0, 0.6, 0.2]))
    assert sf.tolist() == [[1.0, 0.0, 0.0], [0.6, 1.0, 0.0], [0.2, 0.6, 1.0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"distribution": "normal", "mean_years": 0.0, "std_years": 1.0}, "mean_years got 0"),
        ({"distribution": "normal", "mean_years": 5.0, "std_years": -1.0}, "std_years got -1"),
        ({"distribution": "weibull", "shape": 2.0}, "scale_years is missing"),
        ({"distribution": "fixed", "mean_years": -3.0}, "expected a number above 0"),
        ({"distribution": "gamma", "mean_years": 3.0}, "expected one of normal"),
    ],
)
def test_lifetimes_at_or_below_zero_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        Lifetime(**kwargs, where="sector ev_traction_motor")  # type: ignore[arg-type]


def test_unknown_inflow_timing_is_refused() -> None:
    with pytest.raises(InputError, match="inflow timing got 'late'"):
        survival_curve(Lifetime("fixed", mean_years=2.0), 3, "late")
