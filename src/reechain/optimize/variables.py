"""Variables of the partnership MILP, one ``define_*`` function per family.

First stage (dims ``candidate`` / ``store``): ``Project-build`` (binary), ``Stockpile-size``
(tonnes). Second stage (dims ``history, step, …``): ``Process-activity``, ``Import``,
``Enduse-shortfall`` (output lost against the requirement N),
``Enduse-served`` (the served fraction of each commodity's end use), ``Stockpile-release``,
``Stockpile-level``; for a CVaR objective or limit, ``CVaR-threshold`` and ``CVaR-excess`` (USD).
"""

from __future__ import annotations

from typing import Any

import linopy
import numpy as np
import xarray as xr

from reechain.optimize.candidates import CandidateKind
from reechain.optimize.second_stage import Instance
from reechain.optimize.settings import Settings


def coords(inst: Instance) -> dict[str, Any]:
    """Return the named coordinates of the model's dimensions."""
    return {
        "candidate": [c.candidate for c in inst.candidates],
        "store": list(inst.store_names),
        "history": list(inst.histories),
        "step": np.arange(inst.n_steps),
        "process": list(inst.process_names),
        "commodity": list(inst.commodities),
        "use": list(inst.use_names),
    }


def _array(values: Any, dims: tuple[str, ...], inst: Instance) -> xr.DataArray:
    c = coords(inst)
    return xr.DataArray(
        np.asarray(values, dtype=np.float64), dims=dims, coords={d: c[d] for d in dims}
    )


def define_investment_variables(m: linopy.Model, inst: Instance, settings: Settings) -> None:
    """Add ``Project-build`` (1: the candidate is chosen), fixed when the settings fix it."""
    J = len(inst.candidates)
    lower, upper = np.zeros(J), np.ones(J)
    if settings.fixed_build is not None:
        for j, c in enumerate(inst.candidates):
            lower[j] = upper[j] = float(settings.fixed_build.get(c.candidate, 0.0))
    m.add_variables(
        lower=_array(lower, ("candidate",), inst),
        upper=_array(upper, ("candidate",), inst),
        integer=settings.fixed_build is None,
        name="Project-build",
    )


def define_stockpile_size_variables(m: linopy.Model, inst: Instance, settings: Settings) -> None:
    """Add ``Stockpile-size`` (tonnes held at the start; fixed for the dataset's stocks)."""
    lower = np.where(inst.store_candidate < 0, inst.store_existing_t, 0.0)
    upper = inst.store_max_size_t.copy()
    if settings.fixed_size_t is not None:
        for k, name in enumerate(inst.store_names):
            if inst.store_candidate[k] >= 0:
                lower[k] = upper[k] = min(float(settings.fixed_size_t.get(name, 0.0)), upper[k])
    m.add_variables(
        lower=_array(lower, ("store",), inst),
        upper=_array(upper, ("store",), inst),
        name="Stockpile-size",
    )


def define_operation_variables(m: linopy.Model, inst: Instance) -> None:
    """Add the second-stage flows: activity, imports, end-use output, stock use."""
    S, T = inst.n_histories, inst.n_steps
    existing = inst.process_candidate < 0
    upper = np.where(existing[None, None, :], inst.process_capacity, np.inf)
    m.add_variables(
        lower=0.0,
        upper=_array(upper, ("history", "step", "process"), inst),
        name="Process-activity",
    )
    m.add_variables(
        lower=0.0, upper=_array(inst.imports, ("history", "step", "commodity"), inst), name="Import"
    )
    m.add_variables(
        lower=0.0,
        upper=_array(inst.requirement, ("history", "step", "use"), inst),
        name="Enduse-shortfall",
    )
    m.add_variables(
        lower=0.0,
        upper=_array(
            np.ones((S, T, len(inst.commodities))), ("history", "step", "commodity"), inst
        ),
        name="Enduse-served",
    )
    release = np.broadcast_to(inst.store_max_release[None], (S, T, len(inst.store_names)))
    m.add_variables(
        lower=0.0,
        upper=_array(release, ("history", "step", "store"), inst),
        name="Stockpile-release",
    )
    m.add_variables(
        lower=0.0,
        upper=_array(
            np.broadcast_to(inst.store_max_size_t, (S, T, len(inst.store_names))),
            ("history", "step", "store"),
            inst,
        ),
        name="Stockpile-level",
    )


def define_risk_variables(m: linopy.Model, inst: Instance, settings: Settings) -> None:
    """Add ``CVaR-threshold`` (USD) and ``CVaR-excess`` (USD per history) when a CVaR is used."""
    if settings.cvar_limit_usd is None or "cvar" in settings.skip:
        return
    m.add_variables(lower=-np.inf, upper=np.inf, name="CVaR-threshold")
    m.add_variables(
        lower=_array(np.zeros(inst.n_histories), ("history",), inst), name="CVaR-excess"
    )


def stock_candidates(inst: Instance) -> list[int]:
    """Return the indices of stockpile candidates among the candidates."""
    return [j for j, c in enumerate(inst.candidates) if c.kind is CandidateKind.STOCKPILE]
