"""Step 1 of the kernel, Require (the reference's :func:`~reechain.engine.reference.require`)."""

from __future__ import annotations

from reechain.engine.groups import (
    ChainArrays,
    FloatArray,
    IntArray,
    MonthTables,
    Processes,
    State,
    Work,
)
from reechain.engine.jit import njit
from reechain.units import DAYS_PER_MONTH


@njit
def require(
    t: int,
    b: int,
    N: FloatArray,
    intensity: FloatArray,
    share: FloatArray,
    sourced: IntArray,
    extra: FloatArray,
    chain: ChainArrays,
    tables: MonthTables,
    procs: Processes,
    U: FloatArray,
    request: FloatArray,
    us: FloatArray,
    state: State,
    work: Work,
) -> None:
    """1. Require, downstream → upstream: use requirement ``U``, ``request`` and
    ``work.required`` (activity) of scenario ``b``; the user stock ``us`` starts at its
    target in month 0 (``state.initial_stock`` records it)."""
    stage_order, commodity_stage = chain.stage_order, chain.commodity_stage
    build, user_sink = chain.producer_stock_build, chain.user_sink
    target_days, restore_in = chain.inventory_target_days, chain.inventory_restoration_months
    pair_s, pair_c = chain.pair_sector, chain.pair_commodity
    region, pstage, inputs, outputs = (
        procs.region[b],
        procs.stage[b],
        procs.inputs[b],
        procs.outputs[b],
    )
    ins, outs, floor_now = procs.input_list[b], procs.output_list[b], procs.floor_activity[b, t]
    initial = state.initial_stock[b]
    effective, required, pool, from_proc = work.effective, work.required, work.pool, work.from_proc
    has_need, wanted_c = work.has_need, work.wanted
    scale = tables.target_scale[tables.target_scale_at[b, t]]
    S, R = N.shape
    C = U.shape[1]
    P = region.shape[0]
    # built components: at target in month 0; sectors ask for N + restoration
    days, restore_months = chain.component_days, chain.component_restoration_months
    comp, need_units, restock = state.components[b], work.need_units, work.restock
    short = state.component_short[b]
    for s in range(S):
        for r in range(R):
            want = days[s] * N[s, r] / DAYS_PER_MONTH
            if t == 0:
                comp[s, r] = want
            gap = max(want - comp[s, r], 0.0)
            restock[s, r] = 0.0 if short[s, r] else gap / restore_months[s]
            need_units[s, r] = N[s, r] + restock[s, r]
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
                U[r, c] += need_units[s, r] * intensity[r, s, c]
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
                if t == 0:  # before any precaution
                    us[r, c] = target
                    initial[r, c] = target
                target *= scale[r, c]
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
                    for m in range(sourced.shape[2]):  # a zero share adds 0 × request
                        j = sourced[c, i, m]
                        if j < 0:
                            break
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
