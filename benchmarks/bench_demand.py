"""Benchmark: the demand stock model over many scenarios, against flodym on the same inputs.

Run: ``.venv/bin/python benchmarks/bench_demand.py [N_SCENARIOS]`` (default 1,000).

Inputs: the bundled ``accelerated`` path's rare-earth-bearing units for 2024–2050
(27 years × every region × every sector), scaled per scenario by a seeded random factor
per (scenario, region, sector) and year; each sector keeps its bundled lifetime. Both
models run inflow-driven (stock and outflow from inflows) and stock-driven (inflows from
the stock the inflow-driven run produced) on identical arrays. flodym needs one lifetime
class per stock, so its sectors are grouped by distribution, one dynamic stock model per
group; reechain runs all sectors in one call. Prints medians of several runs, the
throughput in series-years per second, the speed ratio, and the largest relative
difference between the two models' results (expected ≤ 1e-9).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import flodym as fd
import numpy as np

from reechain.demand import compile_inputs, inflow_driven, stock_driven, survival_curve
from reechain.demand.lifetimes import Lifetime
from reechain.demand.scenarios import builtin_scenario
from reechain.demand.tables import load_demand_tables

FIRST, LAST = 2024, 2050


def median_seconds(step: Callable[[], object], repeats: int = 3) -> float:
    """Return the median wall time of ``step`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _flodym_model(lifetime: Lifetime) -> tuple[Any, dict[str, str]]:
    kind = str(lifetime.distribution)
    if kind == "weibull":
        return fd.WeibullLifetime, {"weibull_scale": "scale_years", "weibull_shape": "shape"}
    if kind == "fixed":
        return fd.FixedLifetime, {"mean": "mean_years"}
    model = fd.NormalLifetime if kind == "normal" else fd.LogNormalLifetime
    return model, {"mean": "mean_years", "std": "std_years"}


def main(n_scenarios: int) -> None:
    """Print the timings and the agreement of the two models."""
    x = compile_inputs(load_demand_tables(), builtin_scenario("accelerated"))
    years = [int(y) for y in x.years]
    rows = slice(years.index(FIRST), years.index(LAST) + 1)
    base = x.re_units_per_year[rows]  # (T, R, S)
    T, R, S = base.shape
    rng = np.random.default_rng(np.random.SeedSequence(20261125))
    factor = rng.lognormal(0.0, 0.2, (n_scenarios, R, S, 1)) * rng.uniform(0.9, 1.1, (T,))
    inflow = base.transpose(1, 2, 0)[None] * factor  # (N, R, S, T)
    timing = x.inflow_timing

    def ours_inflow() -> Any:
        curves = np.stack([survival_curve(lt, T, timing) for lt in x.lifetimes])
        return inflow_driven(inflow, curves)

    mine = ours_inflow()

    def ours_stock() -> Any:
        curves = np.stack([survival_curve(lt, T, timing) for lt in x.lifetimes])
        return stock_driven(mine.stock, curves)

    groups: dict[str, list[int]] = {}
    for s, lifetime in enumerate(x.lifetimes):
        groups.setdefault(str(lifetime.distribution), []).append(s)

    def flodym_run(stock_mode: bool) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for members in groups.values():
            dims = fd.DimensionSet(
                dim_list=[
                    fd.Dimension(name="Time", letter="t", items=list(range(FIRST, LAST + 1))),
                    fd.Dimension(name="Scenario", letter="n", items=list(range(n_scenarios))),
                    fd.Dimension(name="Region", letter="r", items=list(x.regions)),
                    fd.Dimension(name="Sector", letter="s", items=[x.sectors[m] for m in members]),
                ]
            )
            model, names = _flodym_model(x.lifetimes[members[0]])
            params = {
                key: np.array([float(x.lifetimes[m].param(attr)) for m in members])
                for key, attr in names.items()
            }
            lifetime_model = model(dims=dims, inflow_at=timing, **params)
            if stock_mode:
                values = np.moveaxis(mine.stock[:, :, members], -1, 0).copy()
                dsm: Any = fd.StockDrivenDSM(
                    dims=dims,
                    lifetime_model=lifetime_model,
                    stock=fd.StockArray(dims=dims, values=values),
                )
                dsm.compute()
                result = dsm.inflow.values
            else:
                values = np.moveaxis(inflow[:, :, members], -1, 0).copy()
                dsm = fd.InflowDrivenDSM(
                    dims=dims,
                    lifetime_model=lifetime_model,
                    inflow=fd.StockArray(dims=dims, values=values),
                )
                dsm.compute()
                result = dsm.stock.values
            for j, m in enumerate(members):
                out[m] = (result[..., j], dsm.outflow.values[..., j])
        return out

    def worst(ours: np.ndarray, ours_out: np.ndarray, theirs: dict[int, Any]) -> float:
        diff = 0.0
        for s, (value, outflow) in theirs.items():
            a = np.moveaxis(ours[:, :, s], -1, 0)
            b = np.moveaxis(ours_out[:, :, s], -1, 0)
            scale = max(1.0, float(np.abs(value).max()), float(np.abs(outflow).max()))
            diff = max(diff, float(np.abs(a - value).max()) / scale)
            diff = max(diff, float(np.abs(b - outflow).max()) / scale)
        return diff

    theirs_inflow = flodym_run(False)
    stock_run = ours_stock()
    theirs_stock = flodym_run(True)
    diff_inflow = worst(mine.stock, mine.outflow_per_year, theirs_inflow)
    diff_stock = worst(stock_run.inflow_per_year, stock_run.outflow_per_year, theirs_stock)

    series_years = n_scenarios * R * S * T
    print(f"inputs: {n_scenarios} scenarios x {T} years x {R} regions x {S} sectors")
    print(f"        = {series_years:,} series-years; {len(groups)} lifetime families")
    for label, ours_step, their_step, diff in (
        ("inflow-driven", ours_inflow, lambda: flodym_run(False), diff_inflow),
        ("stock-driven", ours_stock, lambda: flodym_run(True), diff_stock),
    ):
        ours_s = median_seconds(ours_step)
        their_s = median_seconds(their_step)
        print(
            f"{label:14s} reechain {ours_s:8.3f} s ({series_years / ours_s / 1e6:6.2f} M/s)  "
            f"flodym {their_s:8.3f} s ({series_years / their_s / 1e6:6.2f} M/s)  "
            f"speed-up x{their_s / ours_s:5.1f}  max rel diff {diff:.1e}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
