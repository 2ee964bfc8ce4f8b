"""Trade rounds 1 and 2 of the reference engine (DESIGN.md §4, step 2), one commodity at
a time: :func:`trade` (the kernel's :func:`reechain.engine.kernel.trade.trade`) and
:func:`waterfill`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from reechain.engine.groups import BoolArray, FloatArray

__all__ = ["trade", "waterfill"]


def trade(
    wanted: FloatArray,
    cap: FloatArray,
    has: FloatArray,
    request: FloatArray,
    partners: BoolArray,
    qualified: Callable[[FloatArray], BoolArray] | None = None,
) -> FloatArray:
    """Return (R, R) one commodity's shipments, supplier × requester: round 1 on ``wanted``
    (share × request), then round 2 on the leftovers, on the links ``qualified(ship)``
    allows ((R, R) from round 1's shipments; default: every link)."""
    ship = _trade_round_1(wanted, cap, has)
    allowed = np.ones(ship.shape, dtype=bool) if qualified is None else qualified(ship)
    _trade_round_2(ship, cap, has, request, partners, allowed)
    return ship


def _trade_round_1(wanted: FloatArray, cap: FloatArray, has: FloatArray) -> FloatArray:
    """(R, R) round 1: min(share × request, cap), scaled pro rata where a supplier is short."""
    ship = np.minimum(wanted, cap)
    total = ship.sum(axis=1)
    for i in np.nonzero(total > has)[0].tolist():
        ship[i] *= has[i] / total[i]
    return ship


def _trade_round_2(
    ship: FloatArray,
    cap: FloatArray,
    has: FloatArray,
    request: FloatArray,
    partners: BoolArray,
    allowed: BoolArray,
) -> None:
    """Round 2, in place: suppliers in index order offer leftovers to unmet requests on
    the ``allowed`` (R, R) links (qualified suppliers)."""
    R = len(has)
    for i in range(R):
        leftover = has[i] - ship[i].sum()
        if leftover <= 0:
            continue
        groups = [partners, ~partners] if partners[i] and partners.any() else [np.ones(R, bool)]
        for members in groups:
            unmet = np.maximum(request - ship.sum(axis=0), 0.0) * members
            room = np.where(allowed[i], np.maximum(cap[i] - ship[i], 0.0), 0.0)
            given = waterfill(leftover, unmet, np.minimum(unmet, room))
            ship[i] += given
            leftover -= given.sum()
            if leftover <= 0:
                break


def waterfill(amount: float, weights: FloatArray, limits: FloatArray) -> FloatArray:
    """Return ``amount`` shared pro rata to ``weights``, none above its limit, excess passed on.

    Examples
    --------
    >>> waterfill(10.0, np.array([1.0, 1.0]), np.array([2.0, 100.0])).tolist()
    [2.0, 8.0]
    """
    given = np.zeros_like(weights)
    active = (weights > 0) & (limits > 0)
    while amount > 0 and active.any():
        offer = amount * np.where(active, weights, 0.0) / weights[active].sum()
        over = active & (given + offer >= limits)
        if not over.any():
            given += offer
            break
        amount -= (limits[over] - given[over]).sum()
        given[over] = limits[over]
        active &= ~over
    return given
