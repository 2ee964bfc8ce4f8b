"""The vectorized engine's compiled backend: DESIGN.md §4 as one numba kernel per month.

The numpy backend (:mod:`reechain.engine.vectorized`) spends most of its time in
Python-level loops over stages, suppliers and priority ranks on arrays too small to
amortise numpy's per-call cost, and in temporaries that do not stay in cache. This
backend runs the same month for every scenario of a chunk in compiled code: the loop
over scenarios is inside the kernel (no Python loop over scenarios), and each scenario's
month is written as plain loops in the reference engine's order, over its own arrays,
which stay in cache.

numba is an optional dependency (``pip install reechain[fast]``); without it
:data:`AVAILABLE` is False and the numpy backend runs. Both backends agree with the
reference engine to 1e-9 relative, and each scenario's numbers depend on its own inputs
only, so results are bit-identical for any chunking.

Rules and decisions are the reference engine's (:mod:`reechain.engine.reference`); the
comments below only point to its steps.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from reechain.engine.batch import TABLES
from reechain.engine.prepare import TRIGGER_DATE, TRIGGER_PRICE, TRIGGER_SHORTFALL
from reechain.engine.reference import DAYS_PER_MONTH, KG_PER_T

numba: Any
try:
    numba = importlib.import_module("numba")
except ImportError:  # pragma: no cover - the test environment installs numba
    numba = None
AVAILABLE = numba is not None
"""Whether numba is installed (else :func:`reechain.engine.run_vectorized` runs numpy)."""


def njit(function: Callable[..., Any]) -> Any:
    """``numba.njit(cache=True)`` where numba is installed, else ``function`` unchanged
    (never called then: the numpy backend runs instead)."""
    if numba is None:  # pragma: no cover
        return function
    return numba.njit(cache=True, error_model="numpy")(function)


@njit
def _waterfill(
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
def _trade(
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
    """Rounds 1 and 2 of commodity c (the reference's ``_trade_round_1`` and
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
            placed = _waterfill(leftover, unmet, limit, given, offer, active)
            for j in range(R):
                ship[i, j] += given[j]
                received[j] += given[j]
            leftover -= placed
            if leftover <= 0:
                break
    return n


@njit
def _triggered(
    kind: int, value: float, t: int, use: float, delivered: float, last: float, p0: float
) -> bool:
    if kind == TRIGGER_DATE:
        return t >= value
    if kind == TRIGGER_SHORTFALL:
        return use > 0 and (use - delivered) / use > value
    if kind == TRIGGER_PRICE:
        return last > value * p0
    return False


@njit
def month_kernel(
    t: int,
    # chain (shared by every scenario)
    stage_order: Any,
    commodity_stage: Any,
    build: Any,
    user_sink: Any,
    target_days: Any,
    restoration_months: Any,
    p0: Any,
    elasticity: Any,
    price_cap: Any,
    key_commodity: Any,
    pair_s: Any,
    pair_c: Any,
    # month tables: distinct slices and (B, T) indices
    intensity_v: Any,
    intensity_i: Any,
    share_v: Any,
    share_i: Any,
    cap_v: Any,
    cap_i: Any,
    need_v: Any,
    need_i: Any,
    extra_v: Any,
    extra_i: Any,
    # per scenario (B, ...)
    p_region: Any,
    p_stage: Any,
    p_inputs: Any,
    p_outputs: Any,
    p_in: Any,
    p_out: Any,
    capacity: Any,
    floor_activity: Any,
    utilisation0: Any,
    max_utilisation: Any,
    ramp: Any,
    baseline_activity: Any,
    s_holder: Any,
    s_commodity: Any,
    s_size: Any,
    s_max_release: Any,
    s_refill: Any,
    s_trigger: Any,
    s_trigger_value: Any,
    f_commodity: Any,
    f_usd: Any,
    f_payer: Any,
    f_producers: Any,
    f_active: Any,
    sector_rank: Any,
    partner_mask: Any,
    # state (B, ...), updated in place
    user_stock: Any,
    producer_stock: Any,
    initial_stock: Any,
    utilisation: Any,
    level: Any,
    price_prev: Any,
    # this month's results (B, ...), written
    o_activity: Any,
    o_in_force: Any,
    o_production: Any,
    o_extra: Any,
    o_requirement: Any,
    o_request: Any,
    o_deliveries: Any,
    o_draw: Any,
    o_released: Any,
    o_available: Any,
    o_consumption: Any,
    o_process_consumption: Any,
    o_price: Any,
    o_need: Any,
    o_target: Any,
    o_made: Any,
    o_floor: Any,
    full_trade: bool,
    o_shipments: Any,
    refill: bool,
    o_purchases: Any,
) -> None:
    """Run month ``t`` of every scenario (leading axis B), the reference engine's step.

    ``pair_s``, ``pair_c`` (K,) are the (sector, commodity) pairs with an intensity in some
    scenario of the batch, by sector then commodity; ``p_in``, ``p_out`` (B, P, n) each
    process's input and output commodities (−1 after the last). Every term they leave
    out is exactly zero.
    """
    B = p_region.shape[0]
    R, C = user_sink.shape
    S = key_commodity.shape[0]
    P = p_region.shape[1]
    Q = s_holder.shape[1]
    F = f_commodity.shape[1]
    G = stage_order.shape[0]
    K = pair_s.shape[0]
    effective = np.empty(P)
    required = np.empty(P)
    pool = np.empty((R, C))
    from_proc = np.empty((R, C))
    ratio = np.empty((R, C))
    output = np.empty((R, C))
    has = np.empty(R)
    ship = np.zeros((R, R))
    suppliers = np.empty(R, dtype=np.int64)
    received = np.empty(R)
    scratch = np.empty((4, R))
    work = np.empty(R, dtype=np.bool_)
    shipped = np.zeros((C, R, R)) if (full_trade or refill) else np.zeros((1, 1, 1))
    purchases = np.zeros((C, R, R)) if refill else np.zeros((1, 1, 1))
    need_k = np.empty(K)
    for_sectors = np.empty(K)
    possible = np.empty(S)
    left = np.empty(C)
    part = np.empty(C)
    wanted_c = np.empty(C, dtype=np.bool_)
    has_need = np.empty(R, dtype=np.bool_)
    for b in range(B):
        N = need_v[need_i[b, t]]  # (S, R)
        intensity = intensity_v[intensity_i[b, t]]  # (R, S, C)
        share = share_v[share_i[b, t]]  # (C, R, R)
        cap = cap_v[cap_i[b, t]]  # (C, R, R)
        extra = extra_v[extra_i[b, t]]  # (R, C)
        region, pstage = p_region[b], p_stage[b]
        inputs, outputs = p_inputs[b], p_outputs[b]
        ins, outs = p_in[b], p_out[b]
        partners = partner_mask[b]
        U = o_requirement[b]
        request = o_request[b]
        us, ps, lv, pp = user_stock[b], producer_stock[b], level[b], price_prev[b]
        for p in range(P):
            o_in_force[b, p] = utilisation[b, p]
            effective[p] = capacity[b, t, p] * utilisation[b, p]
            required[p] = 0.0

        # 1. Require: downstream -> upstream
        # regions without end use (N = 0 for every sector) have no sector terms: all zero
        for r in range(R):
            has_need[r] = False
            for s in range(S):
                if N[s, r] != 0:
                    has_need[r] = True
                    break
        U[:] = 0.0
        for r in range(R):
            if not has_need[r]:
                continue
            for k in range(K):
                s, c = pair_s[k], pair_c[k]
                U[r, c] += N[s, r] * intensity[r, s, c]
        for r in range(R):
            for c in range(C):
                U[r, c] += user_sink[r, c]
                request[r, c] = 0.0
        # each region's effective capacity × yield of each commodity (sums over processes
        # in index order, as the reference's)
        pool[:] = 0.0
        for p in range(P):
            for m in range(outs.shape[1]):
                c = outs[p, m]
                if c < 0:
                    break
                pool[region[p], c] += effective[p] * outputs[p, c]
        for gi in range(G - 1, -1, -1):
            g = stage_order[gi]
            for c in range(C):
                if commodity_stage[c] != g:
                    continue
                for r in range(R):
                    target = target_days[r, c] * U[r, c] / DAYS_PER_MONTH
                    if t == 0:
                        us[r, c] = target
                        initial_stock[b, r, c] = target
                    restoration = (target - us[r, c]) / restoration_months[r, c]
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
                required[p] = max(best, floor_activity[b, t, p])
                for m in range(ins.shape[1]):
                    c = ins[p, m]
                    if c < 0:
                        break
                    U[r, c] += required[p] * inputs[p, c]

        # 2. Produce, trade, buffer: upstream -> downstream
        A, D = o_available[b], o_deliveries[b]
        draw, released = o_draw[b], o_released[b]
        for r in range(R):
            for c in range(C):
                A[r, c] = 0.0
                D[r, c] = 0.0
                draw[r, c] = 0.0
                released[r, c] = 0.0
                ratio[r, c] = 1.0
                output[r, c] = extra[r, c]
        for p in range(P):
            o_activity[b, p] = 0.0
        if full_trade or refill:
            shipped[:] = 0.0
        for gi in range(G):
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
                o_activity[b, p] = a
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
                n = _trade(
                    c, share, cap, has, request, partners, ship, suppliers, received, scratch, work
                )
                for k in range(n):
                    i = suppliers[k]
                    sent = 0.0
                    for j in range(R):
                        sent += ship[i, j]
                    ps[i, c] = max(has[i] - sent, 0.0)
                    if full_trade or refill:
                        shipped[c, i] = ship[i]
                for j in range(R):
                    D[j, c] = received[j]
                for r in range(R):
                    draw[r, c] = min(max(U[r, c] - D[r, c], 0.0), us[r, c])
                for q in range(Q):
                    if s_commodity[b, q] != c:
                        continue
                    r = s_holder[b, q]
                    if _triggered(
                        s_trigger[b, q],
                        s_trigger_value[b, q],
                        t,
                        U[r, c],
                        D[r, c],
                        pp[r, c],
                        p0[c],
                    ):
                        remaining = max(U[r, c] - D[r, c], 0.0) - draw[r, c] - released[r, c]
                        x = max(min(s_max_release[b, q], lv[q], remaining), 0.0)
                        lv[q] -= x
                        released[r, c] += x
                for r in range(R):
                    A[r, c] = D[r, c] + draw[r, c] + released[r, c]
                    if U[r, c] > 0:
                        ratio[r, c] = min(1.0, A[r, c] / U[r, c])

        # 3. Price
        price = o_price[b]
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

        # 4. Make
        target = o_target[b]
        for s in range(S):
            key = key_commodity[s]
            for r in range(R):
                if key >= 0:
                    signal = pp[r, key] / p0[key]
                    scale = 1.0 if signal == 1.0 else signal ** elasticity[key]
                    target[s, r] = N[s, r] * scale
                else:
                    target[s, r] = N[s, r]
                o_need[b, s, r] = N[s, r]
        consumed_p = o_process_consumption[b]
        consumed_p[:] = 0.0
        for p in range(P):
            r = region[p]
            for m in range(ins.shape[1]):
                c = ins[p, m]
                if c < 0:
                    break
                consumed_p[r, c] += o_activity[b, p] * inputs[p, c]
        made = o_made[b]
        rank = sector_rank[b]
        consumed = o_consumption[b]
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
            # share by priority rank: lowest rank first, equal ranks pro rata to need
            done = -(2**62)
            while True:
                now = 2**62
                for s in range(S):
                    if done < rank[r, s] < now:
                        now = rank[r, s]
                if now == 2**62:
                    break
                done = now
                part[:] = 0.0
                for k in range(K):
                    if rank[r, pair_s[k]] == now:
                        part[pair_c[k]] += need_k[k]
                for c in range(C):
                    part[c] = min(1.0, left[c] / part[c]) if part[c] > 0 else 0.0
                for k in range(K):
                    if rank[r, pair_s[k]] == now:
                        x = need_k[k] * part[pair_c[k]]
                        for_sectors[k] = x
                        left[pair_c[k]] -= x
                for c in range(C):
                    left[c] = max(left[c], 0.0)
            possible[:] = np.inf
            for k in range(K):
                s, c = pair_s[k], pair_c[k]
                if intensity[r, s, c] > 0:
                    possible[s] = min(possible[s], for_sectors[k] / intensity[r, s, c])
            for s in range(S):
                made[s, r] = max(min(target[s, r], possible[s]), 0.0)
            for c in range(C):
                consumed[r, c] = consumed_p[r, c]
            for c in range(C):
                left[c] = 0.0
            for k in range(K):
                s, c = pair_s[k], pair_c[k]
                left[c] += made[s, r] * intensity[r, s, c]
            for c in range(C):
                consumed[r, c] += left[c]
                consumed[r, c] += ratio[r, c] * user_sink[r, c]
                us[r, c] = max(us[r, c] + D[r, c] + released[r, c] - consumed[r, c], 0.0)

        # refill strategic stockpiles after everything else is served
        if refill:
            purchases[:] = 0.0
            for q in range(Q):
                c, r = s_commodity[b, q], s_holder[b, q]
                if s_refill[b, q] <= 0 or _triggered(
                    s_trigger[b, q], s_trigger_value[b, q], t, U[r, c], D[r, c], pp[r, c], p0[c]
                ):
                    continue
                want = min(s_refill[b, q], s_size[b, q] - lv[q])
                for i in range(R):
                    if want <= 0:
                        break
                    room = cap[c, i, r] - shipped[c, i, r] - purchases[c, i, r]
                    x = max(min(want, ps[i, c], room), 0.0)
                    purchases[c, i, r] += x
                    ps[i, c] -= x
                    lv[q] += x
                    want -= x
            o_purchases[b] = purchases
        if full_trade:
            o_shipments[b] = shipped

        # price floors
        for r in range(R):
            o_floor[b, r] = 0.0
        for f in range(F):
            if not f_active[b, t, f]:
                continue
            c = f_commodity[b, f]
            paid = 0.0
            for r in range(R):
                if f_producers[b, f, r]:
                    gap = max(f_usd[b, f] - price[r, c], 0.0)
                    paid += gap * (output[r, c] - extra[r, c])
            o_floor[b, f_payer[b, f]] += paid * KG_PER_T

        for r in range(R):
            for c in range(C):
                o_production[b, r, c] = output[r, c] - extra[r, c]
                o_extra[b, r, c] = extra[r, c]
                pp[r, c] = price[r, c]

        # utilisation for next month
        for p in range(P):
            u = utilisation[b, p]
            binding = required[p] > capacity[b, t, p] * u * (1 + 1e-12)
            if binding:
                u = min(max_utilisation[b, p], u + ramp[b, p])
            elif required[p] <= baseline_activity[b, p] * (1 + 1e-12):
                u = max(utilisation0[b, p], u - ramp[b, p])
            utilisation[b, p] = u


class CompiledMonths:
    """Runs a :class:`~reechain.engine.batch.PreparedBatch` month by month on the kernel.

    Holds the batch's arrays as the kernel wants them (contiguous, one dtype each, so one
    compiled signature serves every batch), the state carried between months, and the
    month's result buffers, which each :meth:`month` overwrites.
    """

    def __init__(self, batch: Any, full_trade: bool) -> None:
        """``full_trade``: keep the (B, C, R, R) shipments (refills need them anyway)."""
        sh, ar, tables = batch.shared, batch.arrays, batch.tables
        B = batch.size
        R, C, S = len(sh["regions"]), len(sh["commodities"]), len(sh["sectors"])
        P = ar["process_region"].shape[1]
        f64 = _contiguous(np.float64)
        i64 = _contiguous(np.int64)
        boolean = _contiguous(np.bool_)
        self.chain = (
            i64(sh["stage_order"]),
            i64(sh["commodity_stage"]),
            f64(sh["producer_stock_build"]),
            f64(sh["user_sink"]),
            f64(sh["inventory_target_days"]),
            f64(sh["inventory_restoration_months"]),
            f64(sh["price0_usd_per_kg"]),
            f64(sh["elasticity"]),
            f64(sh["price_cap_multiple"]),
            i64(sh["sector_key_commodity"]),
            *(i64(x) for x in np.nonzero((tables["intensity"].values > 0).any(axis=(0, 1)))),
        )
        self.tables = tuple(
            x for name in TABLES for x in (f64(tables[name].values), i64(tables[name].index))
        )
        self.scenarios = (
            *(i64(ar[k]) for k in ("process_region", "process_stage")),
            *(f64(ar[k]) for k in ("process_inputs", "process_outputs")),
            _nonzero_lists(ar["process_inputs"]),
            _nonzero_lists(ar["process_outputs"]),
            f64(ar["capacity_per_month"]),
            *(f64(ar[k]) for k in ("floor_activity_per_month", "utilisation0")),
            *(f64(ar[k]) for k in ("max_utilisation", "ramp_rate_per_month")),
            f64(ar["baseline_activity_per_month"]),
            *(i64(ar[k]) for k in ("stockpile_holder", "stockpile_commodity")),
            *(f64(ar[k]) for k in ("stockpile_size", "stockpile_max_release", "stockpile_refill")),
            i64(ar["stockpile_trigger"]),
            f64(ar["stockpile_trigger_value"]),
            i64(ar["floor_commodity"]),
            f64(ar["floor_usd_per_kg"]),
            i64(ar["floor_payer"]),
            boolean(ar["floor_producers"]),
            boolean(ar["floor_active"]),
            i64(ar["sector_rank"]),
            boolean(ar["partner_mask"]),
        )
        self.user_stock = np.zeros((B, R, C))
        self.producer_stock = np.zeros((B, R, C))
        self.initial_stock = np.zeros((B, R, C))
        self.utilisation = f64(ar["utilisation0"]).copy()
        self.level = f64(ar["stockpile_initial"]).copy()
        self.price_prev = np.broadcast_to(f64(sh["price0_usd_per_kg"]), (B, R, C)).copy()
        z = np.zeros
        rc = (B, R, C)
        self.out = {
            "activity": z((B, P)),
            "utilisation": z((B, P)),
            "production": z(rc),
            "extra_supply": z(rc),
            "requirement": z(rc),
            "requests": z(rc),
            "deliveries": z(rc),
            "inventory_draw": z(rc),
            "stockpile_release": z(rc),
            "available": z(rc),
            "consumption": z(rc),
            "process_consumption": z(rc),
            "price": z(rc),
            "end_use_requirement": z((B, S, R)),
            "end_use_target": z((B, S, R)),
            "end_use_output": z((B, S, R)),
            "floor_payment_usd": z((B, R)),
        }
        self.refill = bool((ar["stockpile_refill"] > 0).any())
        self.full_trade = full_trade or self.refill
        self.shipments = z((B, C, R, R)) if self.full_trade else z((0, 0, 0, 0))
        self.purchases = z((B, C, R, R)) if self.refill else z((1, 1, 1, 1))

    def month(self, t: int) -> dict[str, Any]:
        """Run month ``t`` of every scenario; return its (B, ...) arrays by field name
        (buffers: valid until the next call)."""
        o = self.out
        month_kernel(
            t,
            *self.chain,
            *self.tables,
            *self.scenarios,
            self.user_stock,
            self.producer_stock,
            self.initial_stock,
            self.utilisation,
            self.level,
            self.price_prev,
            *(o[k] for k in ("activity", "utilisation", "production", "extra_supply")),
            *(o[k] for k in ("requirement", "requests", "deliveries", "inventory_draw")),
            *(o[k] for k in ("stockpile_release", "available", "consumption")),
            *(o[k] for k in ("process_consumption", "price", "end_use_requirement")),
            *(o[k] for k in ("end_use_target", "end_use_output", "floor_payment_usd")),
            self.full_trade,
            self.shipments if self.full_trade else np.zeros((1, 1, 1, 1)),
            self.refill,
            self.purchases,
        )
        return o | {
            "shipments": self.shipments,
            "purchases": self.purchases if self.refill else None,
            "user_inventory": self.user_stock,
            "producer_stock": self.producer_stock,
            "stockpile_level": self.level,
        }


def _nonzero_lists(recipe: Any) -> Any:
    """(B, P, n) the commodities with a non-zero coefficient in each process's recipe
    (B, P, C), in index order, −1 after the last."""
    nonzero = np.asarray(recipe) != 0
    n = max(1, int(nonzero.sum(axis=-1).max(initial=0)))
    order = np.argsort(~nonzero, axis=-1, kind="stable")[..., :n]
    kept = np.take_along_axis(nonzero, order, axis=-1)
    return np.ascontiguousarray(np.where(kept, order, -1), dtype=np.int64)


def _contiguous(dtype: Any) -> Any:
    def convert(value: Any) -> Any:
        return np.ascontiguousarray(value, dtype=dtype)

    return convert
