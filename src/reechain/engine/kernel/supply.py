"""Step 2 of the kernel, Produce, trade, buffer (the reference's
:func:`~reechain.engine.reference.supply`)."""

from __future__ import annotations

from reechain.engine.groups import (
    BoolArray,
    ChainArrays,
    FloatArray,
    IntArray,
    Processes,
    Stockpiles,
    Work,
)
from reechain.engine.jit import njit
from reechain.engine.kernel.stocks import triggered
from reechain.engine.kernel.trade import trade


@njit
def supply(
    t: int,
    b: int,
    share: FloatArray,
    sourced: IntArray,
    cap: FloatArray,
    extra: FloatArray,
    chain: ChainArrays,
    procs: Processes,
    stocks: Stockpiles,
    partners: BoolArray,
    U: FloatArray,
    request: FloatArray,
    us: FloatArray,
    ps: FloatArray,
    since: FloatArray,
    lv: FloatArray,
    pp: FloatArray,
    A: FloatArray,
    D: FloatArray,
    draw: FloatArray,
    released: FloatArray,
    activity: FloatArray,
    work: Work,
    keep: bool,
) -> None:
    """2. Produce, trade, buffer, upstream → downstream, so deliveries reach the next stage
    in the same month. ``work.shipped`` (C, R, R) gets the shipments when ``keep``."""
    stage_order, commodity_stage, p0 = chain.stage_order, chain.commodity_stage, chain.price0
    region, pstage, outputs = procs.region[b], procs.stage[b], procs.outputs[b]
    ins, outs = procs.input_list[b], procs.output_list[b]
    s_holder, s_commodity = stocks.holder, stocks.commodity
    s_trigger, s_trigger_value = stocks.trigger, stocks.trigger_value
    effective, required, ratio, output = work.effective, work.required, work.ratio, work.output
    to, to_count = work.to, work.to_count
    has, ship, suppliers, received, shipped = (
        work.has,
        work.ship,
        work.suppliers,
        work.received,
        work.shipped,
    )
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
            lag = chain.qualification_months[c]
            n = trade(t, c, share, sourced, cap, request, partners, since, lag, work)
            for k in range(n):
                i = suppliers[k]
                sent = 0.0
                for h in range(to_count[i]):  # the row's non-zero shipments, in index order
                    sent += ship[i, to[i, h]]
                ps[i, c] = max(has[i] - sent, 0.0)
                if keep:
                    for j in range(R):
                        shipped[c, i, j] = ship[i, j]
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
                    x = max(min(stocks.max_release[b, q], lv[q], remaining), 0.0)
                    lv[q] -= x
                    released[r, c] += x
            for r in range(R):
                A[r, c] = D[r, c] + draw[r, c] + released[r, c]
                if U[r, c] > 0:
                    ratio[r, c] = min(1.0, A[r, c] / U[r, c])
