"""The dynamic stock model: hand-checked cases, mass balance and no negative inflows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from reechain.demand.lifetimes import Lifetime, survival_curve
from reechain.demand.stock import inflow_driven, stock_driven
from reechain.errors import InputError

YEARS = 12
flows = arrays(np.float64, YEARS, elements=st.floats(0, 1e6, allow_subnormal=False))
lifetimes = st.one_of(
    st.builds(
        lambda m, s: Lifetime("normal", mean_years=m, std_years=s),
        st.floats(0.5, 30),
        st.floats(0.1, 10),
    ),
    st.builds(
        lambda m, s: Lifetime("lognormal", mean_years=m, std_years=s),
        st.floats(0.5, 30),
        st.floats(0.1, 10),
    ),
    st.builds(
        lambda k, lam: Lifetime("weibull", shape=k, scale_years=lam),
        st.floats(0.5, 5),
        st.floats(0.5, 30),
    ),
    st.builds(lambda m: Lifetime("fixed", mean_years=m), st.floats(0.6, 30)),
)
timings = st.sampled_from(["start", "middle", "end"])


def test_a_hand_worked_inflow_driven_stock() -> None:
    # survival 1, 0.5, 0 after 0, 1, 2 years: inflows 10, 20, 0
    r = inflow_driven(np.array([10.0, 20.0, 0.0]), np.array([1.0, 0.5, 0.0]))
    assert r.stock.tolist() == [10.0, 25.0, 10.0]  # 10; 5 + 20; 0 + 10
    assert r.outflow_per_year.tolist() == [0.0, 5.0, 15.0]  # 10 - 5; 5 + 10


def test_a_hand_worked_stock_driven_model_and_its_correction() -> None:
    r = stock_driven(np.array([10.0, 25.0, 5.0]), np.array([1.0, 0.5, 0.0]))
    # year 1: 25 - 5 survivors = 20; year 2: survivors 0 + 10 = 10 > 5, so -5 becomes 0
    assert r.inflow_per_year.tolist() == [10.0, 20.0, 0.0]
    assert r.inflow_correction_per_year.tolist() == [0.0, 0.0, 5.0]
    assert r.corrected_years == 1
    assert r.stock.tolist() == [10.0, 25.0, 10.0]  # held above the target of 5


@given(flows, lifetimes, timings)
def test_inflow_minus_outflow_is_the_stock_change(
    inflow: np.ndarray, lifetime: Lifetime, timing: str
) -> None:
    r = inflow_driven(inflow, survival_curve(lifetime, YEARS, timing))
    scale = max(1.0, float(inflow.sum()))
    assert np.allclose(inflow - r.outflow_per_year, r.stock_change_per_year, atol=1e-9 * scale)
    assert (r.outflow_per_year >= -1e-9 * scale).all()
    assert (r.stock >= -1e-9 * scale).all()


@given(flows, lifetimes, st.sampled_from(["start", "middle"]))
def test_stock_driven_inflows_are_never_negative_and_balance(
    target: np.ndarray, lifetime: Lifetime, timing: str
) -> None:
    curve = survival_curve(lifetime, YEARS, timing)
    if curve[0] <= 0:
        with pytest.raises(InputError, match="no unit survives its year of sale"):
            stock_driven(target, curve)
        return
    r = stock_driven(target, curve)
    scale = max(1.0, float(target.max())) / max(curve[0], 1e-12)
    assert (r.inflow_per_year >= 0).all()
    assert np.allclose(
        r.inflow_per_year - r.outflow_per_year, r.stock_change_per_year, atol=1e-9 * scale * 10
    )
    # the stock meets the target, or stays above it where an inflow was corrected
    assert (r.stock >= target - 1e-7 * scale).all()
    if r.corrected_years == 0:
        assert np.allclose(r.stock, target, atol=1e-7 * scale)


def test_stock_driven_reproduces_the_inflow_that_made_the_stock() -> None:
    curve = survival_curve(Lifetime("weibull", shape=3.0, scale_years=8.0), 20)
    inflow = np.linspace(5.0, 50.0, 20)
    made = inflow_driven(inflow, curve)
    back = stock_driven(made.stock, curve)
    assert np.allclose(back.inflow_per_year, inflow, rtol=1e-12)
    assert back.corrected_years == 0


def test_many_series_run_at_once_with_a_shared_curve() -> None:
    curve = survival_curve(Lifetime("normal", mean_years=np.array([4.0, 9.0]), std_years=2.0), 6)
    inflow = np.ones((3, 2, 6))  # scenario, sector, year
    r = inflow_driven(inflow, curve)
    assert r.stock.shape == (3, 2, 6)
    assert np.allclose(r.stock[0, 1], inflow_driven(np.ones(6), curve[1]).stock)


def test_negative_inflows_are_refused_in_inflow_driven_mode() -> None:
    with pytest.raises(InputError, match="inflow got -1, expected a number ≥ 0"):
        inflow_driven(np.array([1.0, -1.0]), np.array([1.0, 0.5]))


def test_a_curve_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(InputError, match="survival curve has 2 years, expected 3"):
        inflow_driven(np.ones(3), np.array([1.0, 0.5]))
