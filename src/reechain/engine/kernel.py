"""The compiled kernel: one month of DESIGN.md §4 for every scenario of a chunk.

:func:`month_kernel` loops over the scenarios (compiled, not in Python) and runs each
scenario's month as the reference engine does (:mod:`reechain.engine.reference`), step by
step: :func:`_require`, :func:`_supply` (produce, trade, buffer), :func:`_price`,
:func:`_make`, :func:`_refill`, :func:`_floors`, :func:`_close_month`,
:func:`_next_utilisation`, with the trade rounds (:func:`trade`, :func:`waterfill`) and
stockpile triggers last. Each step works on one scenario's arrays, which stay in cache.
Rules and decisions are the reference engine's; the comments only point to them.

Every compiled function is in this one module on purpose: numba's on-disk cache of a
function is keyed to its own file and is not renewed when a function it calls in another
file changes.

Arrays arrive grouped in tuples (see :class:`reechain.engine.compiled.CompiledMonths`):

- ``chain``: stage_order, commodity_stage, producer_stock_build, user_sink,
  inventory_target_days, inventory_restoration_months, price0, elasticity,
  price_cap_multiple, sector_key_commodity, and the (sector, commodity) pairs with an
  intensity in some scenario of the batch (pair_s, pair_c, by sector then commodity);
- ``tables``: the distinct month slices and (B, T) indices of intensity, sourcing share,
  link cap, end-use requirement and extra supply;
- ``procs``: process region, stage, inputs, outputs, their non-zero input and output
  commodities (B, P, n; −1 after the last), capacity, floor activity, utilisation0,
  maximum utilisation, ramp rate, baseline activity;
- ``stocks``: stockpile holder, commodity, size, maximum release, refill, trigger kind and
  value; ``floors``: price-floor commodity, USD/kg, payer, producers, months active;
- ``state``: user stock, producer stock, initial user stock, utilisation, stockpile
  level, last month's price (updated in place);
- ``out``: this month's results (written).

Every term the sparse lists leave out is exactly zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reechain.engine.jit import njit
from reechain.engine.prepare import TRIGGER_DATE, TRIGGER_PRICE, TRIGGER_SHORTFALL
from reechain.engine.reference import DAYS_PER_MONTH, KG_PER_T


@njit
def month_kernel(
    t: int,
    chain: Any,
    tables: Any,
    procs: Any,
    stocks: Any,
    floors: Any,
    sector_rank: Any,
    partner_mask: Any,
    state: Any,
    out: Any,
    full_trade: bool,
    o_shipments: Any,
    refill: bool,
    o_purchases: Any,
) -> None:
    """Run month ``t`` of every scenario (leading axis B) in place (tuples as in the module
    docstring); ``o_shipments`` and ``o_purchases`` (B, C, R, R) are written when
    ``full_trade`` and ``refill`` say so."""
    intensity_v, intensity_i, share_v, share_i, cap_v, cap_i = tables[:6]
    need_v, need_i, extra_v, extra_i = tables[6:]
    p_region, p_stage, p_inputs, p_outputs, p_in, p_out = procs[:6]
    capacity, floor_activity = procs[6], procs[7]
    user_stock, producer_stock, initial_stock, utilisation, level, price_prev = state
    B, P = p_region.shape
    R, C = chain[3].shape
    K = chain[10].shape[0]
    # work space, reused by every scenario
    effective, required = np.empty(P), np.empty(P)
    pool, from_proc = np.empty((R, C)), np.empty((R, C))
    ratio, output = np.empty((R, C)), np.empty((R, C))
    wanted_c = np.empty(C, dtype=np.bool_)
    has_need = np.empty(R, dtype=np.bool_)
    space = (
        np.empty(R),  # has
        np.zeros((R, R)),  # ship
        np.empty(R, dtype=np.int64),  # suppliers
        np.empty(R),  # received
        np.empty((4, R)),  # unmet, limit, given, offer
        np.empty(R, dtype=np.bool_),  # active
    )
    shipped = np.zeros((C, R, R)) if (full_trade or refill) else np.zeros((1, 1, 1))
    purchases = np.zeros((C, R, R)) if refill else np.zeros((1, 1, 1))
    make = (np.empty(K), np.empty(K), np.empty(chain[9].shape[0]), np.empty(C), np.empty(C))
    for b in range(B):
        N = need_v[need_i[b, t]]  # (S, R)
        intensity = intensity_v[intensity_i[b, t]]  # (R, S, C)
        share = share_v[share_i[b, t]]  # (C, R, R)
        cap = cap_v[cap_i[b, t]]  # (C, R, R)
        extra = extra_v[extra_i[b, t]]  # (R, C)
        proc = (p_region[b], p_stage[b], p_inputs[b], p_outputs[b], p_in[b], p_out[b])
        us, ps, pp = user_stock[b], producer_stock[b], price_prev[b]
        U, request, A, D = out[4][b], out[5][b], out[9][b], out[6][b]
        draw, released, price = out[7][b], out[8][b], out[12][b]
        for p in range(P):
            out[1][b, p] = utilisation[b, p]  # in force during the month
            effective[p] = capacity[b, t, p] * utilisation[b, p]
        _require(
            t,
            N,
            intensity,
            share,
            extra,
            chain,
            proc,
            floor_activity[b, t],
            effective,
            U,
            request,
            us,
            initial_stock[b],
            has_need,
            pool,
            from_proc,
            required,
            wanted_c,
        )
        _supply(
            t,
            share,
            cap,
            extra,
            chain,
            proc,
            stocks,
            b,
            partner_mask[b],
            effective,
            required,
            U,
            request,
            us,
            ps,
            level[b],
            pp,
            A,
            D,
            draw,
            released,
            ratio,
            output,
            out[0][b],
            space,
            full_trade or refill,
            shipped,
        )
        _price(U, A, chain[6], chain[7], chain[8], price)
        _make(
            N,
            intensity,
            chain,
            proc,
            sector_rank[b],
            has_need,
            ratio,
            pp,
            out[0][b],
            D,
            released,
            us,
            out[14][b],
            out[13][b],
            out[15][b],
            out[11][b],
            out[10][b],
            make,
        )
        if refill:
            _refill(t, cap, stocks, b, chain[6], U, D, pp, ps, level[b], shipped, purchases)
            o_purchases[b] = purchases
        if full_trade:
            o_shipments[b] = shipped
        _floors(t, floors, b, price, output, extra, out[16][b])
        _close_month(output, extra, price, out[2][b], out[3][b], pp)
        _next_utilisation(t, procs, b, required, utilisation[b])


@njit
def _require(
    t: int,
    N: Any,
    intensity: Any,
    share: Any,
    extra: Any,
    chain: Any,
    proc: Any,
    floor_now: Any,
    effective: Any,
    U: Any,
    request: Any,
    us: Any,
    initial: Any,
    has_need: Any,
    pool: Any,
    from_proc: Any,
    required: Any,
    wanted_c: Any,
) -> None:
    """1. Require, downstream → upstream: use requirement U, requests, required activity."""
    stage_order, commodity_stage, build, user_sink, target_days, restore_in = chain[:6]
    pair_s, pair_c = chain[10], chain[11]
    region, pstage, inputs, outputs, ins, outs = proc
    S, R = N.shape
    C = U.shape[1]
    P = region.shape[0]
    # regions without end use (N = 0 for every sector) have no sector terms: all zero
    for r in range(R):
        has_need[r] = False
        for s in range(S):
            if N[s, r] != 0:
                has_need[r] = True
                break
    U[:] = 0.0
    for r in range(R):
        if has_need[r]:
            for k in range(pair_s.shape[0]):
                s, c = pair_s[k], pair_c[k]
                U[r, c] += N[s, r] * intensity[r, s, c]
    for r in range(R):
        for c in range(C):
            U[r, c] += user_sink[r, c]
            request[r, c] = 0.0
    # each region's effective capacity × yield of each commodity (processes in index order)
    pool[:] = 0.0
    for p in range(P):
        required[p] = 0.0
        for m in range(outs.shape[1]):
            c = outs[p, m]
            if c < 0:
                break
            pool[region[p], c] += effective[p] * outputs[p, c]
    for gi in range(stage_order.shape[0] - 1, -1, -1):
        g = stage_order[gi]
        for c in range(C):
            if commodity_stage[c] != g:
                continue
            for r in range(R):
                target = target_days[r, c] * U[r, c] / DAYS_PER_MONTH
                if t == 0:
                    us[r, c] = target
                    initial[r, c] = target
                restoration = (target - us[r, c]) / restore_in[r, c]
                request[r, c] = max(U[r, c] + restoration, 0.0)
        # what each region's processes must make of the commodities this stage makes
        wanted_c[:] = False
        for p in range(P):
            if pstage[p] == g:
                for m in range(outs.shape[1]):
                    if outs[p, m] < 0:
                        break
                    wanted_c[outs[p, m]] = True
        for c in range(C):
            if not wanted_c[c]:
                continue
            for i in range(R):
                if pool[i, c] > 0:  # from_proc is read only where the pool is positive
                    w = 0.0
                    for j in range(R):
                        w += share[c, i, j] * request[j, c]
                    from_proc[i, c] = max(w + build[i, c] - extra[i, c], 0.0)
        for p in range(P):
            if pstage[p] != g:
                continue
            r = region[p]
            best = 0.0
            for m in range(outs.shape[1]):
                c = outs[p, m]
                if c < 0:
                    break
                if pool[r, c] > 0:
                    best = max(best, effective[p] * from_proc[r, c] / pool[r, c])
            required[p] = max(best, floor_now[p])
            for m in range(ins.shape[1]):
                c = ins[p, m]
                if c < 0:
                    break
                U[r, c] += required[p] * inputs[p, c]


@njit
def _supply(
    t: int,
    share: Any,
    cap: Any,
    extra: Any,
    chain: Any,
    proc: Any,
    stocks: Any,
    b: int,
    partners: Any,
    effective: Any,
    required: Any,
    U: Any,
    request: Any,
    us: Any,
    ps: Any,
    lv: Any,
    pp: Any,
    A: Any,
    D: Any,
    draw: Any,
    released: Any,
    ratio: Any,
    output: Any,
    activity: Any,
    space: Any,
    keep: bool,
    shipped: Any,
) -> None:
    """2. Produce, trade, buffer, upstream → downstream, so deliveries reach the next stage
    in the same month. ``shipped`` (C, R, R) gets the shipments when ``keep``; ``space`` is
    the trade rounds' work space."""
    stage_order, commodity_stage, p0 = chain[0], chain[1], chain[6]
    region, pstage, _, outputs, ins, outs = proc
    s_holder, s_commodity, _, s_max_release, _, s_trigger, s_trigger_value = stocks
    has, ship, suppliers, received, scratch, work = space
    R, C = U.shape
    P = region.shape[0]
    for r in range(R):
        for c in range(C):
            A[r, c] = 0.0
            D[r, c] = 0.0
            draw[r, c] = 0.0
            released[r, c] = 0.0
            ratio[r, c] = 1.0
            output[r, c] = extra[r, c]
    for p in range(P):
        activity[p] = 0.0
    if keep:
        shipped[:] = 0.0
    for gi in range(stage_order.shape[0]):
        g = stage_order[gi]
        for p in range(P):
            if pstage[p] != g:
                continue
            r = region[p]
            on_hand = 1.0
            for m in range(ins.shape[1]):
                c = ins[p, m]
                if c < 0:
                    break
                on_hand = min(on_hand, ratio[r, c])
            a = min(effective[p], required[p] * on_hand)
            activity[p] = a
            for m in range(outs.shape[1]):
                c = outs[p, m]
                if c < 0:
                    break
                output[r, c] += a * outputs[p, c]
        for c in range(C):
            if commodity_stage[c] != g:
                continue
            for i in range(R):
                has[i] = output[i, c] + ps[i, c]
            n = trade(
                c, share, cap, has, request, partners, ship, suppliers, received, scratch, work
            )
            for k in range(n):
                i = suppliers[k]
                sent = 0.0
                for j in range(R):
                    sent += ship[i, j]
                ps[i, c] = max(has[i] - sent, 0.0)
                if keep:
                    shipped[c, i] = ship[i]
            for j in range(R):
                D[j, c] = received[j]
            # buffer: user inventory first, then strategic stockpiles on their triggers
            for r in range(R):
                draw[r, c] = min(max(U[r, c] - D[r, c], 0.0), us[r, c])
            for q in range(s_holder.shape[1]):
                if s_commodity[b, q] != c:
                    continue
                r = s_holder[b, q]
                if triggered(
                    s_trigger[b, q], s_trigger_value[b, q], t, U[r, c], D[r, c], pp[r, c], p0[c]
                ):
                    remaining = max(U[r, c] - D[r, c], 0.0) - draw[r, c] - released[r, c]
                    x = max(min(s_max_release[b, q], lv[q], remaining), 0.0)
                    lv[q] -= x
                    released[r, c] += x
            for r in range(R):
                A[r, c] = D[r, c] + draw[r, c] + released[r, c]
                if U[r, c] > 0:
                    ratio[r, c] = min(1.0, A[r, c] / U[r, c])


