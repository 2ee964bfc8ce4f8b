"""Cross-check against flodym: on identical inputs our stocks and outflows equal its own to 1e-9.

flodym (pik-piam/flodym) is the reference implementation of dynamic stock models in
Python. Its survival factors for consecutive integer years with one quadrature point and
``inflow_at`` start/middle/end are the discretisation reechain documents, so the two must
agree to rounding.
"""

from __future__ import annotations

from typing import Any

import flodym as fd
import numpy as np
import pytest

from reechain.demand import Lifetime, compile_inputs, inflow_driven, project, stock_driven
from reechain.demand.lifetimes import survival_curve
from reechain.demand.scenarios import builtin_scenario
from reechain.demand.tables import load_demand_tables

TOLERANCE = 1e-9
T = 27
SERIES = 4
MEANS = np.array([12.0, 4.0, 25.0, 7.5])
STDS = np.array([4.0, 2.0, 6.0, 3.0])
SHAPES = np.array([3.0, 1.2, 2.0, 4.5])

CASES: list[tuple[str, Any, dict[str, np.ndarray], Lifetime]] = [
    ("normal", fd.NormalLifetime, {"mean": MEANS, "std": STDS},
     Lifetime("normal", mean_years=MEANS, std_years=STDS)),
    ("lognormal", fd.LogNormalLifetime, {"mean": MEANS, "std": STDS},
     Lifetime("lognormal", mean_years=MEANS, std_years=STDS)),
    ("weibull", fd.WeibullLifetime, {"weibull_scale": MEANS, "weibull_shape": SHAPES},
     Lifetime("weibull", scale_years=MEANS, shape=SHAPES)),
    ("fixed", fd.FixedLifetime, {"mean": MEANS},
     Lifetime("fixed", mean_years=MEANS)),
]  # fmt: skip


def _dims(n: int = SERIES) -> fd.DimensionSet:
    return fd.DimensionSet(
        dim_list=[
            fd.Dimension(name="Time", letter="t", items=list(range(2024, 2024 + T))),
            fd.Dimension(name="Series", letter="s", items=[f"s{i}" for i in range(n)]),
        ]
    )


def _close(ours: np.ndarray, theirs: np.ndarray) -> None:
    scale = max(1.0, float(np.abs(theirs).max()))
    assert np.abs(ours - theirs).max() <= TOLERANCE * scale


@pytest.mark.parametrize("timing", ["start", "middle", "end"])
@pytest.mark.parametrize(("name", "model", "params", "ours"), CASES, ids=[c[0] for c in CASES])
def test_inflow_driven_stock_and_outflow_equal_flodym(
    timing: str, name: str, model: Any, params: dict[str, np.ndarray], ours: Lifetime
) -> None:
    inflow = np.random.default_rng(7).uniform(0.0, 1000.0, (T, SERIES))
    dims = _dims()
    dsm = fd.InflowDrivenDSM(
        dims=dims,
        lifetime_model=model(dims=dims, inflow_at=timing, **params),
        inflow=fd.StockArray(dims=dims, values=inflow.copy()),
    )
    dsm.compute()
    r = inflow_driven(inflow.T, survival_curve(ours, T, timing))
    _close(r.stock.T, dsm.stock.values)
    _close(r.outflow_per_year.T, dsm.outflow.values)


@pytest.mark.parametrize("timing", ["start", "middle"])
@pytest.mark.parametrize(("name", "model", "params", "ours"), CASES, ids=[c[0] for c in CASES])
def test_stock_driven_inflow_and_outflow_equal_flodym(
    timing: str, name: str, model: Any, params: dict[str, np.ndarray], ours: Lifetime
) -> None:
    years = np.arange(T)
    stock = 100.0 + 40.0 * years[:, None] * np.array([1.0, 0.5, 2.0, 1.5])  # rising: no correction
    dims = _dims()
    dsm = fd.StockDrivenDSM(
        dims=dims,
        lifetime_model=model(dims=dims, inflow_at=timing, **params),
        stock=fd.StockArray(dims=dims, values=stock.copy()),
    )
    dsm.compute()
    r = stock_driven(stock.T, survival_curve(ours, T, timing))
    assert r.corrected_years == 0
    _close(r.inflow_per_year.T, dsm.inflow.values)
    _close(r.outflow_per_year.T, dsm.outflow.values)


def test_the_projection_stock_of_every_sector_equals_flodym() -> None:
    """The bundled accelerated path: units in use and retired, all regions and sectors."""
    x = compile_inputs(load_demand_tables(), builtin_scenario("accelerated"))
    p = project(x)
    for s, lifetime in enumerate(x.lifetimes):
        dims = fd.DimensionSet(
            dim_list=[
                fd.Dimension(name="Time", letter="t", items=[int(y) for y in x.years]),
                fd.Dimension(name="Region", letter="r", items=list(x.regions)),
            ]
        )
        kind = lifetime.distribution
        params: dict[str, Any]
        if kind == "weibull":
            model: Any = fd.WeibullLifetime
            params = {"weibull_scale": lifetime.scale_years, "weibull_shape": lifetime.shape}
        elif kind == "fixed":
            model, params = fd.FixedLifetime, {"mean": lifetime.mean_years}
        else:
            model = fd.NormalLifetime if kind == "normal" else fd.LogNormalLifetime
            params = {"mean": lifetime.mean_years, "std": lifetime.std_years}
        dsm = fd.InflowDrivenDSM(
            dims=dims,
            lifetime_model=model(dims=dims, inflow_at=x.inflow_timing, **params),
            inflow=fd.StockArray(dims=dims, values=x.re_units_per_year[:, :, s].copy()),
        )
        dsm.compute()
        _close(p.units_in_use[:, :, s], dsm.stock.values)
        _close(p.units_outflow_per_year[:, :, s], dsm.outflow.values)
