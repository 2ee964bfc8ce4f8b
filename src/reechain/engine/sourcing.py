"""Sourcing shares and what flows through them: baseline shares, policy shifts, embodied use
and true-origin content (decisions in :mod:`reechain.engine.prepare`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import ConsistencyError

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def base_shares(
    chain: Chain,
    requirement: FloatArray,
    production: FloatArray,
    stock_build: FloatArray,
    unreported: FloatArray,
) -> FloatArray:
    """(C, R, R) baseline sourcing shares, supplier × requester."""
    R, C = requirement.shape
    flow = chain.trade_matrix
    share = np.zeros((C, R, R))
    domestic = production + unreported - chain.exports - stock_build
    scale = np.maximum(1.0, np.abs(requirement))
    if np.any(domestic < -1e-9 * scale):
        r, c = np.argwhere(domestic < -1e-9 * scale)[0]
        raise ConsistencyError(
            f"{chain.regions[r]} exports more {chain.commodities[c]} than it produces; the "
            "engine does not model re-exports of imports"
        )
    total_exports = chain.exports.sum(axis=0)
    for c in range(C):
        for j in range(R):
            if requirement[j, c] > 0:
                share[c, :, j] = flow[c, :, j] / requirement[j, c]
                share[c, j, j] = max(domestic[j, c], 0.0) / requirement[j, c]
            elif production[j, c] + unreported[j, c] > 0:
                share[c, j, j] = 1.0
            elif total_exports[c] > 0:
                share[c, :, j] = chain.exports[:, c] / total_exports[c]
            else:
                share[c, j, j] = 1.0
    return share


def shift_shares(
    share: FloatArray,
    c: int,
    supplier: int,
    offtakers: list[int],
    added: FloatArray,
    requirement: FloatArray,
) -> None:
    """Raise offtakers' shares from ``supplier`` by their part of ``added`` (T,), in place."""
    takers = [j for j in offtakers if requirement[j] > 0]
    total = sum(requirement[j] for j in takers)
    for j in takers:
        rise = added / total  # the same rise of share for every offtaker
        old = share[:, c, supplier, j].copy()
        new = np.minimum(1.0, old + rise)
        rest = 1.0 - old
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(rest > 0, (1.0 - new) / rest, 0.0)
        others = np.ones(share.shape[2], dtype=bool)
        others[supplier] = False
        share[:, c, others, j] *= factor[:, None]
        share[:, c, supplier, j] = new


def embodied_use(chain: Chain, share: FloatArray, end_use_per_year: FloatArray) -> FloatArray:
    """Return (R, C) use of each commodity, units per year, that ``end_use_per_year`` (S, R)
    needs through baseline recipes and sourcing shares (co-products allocated by mass).
    """
    R, C = len(chain.regions), len(chain.commodities)
    use = end_use_per_year.T @ chain.intensity
    outputs = chain.process_outputs
    inputs = chain.process_inputs
    production = chain.production
    for g in sorted(set(chain.commodity_stage.tolist()), reverse=True):
        cs = np.nonzero(chain.commodity_stage == g)[0]
        made = np.zeros((R, C))
        for c in cs:
            made[:, c] = share[c] @ use[:, c]
        for p in np.nonzero(chain.process_stage == g)[0]:
            r = chain.process_region[p]
            total_yield = outputs[p].sum()
            if total_yield <= 0:
                continue
            act = 0.0
            for c in np.nonzero(outputs[p])[0]:
                if production[r, c] > 0:
                    part = chain.activity_per_year[p] * outputs[p, c] / production[r, c]
                    act += made[r, c] * part / total_yield
            use[r] += act * inputs[p]
    return use


def origin_content(
    chain: Chain, share: FloatArray, exporter: int, restricted: BoolArray
) -> FloatArray:
    """Return (R, C) units of restricted commodities of ``exporter``'s origin per unit of each
    commodity made in each region, through baseline recipes and sourcing shares.
    """
    R, C = len(chain.regions), len(chain.commodities)
    made = np.zeros((R, C))
    supplied = np.zeros((R, C))
    for g in sorted(set(chain.commodity_stage.tolist())):
        cs = np.nonzero(chain.commodity_stage == g)[0]
        for p in np.nonzero(chain.process_stage == g)[0]:
            r = chain.process_region[p]
            total_yield = chain.process_outputs[p].sum()
            if total_yield <= 0:
                continue
            content = chain.process_inputs[p] @ supplied[r] / total_yield
            for c in np.nonzero(chain.process_outputs[p])[0]:
                made[r, c] = max(made[r, c], content)
        made[exporter, cs[restricted[cs]]] = 1.0
        for c in cs:
            supplied[:, c] = share[c].T @ made[:, c]
    return made
