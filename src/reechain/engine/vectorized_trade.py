"""Trade rounds 1 and 2 of DESIGN.md §4 on whole batches: rows are (scenario, commodity).

The arrays carry leading axes ``(..., R, R)`` (supplier, requester) or ``(..., R)``; every
leading element is one independent trade problem, so no loop runs over scenarios. Round 2
loops over suppliers in region-index order (the rule's order) and water-fills each
supplier's leftover in a fixed number of exact passes (:func:`waterfill_rows`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def trade_round_1(wanted: FloatArray, cap: FloatArray, has: FloatArray) -> FloatArray:
    """Return (..., N, R) round-1 shipments: min(wanted, cap), pro rata where a supplier is
    short.

    ``wanted`` is share × request (..., N, R), N suppliers; ``has`` (..., N) output +
    producer stock.
    """
    ship = np.minimum(wanted, cap)
    total = ship.sum(axis=-1)
    short = total > has
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(short, has / np.where(short, total, 1.0), 1.0)
    ship = np.where(short[..., None], ship * factor[..., None], ship)
    return ship


def trade_round_2(
    ship: FloatArray,
    cap: FloatArray,
    has: FloatArray,
    request: FloatArray,
    partners: BoolArray,
    supplier_partner: BoolArray | None = None,
) -> None:
    """Round 2, in place on ``ship`` (..., N, R): suppliers in index order offer leftovers.

    The N suppliers of each row are regions in increasing index order (all R regions, or
    the few that can supply the row's commodity); ``has`` (..., N). ``request`` (..., R)
    per requester; ``partners`` (..., R) the partner regions of each row (all False: no
    preference); ``supplier_partner`` (..., N) whether each supplier is a partner (default:
    ``partners``, when the suppliers are all regions). A supplier inside a non-empty
    partner set serves partners' unmet requests first, then the others.
    """
    if supplier_partner is None:
        supplier_partner = partners
    # only rows where some supplier has a leftover and some request is unmet can change
    # (a supplier's leftover is fixed by round 1, since round 2 only adds to its own row,
    # and unmet requests only shrink): work on those alone
    offers = (has - ship.sum(axis=-1) > 0).any(axis=-1)
    unmet = (request - ship.sum(axis=-2) > 0).any(axis=-1)
    rows = np.nonzero(offers & unmet)
    if not len(rows[0]):
        return
    part = ship[rows]
    _round_2_rows(part, cap[rows], has[rows], request[rows], partners[rows], supplier_partner[rows])
    ship[rows] = part


def _round_2_rows(
    ship: FloatArray,
    cap: FloatArray,
    has: FloatArray,
    request: FloatArray,
    partners: BoolArray,
    supplier_partner: BoolArray,
) -> None:
    """Round 2 on (n, N, R) rows, in place (see :func:`trade_round_2`)."""
    any_partner = partners.any(axis=-1)
    everyone = np.ones_like(partners)
    received = ship.sum(axis=-2)  # (..., R) kept up to date as suppliers give
    for i in range(ship.shape[-2]):
        leftover = has[..., i] - ship[..., i, :].sum(axis=-1)
        if not (leftover > 0).any():
            continue
        grouped = supplier_partner[..., i] & any_partner
        groups = (
            np.where(grouped[..., None], partners, everyone),
            np.where(grouped[..., None], ~partners, False),
        )
        for members in groups:
            live = leftover > 0
            if not live.any():
                break
            unmet = np.maximum(request - received, 0.0) * members
            room = np.maximum(cap[..., i, :] - ship[..., i, :], 0.0)
            given = waterfill_rows(np.where(live, leftover, 0.0), unmet, np.minimum(unmet, room))
            ship[..., i, :] += given
            received += given
            leftover = np.where(live, leftover - given.sum(axis=-1), leftover)


def waterfill_rows(amount: FloatArray, weights: FloatArray, limits: FloatArray) -> FloatArray:
    """Return (..., n) each row's ``amount`` shared pro rata to ``weights`` under ``limits``.

    The capped proportional fill of :func:`reechain.engine.reference.waterfill`, row by
    row: each pass either places the whole remaining amount or fills at least one entry to
    its limit and removes it, so n + 1 passes are exact. Rows already finished are left
    untouched by later passes, so a row's result does not depend on the other rows.

    Examples
    --------
    >>> waterfill_rows(np.array([10.0]), np.array([[1.0, 1.0]]), np.array([[2.0, 100.0]]))
    array([[2., 8.]])
    """
    given = np.zeros_like(weights)
    active = (weights > 0) & (limits > 0)
    amount = np.asarray(amount, dtype=np.float64).copy()
    done = ~((amount > 0) & active.any(axis=-1))
    for _ in range(weights.shape[-1] + 1):
        if done.all():
            break
        w = np.where(active, weights, 0.0)
        total = w.sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            offer = amount[..., None] * w / np.where(done, 1.0, total)[..., None]
        over = active & (given + offer >= limits) & ~done[..., None]
        any_over = over.any(axis=-1)
        finish = ~done & ~any_over
        given = np.where(finish[..., None], given + offer, given)
        capped = np.where(over, limits - given, 0.0).sum(axis=-1)
        amount = np.where(any_over, amount - capped, amount)
        given = np.where(over, limits, given)
        active &= ~over
        done = done | finish | ~((amount > 0) & active.any(axis=-1))
    return given
