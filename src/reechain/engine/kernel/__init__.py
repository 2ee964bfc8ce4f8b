"""The compiled kernel: one month of DESIGN.md §4 for every scenario of a chunk.

:func:`month_kernel` loops over the scenarios (compiled, not in Python) and runs each
scenario's month as the reference engine does (:mod:`reechain.engine.reference`), step by
step, each step under the reference's name: :func:`~.require.require`,
:func:`~.supply.supply` (produce, trade with :func:`~.trade.trade` and
:func:`~.trade.waterfill`, buffer), :func:`~.make.price`, :func:`~.make.make`,
:func:`~.stocks.refill`, :func:`~.close.floors`, :func:`~.close.close_month`,
:func:`~.close.next_utilisation`. Each step works on one scenario's arrays, which stay in
cache. Rules and decisions are the reference engine's; the comments only point to them.

Inputs, state and results are the typed groups of :mod:`reechain.engine.groups`. Every
term the sparse lists leave out (recipes' non-zero commodities, the (sector, commodity)
pairs with an intensity, the regions with something to ship) is exactly zero.

The kernel spans several modules; numba's on-disk cache is kept per version of all of
them (:mod:`reechain.engine.jit`), so a change to any one recompiles the whole kernel.
"""

from __future__ import annotations

from reechain.engine.groups import (
    Allocation,
    ChainArrays,
    FloatArray,
    Floors,
    Month,
    MonthTables,
    Processes,
    State,
    Stockpiles,
    Work,
)
from reechain.engine.jit import njit
from reechain.engine.kernel.close import close_month, floors, next_utilisation
from reechain.engine.kernel.make import make, price
from reechain.engine.kernel.require import require
from reechain.engine.kernel.stocks import refill, triggered
from reechain.engine.kernel.supply import supply
from reechain.engine.kernel.trade import trade, waterfill

__all__ = ["month_kernel", "trade", "triggered", "waterfill"]


@njit
def month_kernel(
    t: int,
    chain: ChainArrays,
    tables: MonthTables,
    procs: Processes,
    stocks: Stockpiles,
    price_floors: Floors,
    allocation: Allocation,
    state: State,
    out: Month,
    work: Work,
    full_trade: bool,
    refills: bool,
) -> None:
    """Run month ``t`` of every scenario (leading axis B) in place: ``state`` is carried
    to the next month, ``out`` gets the month's results; ``out.shipments`` is written when
    ``full_trade``, ``out.purchases`` when ``refills``."""
    B, P = procs.region.shape
    keep = full_trade or refills
    for b in range(B):
        N = tables.end_use_requirement[tables.end_use_requirement_at[b, t]]  # (S, R)
        intensity = tables.intensity[tables.intensity_at[b, t]]  # (R, S, C)
        share = tables.sourcing_share[tables.sourcing_share_at[b, t]]  # (C, R, R)
        sourced = tables.sourcing_list[tables.sourcing_share_at[b, t]]  # (C, R, n)
        cap = tables.link_cap[tables.link_cap_at[b, t]]  # (C, R, R)
        extra = tables.extra_supply[tables.extra_supply_at[b, t]]  # (R, C)
        us, ps, pp = state.user_stock[b], state.producer_stock[b], state.price_prev[b]
        U, A, D = out.requirement[b], out.available[b], out.deliveries[b]
        released, prices = out.stockpile_release[b], out.price[b]
        for p in range(P):
            out.utilisation[b, p] = state.utilisation[b, p]  # in force during the month
            work.effective[p] = procs.capacity[b, t, p] * state.utilisation[b, p]
        require(
            t,
            b,
            N,
            intensity,
            share,
            sourced,
            extra,
            chain,
            tables,
            procs,
            U,
            out.requests[b],
            us,
            state,
            work,
        )
        supply(
            t,
            b,
            share,
            sourced,
            cap,
            extra,
            chain,
            procs,
            stocks,
            allocation.partner_mask[b],
            U,
            out.requests[b],
            us,
            ps,
            state.qualify_since[b],
            state.level[b],
            pp,
            A,
            D,
            out.inventory_draw[b],
            released,
            out.activity[b],
            work,
            keep,
        )
        price(t, b, chain, tables, U, out.requests[b], D, released, us, ps, pp, prices, work)
        make(
            b,
            N,
            intensity,
            chain,
            procs,
            allocation.sector_rank[b],
            pp,
            out.activity[b],
            D,
            released,
            us,
            out.end_use_target[b],
            out.end_use_requirement[b],
            out.end_use_output[b],
            out.process_consumption[b],
            out.consumption[b],
            state.components[b],
            state.component_short[b],
            work,
        )
        if refills:
            refill(t, b, cap, stocks, chain.price0, U, D, pp, ps, state.level[b], work)
            copy3(work.purchases, out.purchases[b])
        if full_trade:
            copy3(work.shipped, out.shipments[b])
        floors(t, b, price_floors, prices, work.output, extra, out.floor_payment_usd[b])
        close_month(work.output, extra, prices, out.production[b], out.extra_supply[b], pp)
        next_utilisation(t, b, procs, work.required, state.utilisation[b])


@njit
def copy3(source: FloatArray, target: FloatArray) -> None:
    """``target[...] = source`` for 3-D arrays of one shape, element by element (an array
    assignment may allocate a temporary, which the kernel cannot: see
    :func:`~reechain.engine.jit.njit`)."""
    for x in range(source.shape[0]):
        for y in range(source.shape[1]):
            for z in range(source.shape[2]):
                target[x, y, z] = source[x, y, z]
