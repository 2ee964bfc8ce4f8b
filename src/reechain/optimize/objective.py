"""Objective of the partnership MILP: first-stage cost plus the value of lost supply.

First-stage cost (USD, discounted to the first year of the horizon):

- a chosen candidate: capex (at its earliest start) + opex a year while it delivers;
- a stockpile: establishment capex when chosen, purchase price × tonnes, holding cost per
  tonne-year from its first year to the end of the horizon.

Second stage: the probability-weighted mean over histories of the lost supply, loss =
value share × Σ (N − y) × value per unit, discounted (``expected`` objective); with an
engine-fitted surrogate (:mod:`~reechain.optimize.loop`) each history's loss is scaled
and shifted (``Settings.loss_scale``, ``loss_offset_usd``), the shift a constant. With a
CVaR limit the objective is first-stage cost plus a small weight (:data:`TIE_BREAK`) on
expected loss, so the second stage still uses what was bought; the limit itself is a
constraint.
"""

from __future__ import annotations

import linopy
import numpy as np
import xarray as xr
from numpy.typing import NDArray

from reechain.optimize.candidates import CandidateKind
from reechain.optimize.constraints import discount_factors, loss_coefficients, loss_offsets
from reechain.optimize.partnership import Objective
from reechain.optimize.second_stage import Instance
from reechain.optimize.settings import Settings
from reechain.optimize.variables import coords

FloatArray = NDArray[np.float64]

TIE_BREAK = 1e-4
"""Weight of expected loss in the objective when cost is minimised under a CVaR limit."""


def build_costs(inst: Instance, settings: Settings) -> tuple[FloatArray, FloatArray]:
    """Return (J,) USD per chosen candidate and (K,) USD per tonne of each stock's size."""
    disc = discount_factors(inst, settings)
    dt = inst.step_years
    per_build = np.zeros(len(inst.candidates))
    for j, c in enumerate(inst.candidates):
        years_in = max(0.0, (c.earliest_start - inst.start_year) * 1.0)
        capex = c.capex_usd * (1 + settings.discount_rate) ** -years_in
        first = (c.first_year - inst.start_year) * inst.steps_per_year
        running = disc[max(0, first) :].sum() * dt if first < inst.n_steps else 0.0
        opex = 0.0 if c.kind is CandidateKind.STOCKPILE else c.opex_usd_per_year * running
        per_build[j] = capex + opex
    per_t = np.zeros(len(inst.store_names))
    for k, j in enumerate(inst.store_candidate.tolist()):
        if j < 0:
            continue
        c = inst.candidates[j]
        first = (c.first_year - inst.start_year) * inst.steps_per_year
        held = disc[max(0, first) :].sum() * dt if first < inst.n_steps else 0.0
        years_in = max(0.0, float(c.earliest_start - inst.start_year))
        buy = (c.capex_usd_per_t or 0.0) * (1 + settings.discount_rate) ** -years_in
        per_t[k] = buy + (c.holding_usd_per_t_year or 0.0) * held
    return per_build, per_t


def loss_weight(settings: Settings) -> float:
    """Return the weight of expected loss in the objective."""
    if settings.objective is Objective.CVAR and settings.cvar_limit_usd is not None:
        return TIE_BREAK
    return 1.0


def define_objective(m: linopy.Model, inst: Instance, settings: Settings) -> float:
    """Set the objective (USD); return its constant part (the weighted loss offsets)."""
    per_build, per_t = build_costs(inst, settings)
    c = coords(inst)
    build = m.variables["Project-build"]
    expr = (
        build * xr.DataArray(per_build, dims="candidate", coords={"candidate": c["candidate"]})
    ).sum()
    if len(inst.store_names):
        size = m.variables["Stockpile-size"]
        expr = expr + (size * xr.DataArray(per_t, dims="store", coords={"store": c["store"]})).sum()
    coef = loss_coefficients(inst, settings)
    weight = loss_weight(settings) * inst.weights
    z = m.variables["Enduse-shortfall"]
    dims = ("history", "step", "use")
    scaled = weight[:, None, None] * coef
    expr = expr + (z * xr.DataArray(scaled, dims=dims, coords={d: c[d] for d in dims})).sum()
    m.add_objective(expr)
    return float(loss_weight(settings) * inst.weights @ loss_offsets(inst, settings))


def bill_items(
    inst: Instance, settings: Settings, build: FloatArray, size_t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return (J,) discounted capex, stockpile material purchases and running costs (opex,
    or holding for a stock) of a portfolio, USD; their sum is its first-stage cost."""
    disc = discount_factors(inst, settings)
    dt = inst.step_years
    J = len(inst.candidates)
    capex, purchase, running = np.zeros(J), np.zeros(J), np.zeros(J)
    for j, c in enumerate(inst.candidates):
        years_in = max(0.0, float(c.earliest_start - inst.start_year))
        factor = (1 + settings.discount_rate) ** -years_in
        first = (c.first_year - inst.start_year) * inst.steps_per_year
        years = disc[max(0, first) :].sum() * dt if first < inst.n_steps else 0.0
        capex[j] = build[j] * c.capex_usd * factor
        if c.kind is not CandidateKind.STOCKPILE:
            running[j] = build[j] * c.opex_usd_per_year * years
    for k, j in enumerate(inst.store_candidate.tolist()):
        if j < 0:
            continue
        c = inst.candidates[j]
        years_in = max(0.0, float(c.earliest_start - inst.start_year))
        first = (c.first_year - inst.start_year) * inst.steps_per_year
        held = disc[max(0, first) :].sum() * dt if first < inst.n_steps else 0.0
        purchase[j] += (
            size_t[k] * (c.capex_usd_per_t or 0.0) * (1 + settings.discount_rate) ** (-years_in)
        )
        running[j] += size_t[k] * (c.holding_usd_per_t_year or 0.0) * held
    return capex, purchase, running