@njit
def _price(U: Any, A: Any, p0: Any, elasticity: Any, price_cap: Any, price: Any) -> None:
    """3. Price: P₀ × min(1, A/U)^(1/ε), capped."""
    R, C = U.shape
    for r in range(R):
        for c in range(C):
            cover = min(1.0, A[r, c] / U[r, c]) if U[r, c] > 0 else 1.0
            # 1 ** x is exactly 1 (IEEE 754): skip pow, the step's dearest operation
            if cover == 1.0:
                multiple = 1.0
            elif cover > 0:
                multiple = cover ** (1 / elasticity[c])
            else:
                multiple = np.inf
            price[r, c] = p0[c] * min(multiple, price_cap[c])


@njit
def _make(
    N: Any,
    intensity: Any,
    chain: Any,
    proc: Any,
    rank: Any,
    has_need: Any,
    ratio: Any,
    pp: Any,
    activity: Any,
    D: Any,
    released: Any,
    us: Any,
    target: Any,
    need_out: Any,
    made: Any,
    consumed_p: Any,
    consumed: Any,
    work: Any,
) -> None:
    """4. Make: target = N × (P(t−1)/P₀)^ε, output = min(target, inputs ÷ intensity); then
    consumption and the user inventory."""
    user_sink, p0, elasticity = chain[3], chain[6], chain[7]
    key_commodity, pair_s, pair_c = chain[9], chain[10], chain[11]
    region, _, inputs, _, ins, _ = proc
    need_k, for_sectors, possible, left, part = work
    S, R = N.shape
    C = ratio.shape[1]
    K = pair_s.shape[0]
    for s in range(S):
        key = key_commodity[s]
        for r in range(R):
            if key >= 0:
                signal = pp[r, key] / p0[key]
                scale = 1.0 if signal == 1.0 else signal ** elasticity[key]
                target[s, r] = N[s, r] * scale
            else:
                target[s, r] = N[s, r]
            need_out[s, r] = N[s, r]
    consumed_p[:] = 0.0
    for p in range(region.shape[0]):
        r = region[p]
        for m in range(ins.shape[1]):
            c = ins[p, m]
            if c < 0:
                break
            consumed_p[r, c] += activity[p] * inputs[p, c]
    for r in range(R):
        if not has_need[r]:
            # nothing needed: nothing given, nothing made (target 0), nothing used
            for s in range(S):
                made[s, r] = 0.0
            for c in range(C):
                consumed[r, c] = consumed_p[r, c] + ratio[r, c] * user_sink[r, c]
                us[r, c] = max(us[r, c] + D[r, c] + released[r, c] - consumed[r, c], 0.0)
            continue
        left[:] = 0.0
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            x = N[s, r] * intensity[r, s, c]
            need_k[k] = x
            left[c] += x
            for_sectors[k] = 0.0
        for c in range(C):
            left[c] = ratio[r, c] * left[c]
        _share_by_rank(rank[r], pair_s, pair_c, need_k, left, part, for_sectors)
        possible[:] = np.inf
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            if intensity[r, s, c] > 0:
                possible[s] = min(possible[s], for_sectors[k] / intensity[r, s, c])
        for s in range(S):
            made[s, r] = max(min(target[s, r], possible[s]), 0.0)
        for c in range(C):
            left[c] = 0.0
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            left[c] += made[s, r] * intensity[r, s, c]
        for c in range(C):
            consumed[r, c] = consumed_p[r, c] + left[c] + ratio[r, c] * user_sink[r, c]
            us[r, c] = max(us[r, c] + D[r, c] + released[r, c] - consumed[r, c], 0.0)


