"""Constraints of the partnership MILP, one ``define_*`` function per family.

Every family has a readable name; rows of the first-stage families carry their own name
in :data:`FIRST_STAGE_ROWS` so that an infeasible problem can say which conflict:

- ``Commodity-balance`` (history, step, commodity): supply ≥ use (free disposal).
- ``Enduse-prorata`` (history, step, use/commodity): each end use loses at least the
  unserved share of each commodity it needs.
- ``Project-capacity`` (history, step, process): a candidate plant runs only if built.
- ``Stockpile-link`` (store): a candidate stock is sized only if built, at most its maximum.
- ``Stockpile-dynamics`` (history, step, store): level = previous level − release.
- ``budget``: capex + stock purchases ≤ the budget.
- ``max-share[STAGE,REGION]``: by the target year, the pool's own capacity, chosen
  candidates and the other outside suppliers cover at least (1 − share) of the pool's use
  at that stage, so REGION supplies at most ``share`` of it.
- ``days-of-cover[HOLDER,COMMODITY]``: stocks ≥ days ÷ 365 × the holder's baseline use.
- ``CVaR-excess`` and ``cvar``: Rockafellar–Uryasev: excess_s ≥ loss_s − threshold,
  threshold + Σ w_s excess_s ÷ (1 − level) ≤ limit (w_s the history's probability).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import linopy
import numpy as np
import xarray as xr
from numpy.typing import NDArray

from reechain.optimize.second_stage import DAYS_PER_YEAR, Instance
from reechain.optimize.settings import Settings
from reechain.optimize.variables import coords

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def expression(
    m: linopy.Model,
    labels: IntArray,
    coeffs: FloatArray,
    dims: Sequence[str],
    coord: dict[str, object],
) -> linopy.LinearExpression:
    """Return the linear expression Σ_term coeffs × var[labels] (last axis: terms; −1: none)."""
    full = (*dims, "_term")
    data = xr.Dataset(
        {"coeffs": (full, coeffs), "vars": (full, labels)},
        coords={d: coord[d] for d in dims},
    )
    return linopy.LinearExpression(data, m)


def _gather(labels: IntArray, coef: FloatArray) -> tuple[IntArray, FloatArray]:
    """Per commodity, the items with a non-zero coefficient.

    ``labels`` (S, T, N) variable labels; ``coef`` (S, T, N, C) coefficients (broadcast).
    Returns labels and coefficients (S, T, C, M), padded with label −1.
    """
    S, T = labels.shape[:2]
    C = coef.shape[-1]
    if labels.shape[2] == 0:
        return np.full((S, T, C, 1), -1, dtype=np.int64), np.zeros((S, T, C, 1))
    nz = np.abs(coef).reshape(-1, *coef.shape[-2:]).max(axis=0) > 0  # (N, C)
    M = max(1, int(nz.sum(axis=0).max(initial=0)))
    idx = np.full((C, M), -1, dtype=np.int64)
    for c in range(C):
        items = np.nonzero(nz[:, c])[0]
        idx[c, : len(items)] = items
    safe = np.maximum(idx, 0)
    lab = labels[:, :, safe]  # (S, T, C, M)
    full = np.broadcast_to(coef, (S, T, *coef.shape[-2:]))
    cf = full[:, :, safe, np.arange(C)[:, None]]  # (S, T, C, M)
    pad = idx < 0
    return np.where(pad, -1, lab), np.where(pad, 0.0, cf)


def define_balance_constraints(m: linopy.Model, inst: Instance) -> None:
    """Add ``Commodity-balance``: production + imports + releases + candidate supply ≥ use.

    End use takes the served fraction of its material requirement (pro rata).
    """
    S, T, C = inst.n_histories, inst.n_steps, len(inst.commodities)
    x = m.variables["Process-activity"].labels.values
    imp = m.variables["Import"].labels.values
    f = m.variables["Enduse-served"].labels.values
    rel = m.variables["Stockpile-release"].labels.values
    build = m.variables["Project-build"].labels.values
    K = len(inst.store_names)
    store_c = np.zeros((K, C))
    store_c[np.arange(K), inst.store_commodity] = 1.0
    blocks = [
        _gather(x, (inst.process_outputs - inst.process_inputs)[None, None]),
        (imp[..., None], np.ones((S, T, C, 1))),
        (f[..., None], -end_use_material(inst)[..., None]),
        _gather(rel, store_c[None, None]),
        _gather(np.broadcast_to(build, (S, T, len(build))), inst.candidate_supply),
    ]
    labels = np.concatenate([b[0] for b in blocks], axis=-1)
    coeffs = np.concatenate([b[1] for b in blocks], axis=-1)
    dims = ("history", "step", "commodity")
    expr = expression(m, labels, coeffs, dims, coords(inst))
    rhs = xr.DataArray(-inst.extra_supply, dims=dims, coords={d: coords(inst)[d] for d in dims})
    m.add_constraints(expr >= rhs, name="Commodity-balance")


def end_use_material(inst: Instance) -> FloatArray:
    """Return (S, T, C) end-use material requirement Σ_u intensity × N per step."""
    out: FloatArray = np.einsum("stu,uc->stc", inst.requirement, inst.intensity)
    return out


def define_enduse_constraints(m: linopy.Model, inst: Instance) -> None:
    """Add ``Enduse-prorata``: shortfall_u ≥ N_u × (1 − served_c) for each input c of u."""
    pairs = np.argwhere(inst.intensity > 0)  # (L, 2): use, commodity
    if not len(pairs):
        return
    z = m.variables["Enduse-shortfall"].labels.values[:, :, pairs[:, 0]]
    f = m.variables["Enduse-served"].labels.values[:, :, pairs[:, 1]]
    N = inst.requirement[:, :, pairs[:, 0]]
    labels = np.stack([z, f], axis=-1)
    coeffs = np.stack([np.ones(z.shape), N], axis=-1)
    names = [f"{inst.use_names[u]}/{inst.commodities[c]}" for u, c in pairs]
    coord = coords(inst) | {"link": names}
    expr = expression(m, labels, coeffs, ("history", "step", "link"), coord)
    rhs = xr.DataArray(
        N,
        dims=("history", "step", "link"),
        coords={k: coord[k] for k in ("history", "step", "link")},
    )
    m.add_constraints(expr >= rhs, name="Enduse-prorata")


def define_capacity_constraints(m: linopy.Model, inst: Instance) -> None:
    """Add ``Project-capacity``: activity of a candidate plant ≤ its capacity × build."""
    cand = np.nonzero(inst.process_candidate >= 0)[0]
    if not len(cand):
        return
    x = m.variables["Process-activity"].labels.values[:, :, cand]
    build = m.variables["Project-build"].labels.values[inst.process_candidate[cand]]
    labels = np.stack([x, np.broadcast_to(build, x.shape)], axis=-1)
    coeffs = np.stack([np.ones(x.shape), -inst.process_capacity[:, :, cand]], axis=-1)
    coord = coords(inst) | {"process": [inst.process_names[p] for p in cand]}
    expr = expression(m, labels, coeffs, ("history", "step", "process"), coord)
    m.add_constraints(expr <= 0, name="Project-capacity")


def define_stockpile_constraints(m: linopy.Model, inst: Instance) -> None:
    """Add ``Stockpile-link`` and ``Stockpile-dynamics`` (levels carry over steps)."""
    size = m.variables["Stockpile-size"].labels.values
    build = m.variables["Project-build"].labels.values
    cand = np.nonzero(inst.store_candidate >= 0)[0]
    if len(cand):
        labels = np.stack([size[cand], build[inst.store_candidate[cand]]], axis=-1)
        coeffs = np.stack([np.ones(len(cand)), -inst.store_max_size_t[cand]], axis=-1)
        coord = coords(inst) | {"store": [inst.store_names[k] for k in cand]}
        m.add_constraints(
            expression(m, labels, coeffs, ("store",), coord) <= 0, name="Stockpile-link"
        )
    K = len(inst.store_names)
    if not K:
        return
    level = m.variables["Stockpile-level"].labels.values
    release = m.variables["Stockpile-release"].labels.values
    S, T = level.shape[:2]
    previous = np.concatenate([np.broadcast_to(size, (S, 1, K)), level[:, :-1]], axis=1)
    labels = np.stack([level, release, previous], axis=-1)
    coeffs = np.stack([np.ones((S, T, K)), np.ones((S, T, K)), -np.ones((S, T, K))], axis=-1)
    expr = expression(m, labels, coeffs, ("history", "step", "store"), coords(inst))
    m.add_constraints(expr == 0, name="Stockpile-dynamics")


@dataclass(frozen=True)
class Row:
    """One named first-stage constraint: Σ coeffs × Project-build + Σ per_t × size (sign) rhs."""

    name: str
    build: FloatArray
    """(J,) coefficients of Project-build."""
    size: FloatArray
    """(K,) coefficients of Stockpile-size."""
    sign: str
    rhs: float
    text: str
    """What the row asks, in words (for error messages)."""


def first_stage_rows(inst: Instance, settings: Settings) -> list[Row]:
    """Return the budget, max-share and days-of-cover rows the settings ask for."""
    J = len(inst.candidates)
    rows = []
    if settings.budget_usd is not None:
        capex = np.array([c.capex_usd for c in inst.candidates])
        per_t = np.array(
            [
                inst.candidates[j].capex_usd_per_t or 0.0 if j >= 0 else 0.0
                for j in inst.store_candidate
            ]
        )
        rows.append(
            Row(
                "budget",
                capex,
                per_t,
                "<=",
                settings.budget_usd,
                f"budget ≤ USD {settings.budget_usd:,.0f}",
            )
        )
    if settings.max_share is not None:
        rows += _share_rows(inst, settings)
    for cover in settings.days_of_cover:
        r = inst.regions.index(cover.holder)
        c = inst.commodities.index(cover.commodity)
        need = cover.days / DAYS_PER_YEAR * float(inst.baseline_use_per_year[r, c])
        hit = (inst.store_holder == r) & (inst.store_commodity == c)
        rows.append(
            Row(
                f"days-of-cover[{cover.holder},{cover.commodity}]",
                np.zeros(J),
                hit.astype(float),
                ">=",
                need,
                f"{cover.holder} {cover.commodity} stocks ≥ {cover.days:g} days ({need:,.1f} t)",
            )
        )
    return [row for row in rows if row.name not in settings.skip]


def _share_rows(inst: Instance, settings: Settings) -> list[Row]:
    share = settings.max_share
    assert share is not None
    rows = []
    K = len(inst.store_names)
    pool_use = inst.baseline_use_per_year[inst.pool].sum(axis=0)
    for stage in share.stages:
        g = inst.stages.index(stage)
        at = inst.commodity_stage == g
        need = float(pool_use[at].sum())
        unreported = inst.extra_supply[0, 0, at].sum() * inst.steps_per_year
        own = float(inst.pool_capacity_per_year[at].sum() + unreported)
        by_exporter = inst.baseline_imports_by_exporter[at].sum(axis=0)  # (R,)
        ready = np.array([c.first_year <= share.year for c in inst.candidates])
        adds = inst.candidate_capacity_per_year[:, at].sum(axis=1) * ready
        for e in np.nonzero(by_exporter > 0)[0].tolist():
            others = float(by_exporter.sum() - by_exporter[e])
            rhs = (1 - share.share) * need - own - others
            if rhs <= 0:
                continue
            coeff = np.where(inst.candidate_place == e, 0.0, adds)
            rows.append(
                Row(
                    f"max-share[{stage},{inst.regions[e]}]",
                    coeff,
                    np.zeros(K),
                    ">=",
                    rhs,
                    f"{inst.regions[e]} ≤ {share.share:.0%} of the pool's {stage} supply by "
                    f"{share.year} (needs {rhs:,.0f} t/yr more from elsewhere)",
                )
            )
    return rows


def define_first_stage_constraints(m: linopy.Model, inst: Instance, settings: Settings) -> None:
    """Add the named first-stage rows (budget, max-share, days-of-cover)."""
    build = m.variables["Project-build"]
    size = m.variables["Stockpile-size"]
    for row in first_stage_rows(inst, settings):
        lhs = (
            build
            * xr.DataArray(
                row.build, dims="candidate", coords={"candidate": build.coords["candidate"]}
            )
        ).sum()
        if len(inst.store_names):
            lhs = (
                lhs
                + (
                    size
                    * xr.DataArray(row.size, dims="store", coords={"store": size.coords["store"]})
                ).sum()
            )
        if row.sign == "<=":
            m.add_constraints(lhs <= row.rhs, name=row.name)
        else:
            m.add_constraints(lhs >= row.rhs, name=row.name)


def loss_coefficients(inst: Instance, settings: Settings) -> FloatArray:
    """Return (S, T, U) USD per unit of ``Enduse-shortfall``: loss_s = Σ coef × shortfall.

    Loss counts the value share of the lost output, discounted to the first year.
    """
    disc = discount_factors(inst, settings)
    w = settings.value_of_lost_output_share * inst.value_usd_per_unit[None, None, :]
    coef = np.broadcast_to(w * disc[None, :, None], inst.requirement.shape)
    if settings.loss_scale is None:
        return coef
    scale = np.asarray(settings.loss_scale, dtype=np.float64)
    out: FloatArray = coef * scale[:, None, None]
    return out


def loss_offsets(inst: Instance, settings: Settings) -> FloatArray:
    """Return (S,) USD added to each history's loss (the fitted surrogate's intercept)."""
    if settings.loss_offset_usd is None:
        return np.zeros(inst.n_histories)
    return np.asarray(settings.loss_offset_usd, dtype=np.float64)


def discount_factors(inst: Instance, settings: Settings) -> FloatArray:
    """Return (T,) discount factors 1 ÷ (1 + r)^(years from the start of the horizon)."""
    t = np.arange(inst.n_steps) / inst.steps_per_year
    return np.asarray((1 + settings.discount_rate) ** -t, dtype=np.float64)


def define_cvar_constraints(m: linopy.Model, inst: Instance, settings: Settings) -> None:
    """Add ``CVaR-excess`` rows and the ``cvar`` limit (when a CVaR limit is set)."""
    if settings.cvar_limit_usd is None or "cvar" in settings.skip:
        return
    coef = loss_coefficients(inst, settings)
    z = m.variables["Enduse-shortfall"].labels.values
    S, T, U = z.shape
    eta = m.variables["CVaR-threshold"].labels.values.reshape(())
    exc = m.variables["CVaR-excess"].labels.values
    labels = np.concatenate([z.reshape(S, T * U), np.full((S, 1), eta), exc[:, None]], axis=1)
    coeffs = np.concatenate([-coef.reshape(S, T * U), np.ones((S, 1)), np.ones((S, 1))], axis=1)
    expr = expression(m, labels, coeffs, ("history",), coords(inst))
    rhs = xr.DataArray(
        loss_offsets(inst, settings), dims=("history",), coords={"history": coords(inst)["history"]}
    )
    m.add_constraints(expr >= rhs, name="CVaR-excess")
    weight = xr.DataArray(
        inst.weights / (1 - settings.cvar_level),
        dims=("history",),
        coords={"history": coords(inst)["history"]},
    )
    total = m.variables["CVaR-threshold"] + (m.variables["CVaR-excess"] * weight).sum()
    m.add_constraints(total <= settings.cvar_limit_usd, name="cvar")
