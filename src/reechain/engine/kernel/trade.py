"""Trade rounds 1 and 2 of the kernel (the reference's :func:`~reechain.engine.reference.trade`
and :func:`~reechain.engine.reference.waterfill`)."""

from __future__ import annotations

from reechain.engine.groups import BoolArray, FloatArray, IntArray, Work
from reechain.engine.jit import njit
from reechain.engine.lags import QUALIFY_TOLERANCE


@njit
def waterfill(
    amount: float,
    weights: FloatArray,
    limits: FloatArray,
    given: FloatArray,
    offer: FloatArray,
    active: BoolArray,
) -> float:
    """Fill ``given`` (n,) with ``amount`` pro rata to ``weights`` under ``limits``; return
    the total given. ``offer`` and ``active`` are scratch."""
    n = weights.shape[0]
    for j in range(n):
        given[j] = 0.0
        active[j] = weights[j] > 0 and limits[j] > 0
    while amount > 0:
        total = 0.0
        anyone = False
        for j in range(n):
            if active[j]:
                total += weights[j]
                anyone = True
        if not anyone:
            break
        any_over = False
        for j in range(n):
            if active[j]:
                offer[j] = amount * weights[j] / total
                if given[j] + offer[j] >= limits[j]:
                    any_over = True
        if not any_over:
            for j in range(n):
                if active[j]:
                    given[j] += offer[j]
            break
        capped = 0.0
        for j in range(n):
            if active[j] and given[j] + offer[j] >= limits[j]:
                capped += limits[j] - given[j]
                given[j] = limits[j]
                active[j] = False
        amount -= capped
    out = 0.0
    for j in range(n):
        out += given[j]
    return out


@njit
def trade(
    t: int,
    c: int,
    share: FloatArray,
    sourced: IntArray,
    cap: FloatArray,
    request: FloatArray,
    partners: BoolArray,
    since: FloatArray,
    lag: float,
    work: Work,
) -> int:
    """Trade rounds 1 and 2 of commodity c on the regions with something to offer
    (``work.has`` > 0): their indices go to ``work.suppliers`` (count returned) and their
    rows to ``work.ship`` (R, R), each row's non-zero entries listed in ``work.to`` (count
    ``work.to_count``); every other row ships nothing (it has nothing), so it is left out.
    ``work.received`` (R,) gets what each requester receives. Round 2 ships on qualified
    links only (the reference's :func:`~reechain.engine.reference_market.qualify`; the
    clocks ``since`` (R, C) change in place, ``lag`` is c's qualification lag)."""
    has, ship, suppliers, received = work.has, work.ship, work.suppliers, work.received
    asked, to, to_count, short = work.asked, work.to, work.to_count, work.short
    R = has.shape[0]
    n = 0
    for i in range(R):
        if has[i] > 0:
            suppliers[n] = i
            n += 1
    for j in range(R):
        received[j] = 0.0
        asked[j] = request[j, c]
    # a zero shipment adds nothing to a sum that starts at 0.0, so each row's sums run over
    # its non-zero shipments only (``work.to``), in index order: the same sums, bit for bit;
    # a requester with a zero share is shipped min(0 × request, cap) = 0 (``sourced`` lists
    # the others)
    for k in range(n):
        i = suppliers[k]
        for j in range(R):
            ship[i, j] = 0.0
        m = 0
        for h in range(sourced.shape[2]):
            j = sourced[c, i, h]
            if j < 0:
                break
            x = min(share[c, i, j] * asked[j], cap[c, i, j])
            ship[i, j] = x
            to[i, m] = j
            m += x != 0
        to_count[i] = m
        total = 0.0
        for h in range(m):
            total += ship[i, to[i, h]]
        if total > has[i]:
            factor = has[i] / total
            for h in range(m):
                ship[i, to[i, h]] *= factor
        for h in range(m):
            j = to[i, h]
            received[j] += ship[i, j]
    # qualification clocks start at a requester's first shortfall after round 1
    for j in range(R):
        if since[j, c] < 0 and asked[j] - received[j] > QUALIFY_TOLERANCE * asked[j]:
            since[j, c] = t
    # round 2 can change nothing when every request is met: unmet requests only shrink, so
    # it runs over the requesters short after round 1 only (``work.short``, in index order)
    ns = 0
    for j in range(R):
        short[ns] = j
        ns += asked[j] - received[j] > 0
    if ns == 0:
        return n
    any_partner = False
    for j in range(R):
        if partners[c, j]:
            any_partner = True
    unmet, limit, given = work.unmet[:ns], work.limit[:ns], work.given[:ns]
    offer, active = work.offer[:ns], work.active[:ns]
    for k in range(n):
        i = suppliers[k]
        leftover = has[i]
        for h in range(to_count[i]):
            leftover -= ship[i, to[i, h]]
        if leftover <= 0:
            continue
        grouped = partners[c, i] and any_partner
        for group in range(2 if grouped else 1):
            for h in range(ns):
                j = short[h]
                member = (partners[c, j] if group == 0 else not partners[c, j]) if grouped else True
                u = max(asked[j] - received[j], 0.0) if member else 0.0
                unmet[h] = u
                ready = since[j, c] >= 0 and t >= since[j, c] + lag
                if share[c, i, j] > 0 or ready:
                    limit[h] = min(u, max(cap[c, i, j] - ship[i, j], 0.0))
                else:
                    limit[h] = 0.0
            placed = waterfill(leftover, unmet, limit, given, offer, active)
            for h in range(ns):
                j = short[h]
                ship[i, j] += given[h]
                received[j] += given[h]
            leftover -= placed
            if leftover <= 0:
                break
        m = 0  # the row's non-zero shipments again, round 2's included
        for j in range(R):
            to[i, m] = j
            m += ship[i, j] != 0
        to_count[i] = m
    return n
