"""Project demand, stock in use, end-of-life flows and secondary supply: :func:`project`.

For each sector the units carrying rare earths enter use (inflow-driven: the units sold
are the compiled ``re_units_per_year``; stock-driven: the units that keep the stock on
its target, see :mod:`reechain.demand.stock`), and each cohort carries the element
content of its year of sale. Because every cohort of a sector shares one survival curve,
the element stock is the stock model run on element inflows: S_e[t] = Σ_c sf[t, c] ·
U[c] · i[c, e] / 1000, so thrifting reaches end of life with the cohorts that had it.

Axes: ``T`` years (``inputs.years``), ``R`` regions, ``S`` sectors, ``E`` elements; masses
are tonnes of element (metal basis), units are the sector's driver unit.

Example
-------
>>> from reechain.demand.tables import load_demand_tables
>>> from reechain.demand.inputs import compile_inputs
>>> from reechain.demand.scenarios import builtin_scenario
>>> p = project(compile_inputs(load_demand_tables(), builtin_scenario("stated")))
>>> p.demand_t_per_year.shape == p.secondary_t_per_year.shape
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.demand.inputs import DemandInputs
from reechain.demand.lifetimes import survival_curve
from reechain.demand.recycling import secondary_supply
from reechain.demand.stock import inflow_driven, stock_driven

FloatArray = NDArray[np.float64]

MAGNET_ELEMENTS: tuple[str, ...] = ("Nd", "Pr", "Dy", "Tb")
"""The magnet rare earths of the IEA's magnet-REE demand figure."""


@dataclass(frozen=True, eq=False)
class Projection:
    """Demand, stock in use and secondary supply of one scenario, by year."""

    inputs: DemandInputs
    units_inflow_per_year: FloatArray
    """(T, R, S) rare-earth-bearing units entering use."""
    units_in_use: FloatArray
    """(T, R, S) rare-earth-bearing units in use at year end."""
    units_outflow_per_year: FloatArray
    """(T, R, S) units reaching end of life."""
    inflow_correction_per_year: FloatArray
    """(T, R, S) units added to negative stock-driven inflows (zero when none)."""
    demand_t_per_year: FloatArray
    """(T, R, S, E) tonnes of element in units entering use (primary + secondary demand)."""
    stock_t: FloatArray
    """(T, R, S, E) tonnes of element in use at year end."""
    end_of_life_t_per_year: FloatArray
    """(T, R, S, E) tonnes of element in units reaching end of life."""
    secondary_t_per_year: FloatArray
    """(T, R, S, E) tonnes of element recovered from end-of-life units."""

    @property
    def reported(self) -> slice:
        """Return the slice of the time axis from the scenario's first reported year."""
        return slice(int(self.inputs.first_year - self.inputs.years[0]), None)

    @property
    def corrected_inflows(self) -> int:
        """Return how many (year, region, sector) inflows were negative and set to zero."""
        return int(np.count_nonzero(self.inflow_correction_per_year))

    def magnet_demand_t_per_year(self) -> FloatArray:
        """Return (T,) world demand for Nd + Pr + Dy + Tb in magnet sectors, tonnes per year."""
        x = self.inputs
        e = [x.elements.index(name) for name in MAGNET_ELEMENTS if name in x.elements]
        return np.asarray(
            self.demand_t_per_year[:, :, x.magnet][..., e].sum(axis=(1, 2, 3)), dtype=np.float64
        )


def project(inputs: DemandInputs) -> Projection:
    """Return the projection of ``inputs``: demand, stock, end of life and secondary supply.

    Examples
    --------
    >>> from reechain.demand.tables import load_demand_tables
    >>> from reechain.demand.inputs import compile_inputs
    >>> from reechain.demand.scenarios import builtin_scenario
    >>> p = project(compile_inputs(load_demand_tables(), builtin_scenario("accelerated")))
    >>> bool((p.secondary_t_per_year <= p.end_of_life_t_per_year + 1e-9).all())
    True
    """
    x = inputs
    T = len(x.years)
    curves = np.stack([survival_curve(lt, T, x.inflow_timing) for lt in x.lifetimes])  # (S, T)

    units = np.moveaxis(x.re_units_per_year, 0, -1)  # (R, S, T)
    result = inflow_driven(units, curves)
    inflow, outflow, stock = result.inflow_per_year, result.outflow_per_year, result.stock
    correction = np.zeros_like(inflow)
    driven = x.stock_driven
    if driven.any():
        target = np.moveaxis(x.stock_target[:, :, driven], 0, -1)
        sd = stock_driven(target, curves[driven])
        inflow, outflow, stock = inflow.copy(), outflow.copy(), stock.copy()
        inflow[:, driven] = sd.inflow_per_year
        outflow[:, driven] = sd.outflow_per_year
        stock[:, driven] = sd.stock
        correction[:, driven] = sd.inflow_correction_per_year

    intensity = np.moveaxis(x.intensity_kg_per_unit, 0, -1)  # (S, E, T)
    mass_in = inflow[:, :, None, :] * intensity[None] / 1000.0  # (R, S, E, T)
    mass = inflow_driven(mass_in, curves[:, None, :])
    eol = mass.outflow_per_year
    rates = (np.moveaxis(x.collection_rate, 0, -1), np.moveaxis(x.recovery_rate, 0, -1))
    secondary = secondary_supply(eol, rates[0][None, :, None, :], rates[1][None, :, None, :])

    def units_first(a: FloatArray) -> FloatArray:
        return np.ascontiguousarray(np.moveaxis(a, -1, 0))

    return Projection(
        inputs=x,
        units_inflow_per_year=units_first(inflow),
        units_in_use=units_first(stock),
        units_outflow_per_year=units_first(outflow),
        inflow_correction_per_year=units_first(correction),
        demand_t_per_year=units_first(mass_in),
        stock_t=units_first(mass.stock),
        end_of_life_t_per_year=units_first(eol),
        secondary_t_per_year=units_first(secondary),
    )