@njit
def _share_by_rank(
    rank: Any, pair_s: Any, pair_c: Any, need_k: Any, left: Any, part: Any, given: Any
) -> None:
    """A region's available ``left`` (C,) given to its (sector, commodity) pairs: lowest
    rank first, equal ranks pro rata to ``need_k`` (K,); ``given`` (K,) is written."""
    done = -(2**62)
    while True:
        now = 2**62
        for s in range(rank.shape[0]):
            if done < rank[s] < now:
                now = rank[s]
        if now == 2**62:
            return
        done = now
        part[:] = 0.0
        for k in range(pair_s.shape[0]):
            if rank[pair_s[k]] == now:
                part[pair_c[k]] += need_k[k]
        for c in range(part.shape[0]):
            part[c] = min(1.0, left[c] / part[c]) if part[c] > 0 else 0.0
        for k in range(pair_s.shape[0]):
            if rank[pair_s[k]] == now:
                x = need_k[k] * part[pair_c[k]]
                given[k] = x
                left[pair_c[k]] -= x
        for c in range(left.shape[0]):
            left[c] = max(left[c], 0.0)


@njit
def _refill(
    t: int,
    cap: Any,
    stocks: Any,
    b: int,
    p0: Any,
    U: Any,
    D: Any,
    pp: Any,
    ps: Any,
    lv: Any,
    shipped: Any,
    purchases: Any,
) -> None:
    """Strategic stockpiles not triggered buy from producer stocks left after everything
    else, suppliers in region-index order, within the links' remaining caps."""
    s_holder, s_commodity, s_size, _, s_refill, s_trigger, s_trigger_value = stocks
    purchases[:] = 0.0
    for q in range(s_holder.shape[1]):
        c, r = s_commodity[b, q], s_holder[b, q]
        if s_refill[b, q] <= 0 or triggered(
            s_trigger[b, q], s_trigger_value[b, q], t, U[r, c], D[r, c], pp[r, c], p0[c]
        ):
            continue
        want = min(s_refill[b, q], s_size[b, q] - lv[q])
        for i in range(ps.shape[0]):
            if want <= 0:
                break
            room = cap[c, i, r] - shipped[c, i, r] - purchases[c, i, r]
            x = max(min(want, ps[i, c], room), 0.0)
            purchases[c, i, r] += x
            ps[i, c] -= x
            lv[q] += x
            want -= x


