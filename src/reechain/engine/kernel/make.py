"""Steps 3 and 4 of the kernel, Price and Make (the reference's
:func:`~reechain.engine.reference_market.price` and :func:`~reechain.engine.reference.make`)."""

from __future__ import annotations

import numpy as np

from reechain.engine.components import SHORT_TOLERANCE
from reechain.engine.groups import (
    BoolArray,
    ChainArrays,
    FloatArray,
    IntArray,
    MonthTables,
    Processes,
    Work,
)
from reechain.engine.jit import njit
from reechain.units import DAYS_PER_MONTH


@njit
def price(
    t: int,
    b: int,
    chain: ChainArrays,
    tables: MonthTables,
    U: FloatArray,
    Q: FloatArray,
    D: FloatArray,
    released: FloatArray,
    us: FloatArray,
    ps: FloatArray,
    pp: FloatArray,
    out: FloatArray,
    work: Work,
) -> None:
    """3. Price from expected cover, adjusted partially, linked, wedged, capped (``out``
    (R, C) is written; the rule is the reference's)."""
    p0, elasticity, cap = chain.price0, chain.elasticity, chain.price_cap_multiple
    H, adjustment, wedge, linkage = (
        chain.market[0],
        chain.market[1],
        chain.market[2],
        chain.market[3],
    )
    scale = tables.target_scale[tables.target_scale_at[b, t]]
    restricting = tables.restricting[tables.restricting_at[b, t]]
    weights, moved, linked = chain.coproduct_weights, work.moved, work.linked
    coproducts = chain.coproduct_list
    target_days = chain.inventory_target_days
    R, C = U.shape
    for r in range(R):
        for c in range(C):
            target = target_days[r, c] * U[r, c] / DAYS_PER_MONTH * scale[r, c]
            demand_h = target + H * U[r, c]
            fill = 1.0
            if Q[r, c] > 0:
                fill = min((D[r, c] + released[r, c]) / Q[r, c], 1.0)
            held = 1.0
            if demand_h > 0:
                held = min((us[r, c] + ps[r, c]) / demand_h, 1.0)
            cover = fill + (1.0 - fill) * held
            # 1 ** x is exactly 1 (IEEE 754): skip pow, the step's dearest operation
            if cover >= 1.0 - 1e-12:
                clearing = 1.0
            elif cover > 0:
                clearing = min(cover ** (1 / elasticity[c]), cap[c])
            else:
                clearing = cap[c]
            last = pp[r, c] / p0[c]
            if last == 1.0 and clearing == 1.0:
                moved[r, c] = 1.0
            else:
                moved[r, c] = np.exp(
                    (1 - adjustment) * np.log(last) + adjustment * np.log(clearing)
                )
    for r in range(R):
        for c in range(C):
            basket = 0.0
            for m in range(coproducts.shape[1]):  # the non-zero weights, in index order
                k = coproducts[c, m]
                if k < 0:
                    break
                basket += moved[r, k] * weights[c, k]
            linked[r, c] = max(moved[r, c], linkage * basket)
    for r in range(R):
        for c in range(C):
            m = linked[r, c]
            if restricting[r, c] > 0:
                total = 0.0
                weighted = 0.0
                for j in range(R):
                    if j != r:
                        total += U[j, c]
                        weighted += linked[j, c] * U[j, c]
                world = weighted / total if total > 0 else 1.0
                m = max(m, wedge * world)
            out[r, c] = p0[c] * min(m, cap[c])


@njit
def make(
    b: int,
    N: FloatArray,
    intensity: FloatArray,
    chain: ChainArrays,
    procs: Processes,
    rank: IntArray,
    pp: FloatArray,
    activity: FloatArray,
    D: FloatArray,
    released: FloatArray,
    us: FloatArray,
    target: FloatArray,
    need_out: FloatArray,
    made: FloatArray,
    consumed_p: FloatArray,
    consumed: FloatArray,
    comp: FloatArray,
    short: BoolArray,
    work: Work,
) -> None:
    """4. Make: target = N × (P(t−1)/P₀)^ε, output = min(target, inputs ÷ intensity) plus
    a draw on the built components ``comp`` (S, R); then consumption and the user
    inventory ``us``."""
    user_sink, p0, elasticity = chain.user_sink, chain.price0, chain.elasticity
    key_commodity, pair_s, pair_c = (
        chain.sector_key_commodity,
        chain.pair_sector,
        chain.pair_commodity,
    )
    region, inputs, ins = procs.region[b], procs.inputs[b], procs.input_list[b]
    need_k, for_sectors, possible, left = work.need_k, work.for_sectors, work.possible, work.left
    ratio, has_need, from_inputs = work.ratio, work.has_need, work.from_inputs
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
                short[s, r] = False
            for c in range(C):
                consumed[r, c] = consumed_p[r, c] + ratio[r, c] * user_sink[r, c]
                us[r, c] = max(us[r, c] + D[r, c] + released[r, c] - consumed[r, c], 0.0)
            continue
        left[:] = 0.0
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            x = work.need_units[s, r] * intensity[r, s, c]
            need_k[k] = x
            left[c] += x
            for_sectors[k] = 0.0
        for c in range(C):
            left[c] = ratio[r, c] * left[c]
        share_by_rank(rank[r], pair_s, pair_c, need_k, left, work.part, for_sectors)
        possible[:] = np.inf
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            if intensity[r, s, c] > 0:
                possible[s] = min(possible[s], for_sectors[k] / intensity[r, s, c])
        # inputs first, then a draw on built components; inputs beyond target restock
        for s in range(S):
            short[s, r] = possible[s] < target[s, r] * (1 - SHORT_TOLERANCE)
            direct = max(min(target[s, r], possible[s]), 0.0)
            draw = min(max(target[s, r] - direct, 0.0), comp[s, r])
            restocked = min(max(possible[s] - direct, 0.0), work.restock[s, r])
            made[s, r] = direct + draw
            from_inputs[s] = direct + restocked
            comp[s, r] += restocked - draw
        for c in range(C):
            left[c] = 0.0
        for k in range(K):
            s, c = pair_s[k], pair_c[k]
            left[c] += from_inputs[s] * intensity[r, s, c]
        for c in range(C):
            consumed[r, c] = consumed_p[r, c] + left[c] + ratio[r, c] * user_sink[r, c]
            us[r, c] = max(us[r, c] + D[r, c] + released[r, c] - consumed[r, c], 0.0)


@njit
def share_by_rank(
    rank: IntArray,
    pair_s: IntArray,
    pair_c: IntArray,
    need_k: FloatArray,
    left: FloatArray,
    part: FloatArray,
    given: FloatArray,
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
