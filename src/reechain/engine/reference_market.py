"""The reference engine's market rules (DESIGN.md §4): which links round 2 may use while a
buyer qualifies new suppliers (:func:`qualify`, the kernel's twin in
:mod:`reechain.engine.kernel.trade`) and the month's price from expected cover
(:func:`price`, the kernel's :func:`reechain.engine.kernel.make.price`). The decisions they
take are in :mod:`reechain.engine.reference`'s docstring."""

from __future__ import annotations

import numpy as np

from reechain.engine.groups import BoolArray, FloatArray
from reechain.engine.lags import QUALIFY_TOLERANCE
from reechain.engine.prepare import Prepared
from reechain.units import DAYS_PER_MONTH

__all__ = ["inventory_target", "price", "qualify"]


def inventory_target(prep: Prepared, use: FloatArray) -> FloatArray:
    """(R, C) user inventory target: target days × this month's use ÷ (365/12)."""
    target: FloatArray = prep.inventory_target_days * use / DAYS_PER_MONTH
    return target


def qualify(
    prep: Prepared,
    t: int,
    c: int,
    share: FloatArray,
    request: FloatArray,
    ship: FloatArray,
    *,
    since: FloatArray,
) -> BoolArray:
    """Return (R, R) the links on which round 2 may ship commodity ``c`` in month ``t``:
    a requester's current suppliers (sourcing share > 0), and every supplier once the
    qualification lag has passed since its first shortfall. A requester's clock (``since``,
    changed in place) starts in the first month round 1's ``ship`` leaves its request unmet
    (by more than ``QUALIFY_TOLERANCE`` of it)."""
    short = request - ship.sum(axis=0) > QUALIFY_TOLERANCE * request
    since[:, c] = np.where((since[:, c] < 0) & short, t, since[:, c])
    ready = (since[:, c] >= 0) & (t >= since[:, c] + prep.qualification_months[c])
    allowed: BoolArray = (share > 0) | ready[None, :]
    return allowed


def price(
    prep: Prepared,
    t: int,
    use: FloatArray,
    request: FloatArray,
    inflow: FloatArray,
    user_stock: FloatArray,
    producer_stock: FloatArray,
    price_prev: FloatArray,
) -> FloatArray:
    """3. Price (R, C) from expected cover, adjusted partially, linked, wedged, capped.

    ``use`` is this month's use requirement U, ``request`` what users asked their suppliers
    for and ``inflow`` what they got: deliveries plus stockpile releases (R, C)."""
    m = prep.market
    H, cap = m.cover_horizon_months, prep.price_cap_multiple[None, :]
    on_hand = user_stock + producer_stock
    target = inventory_target(prep, use) * prep.target_scale[t]
    demand_h = target + H * use
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fill = np.where(
            request > 0, np.minimum(inflow / np.where(request > 0, request, 1.0), 1.0), 1.0
        )
        held = np.where(demand_h > 0, on_hand / np.where(demand_h > 0, demand_h, 1.0), 1.0)
        cover = fill + (1.0 - fill) * np.minimum(held, 1.0)
        cover = np.where(cover >= 1.0 - 1e-12, 1.0, np.maximum(cover, 0.0))
        clearing = np.where(
            cover > 0, np.minimum(cover ** (1 / prep.elasticity[None, :]), cap), cap
        )
    last = price_prev / prep.price0_usd_per_kg[None, :]
    moved = np.exp((1 - m.adjustment) * np.log(last) + m.adjustment * np.log(clearing))
    linked = np.maximum(moved, m.coproduct_linkage * moved @ prep.coproduct_weights.T)
    R = len(prep.regions)
    wedged = linked.copy()
    for r in range(R):
        weight = np.delete(use, r, axis=0)  # (R - 1, C) this month's use abroad
        total = weight.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            world = np.where(
                total > 0, (np.delete(linked, r, axis=0) * weight).sum(axis=0) / total, 1.0
            )
        tied = np.maximum(linked[r], m.wedge * world)
        wedged[r] = np.where(prep.restricting[t, r] > 0, tied, linked[r])
    prices: FloatArray = prep.price0_usd_per_kg[None, :] * np.minimum(wedged, cap)
    return prices