@njit
def _floors(t: int, floors: Any, b: int, price: Any, output: Any, extra: Any, payment: Any) -> None:
    """Price-floor payments: max(floor − P, 0) × covered output (kg), booked to the payer."""
    f_commodity, f_usd, f_payer, f_producers, f_active = floors
    payment[:] = 0.0
    for f in range(f_commodity.shape[1]):
        if not f_active[b, t, f]:
            continue
        c = f_commodity[b, f]
        paid = 0.0
        for r in range(price.shape[0]):
            if f_producers[b, f, r]:
                gap = max(f_usd[b, f] - price[r, c], 0.0)
                paid += gap * (output[r, c] - extra[r, c])
        payment[f_payer[b, f]] += paid * KG_PER_T


@njit
def _close_month(
    output: Any, extra: Any, price: Any, production: Any, extra_out: Any, pp: Any
) -> None:
    """Production and extra supply recorded; this month's price becomes last month's."""
    R, C = price.shape
    for r in range(R):
        for c in range(C):
            production[r, c] = output[r, c] - extra[r, c]
            extra_out[r, c] = extra[r, c]
            pp[r, c] = price[r, c]


@njit
def _next_utilisation(t: int, procs: Any, b: int, required: Any, utilisation: Any) -> None:
    """Utilisation for next month: +ramp when capacity bound and requirement unmet, −ramp
    (not below baseline) when required activity was at or below baseline."""
    capacity, u0, most, ramp, baseline = procs[6], procs[8], procs[9], procs[10], procs[11]
    for p in range(utilisation.shape[0]):
        u = utilisation[p]
        binding = required[p] > capacity[b, t, p] * u * (1 + 1e-12)
        if binding:
            u = min(most[b, p], u + ramp[b, p])
        elif required[p] <= baseline[b, p] * (1 + 1e-12):
            u = max(u0[b, p], u - ramp[b, p])
        utilisation[p] = u


@njit
def waterfill(
    amount: float, weights: Any, limits: Any, given: Any, offer: Any, active: Any
) -> float:
    """Fill ``given`` (n,) with ``amount`` pro rata to ``weights`` under ``limits``; return
    the total given. ``offer`` and ``active`` are scratch. The reference's
    :func:`waterfill`."""
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
    c: int,
    share: Any,
    cap: Any,
    has: Any,
    request: Any,
    partners: Any,
    ship: Any,
    suppliers: Any,
    received: Any,
    scratch: Any,
    active: Any,
) -> int:
    """Trade rounds 1 and 2 of commodity c (the reference's ``_trade_round_1`` and
    ``_trade_round_2``) on the regions with something to offer: their indices go to
    ``suppliers`` (count returned) and their rows to ``ship`` (R, R); every other row
    ships nothing (it has nothing), so it is left out. ``received`` (R,) gets what each
    requester receives. ``scratch`` (4, R) and ``active`` (R,) are work space."""
    R = has.shape[0]
    n = 0
    for i in range(R):
        if has[i] > 0:
            suppliers[n] = i
            n += 1
    for j in range(R):
        received[j] = 0.0
    for k in range(n):
        i = suppliers[k]
        total = 0.0
        for j in range(R):
            x = min(share[c, i, j] * request[j, c], cap[c, i, j])
            ship[i, j] = x
            total += x
        if total > has[i]:
            factor = has[i] / total
            for j in range(R):
                ship[i, j] *= factor
        for j in range(R):
            received[j] += ship[i, j]
    # round 2 can change nothing when every request is met: unmet requests only shrink
    some_unmet = False
    for j in range(R):
        if request[j, c] - received[j] > 0:
            some_unmet = True
            break
    if not some_unmet:
        return n
    any_partner = False
    for j in range(R):
        if partners[c, j]:
            any_partner = True
    unmet, limit, given, offer = scratch[0], scratch[1], scratch[2], scratch[3]
    for k in range(n):
        i = suppliers[k]
        leftover = has[i]
        for j in range(R):
            leftover -= ship[i, j]
        if leftover <= 0:
            continue
        grouped = partners[c, i] and any_partner
        for group in range(2 if grouped else 1):
            for j in range(R):
                member = (partners[c, j] if group == 0 else not partners[c, j]) if grouped else True
                u = max(request[j, c] - received[j], 0.0) if member else 0.0
                unmet[j] = u
                limit[j] = min(u, max(cap[c, i, j] - ship[i, j], 0.0))
            placed = waterfill(leftover, unmet, limit, given, offer, active)
            for j in range(R):
                ship[i, j] += given[j]
                received[j] += given[j]
            leftover -= placed
            if leftover <= 0:
                break
    return n


@njit
def triggered(
    kind: int, value: float, t: int, use: float, delivered: float, last: float, p0: float
) -> bool:
    """Whether a stockpile's trigger fires in month ``t`` (the reference's ``_triggered``)."""
    if kind == TRIGGER_DATE:
        return t >= value
    if kind == TRIGGER_SHORTFALL:
        return use > 0 and (use - delivered) / use > value
    if kind == TRIGGER_PRICE:
        return last > value * p0
    return False
