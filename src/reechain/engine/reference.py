"""The reference engine: one scenario, one month at a time, written straight from DESIGN.md §4.

It is the specification in code and the oracle for the vectorized engine; it is meant to
be read beside DESIGN.md section 4, step by step:

1. **Require** (downstream → upstream): N = baseline output × demand path × shocks;
   requirements become process activity (a co-production process runs at the maximum over
   its outputs of requirement ÷ yield) and requests to suppliers through sourcing shares.
2. **Produce, trade, buffer** (upstream → downstream, stage by stage, so deliveries reach
   the next stage in the same month): produce; trade round 1 (min(share × request, cap),
   pro rata when a supplier is short); trade round 2 (water-filling of leftovers, suppliers
   in region-index order, partners first where set, on qualified links only); buffer (user
   inventory first, then strategic stockpiles on their triggers).
3. **Price** from expected scarcity: expected cover x = f + (1 − f) × min(1, stocks on
   hand ÷ (inventory target + H × requirement)), f this month's fill rate of requests;
   the clearing multiple x^(1/ε); the price moves a
   share λ of the way there (in logs) each month; co-products are linked to their
   separation basket; a restricting exporter's domestic price is tied to the world's by
   the wedge; capped.
4. **Make**: target = N × (P(t−1)/P₀)^ε, output = min(target, inputs ÷ intensity).

Decisions where DESIGN.md is silent (the preparation's own are in
:mod:`reechain.engine.prepare`):

- **Use requirement** U of a region and commodity = its processes' required inputs + its
  sectors' N × intensity + the residual user sink. The user inventory target is
  target days × U ÷ (365/12); month 0 starts at that target. The request is
  max(U + (target − stock)/τ, 0).
- **Required production** of a region = requests sent to it (domestic included) + its
  producer stock build − its extra supply; it is split over the region's processes in
  proportion to their current effective capacity (capacity × availability × utilisation)
  × yield, which at baseline is their baseline activity. A price floor raises a covered
  process's required activity to its baseline.
- **Inputs on hand**: a region's available A of a commodity is shared pro rata to
  requirement between its processes, its sectors and its sink (sectors among themselves by
  priority rank, then pro rata). A process runs at min(capacity, required × the scarcest
  input's ratio). Whatever users receive and do not use goes to their user inventory.
- **Utilisation** changes after the month: +ramp (to the maximum) when capacity bound and
  requirement went unmet; −ramp (not below baseline) when required activity was at or below
  baseline activity.
- **"What i has"** in round 1 is its output plus its producer stock; what it does not ship
  stays in (or goes to) its producer stock.
- **Stockpile triggers** are checked each month: a date trigger from its month on; a
  shortfall trigger when (U − deliveries) ÷ U of the holder exceeds x; a price trigger on
  last month's price of the holder. Releases go to the holder's users (they count in A).
  **Refill** (months not triggered) buys up to the refill rate, not above the size, from
  producer stocks left after everything else, suppliers in region-index order, within the
  links' remaining caps; those purchases are recorded apart from deliveries.
- **Price**: per region and commodity. *Stocks on hand* are the user inventory at the start
  of the month plus the region's producer stock after trade; the *fill rate* f is
  (deliveries + stockpile releases) ÷ requests, at most 1, and 1 where nothing was
  requested; the *target* is the user inventory target (× the precaution multiplier while
  a restriction is announced). Users expect suppliers to go on filling the share f of
  what they will ask over the next H months (use plus restoring the target), so
  x = (on hand + f × (target + H × U − on hand)) ÷ (target + H × U)
  = f + (1 − f) × min(1, on hand ÷ (target + H × U)); 1 where target + H × U is 0, and
  taken as 1 within 1e-12 of it (no price moves at baseline). A user who asks for less
  because it holds more than it can use (its other inputs are short) sees no scarcity:
  its requests are filled. One that asks for nothing (its stock far above its target)
  learns nothing of its suppliers that month and sees cover 1; from its first request on,
  an unfilled one counts. (The rule before, x = (on hand + H × deliveries) ÷ (target +
  H × U), read such a user's smaller purchases as a falling inflow, and priced a grade
  nobody restricted up: users of the Dy-free grade lost output under a Dy/Tb-only cut.)
  Clearing multiple m* = x^(1/ε) (the cap where x = 0); m = m(t−1)^(1−λ) × m*^λ. Then,
  from these m of every region: co-product linkage m_c ≥ ω × Σ_k W[c, k] m_k (same
  region); the wedge m ≥ θ × the world's linked m (the other regions' mean weighted by
  this month's use U; 1 where they use none) for a restricting exporter; capped. The
  sector's price signal is its key input (largest intensity × P₀).
- **Qualification** (DESIGN.md §4, "suppliers are replaced only after a qualification
  lag"): round 2 ships to a requester only from its current suppliers (sourcing share > 0
  this month, the domestic link included) until the qualification lag of the commodity's
  stage has passed since the requester's first month with a request round 1 left unmet;
  from then on, from any supplier. The clock never restarts (a qualified supplier stays
  qualified). With a lag of 0 every supplier may serve at once.
- **Round 2** includes the domestic link (a supplier's leftover may serve its own users'
  unmet requests); domestic links are never capped. Partner preference applies to
  suppliers inside the partner set: they serve partners' unmet requests first.
- **Sectors** get their pro rata part of A by requirement N × intensity (or by priority
  rank), not by their price-cut target; what a priced-out sector leaves goes to the user
  inventory and lowers next month's request through restoration.
- **Monotonicity** (DESIGN.md §4 invariant) holds where requests cannot respond to the
  restriction: with inventory targets (restoration requests) or moving prices (priced-out
  deliveries left in inventory) a harsher restriction can raise an importer's receipts in
  a later month of the window; the property test states its preconditions.
- **Price floor payment**: max(floor − P, 0) × covered output (kg) of the covered regions,
  booked to the payer.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from reechain.engine.arrays import RunArrays, run_shapes
from reechain.engine.components import SHORT_TOLERANCE
from reechain.engine.groups import TRIGGER_DATE, TRIGGER_PRICE, TRIGGER_SHORTFALL
from reechain.engine.prepare import Prepared
from reechain.engine.reference_market import inventory_target, price, qualify
from reechain.engine.reference_trade import trade
from reechain.units import DAYS_PER_MONTH, KG_PER_T

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


class Required(NamedTuple):
    """What step 1 (:func:`require`) gives the month."""

    use: FloatArray
    """(R, C) use requirement U."""
    request: FloatArray
    """(R, C) requests sent to suppliers."""
    activity: FloatArray
    """(P,) required activity."""
    sector_need: FloatArray
    """(R, S, C) (N + component restoration) × intensity."""
    restock: FloatArray
    """(S, R) component restoration asked for, units of output."""


class Supplied(NamedTuple):
    """What step 2 (:func:`supply`) gives the month."""

    activity: FloatArray
    """(P,)"""
    output: FloatArray
    """(R, C) output, processes and extra supply."""
    shipped: FloatArray
    """(C, R, R)"""
    deliveries: FloatArray
    """(R, C)"""
    draw: FloatArray
    """(R, C) from user inventories."""
    released: FloatArray
    """(R, C) from strategic stockpiles."""
    available: FloatArray
    """(R, C) A."""
    ratio: FloatArray
    """(R, C) share of requirement available."""


class Made(NamedTuple):
    """What step 4 (:func:`make`) gives the month."""

    target: FloatArray
    """(S, R)"""
    made: FloatArray
    """(S, R)"""
    consumed: FloatArray
    """(R, C)"""
    process_consumption: FloatArray
    """(R, C)"""
    user_stock: FloatArray
    """(R, C) at the end of the month."""
    components: FloatArray
    """(S, R) built components at the end of the month, units of output."""


def run_reference(prep: Prepared) -> RunArrays:
    """Return the month-by-month result of one scenario (units per month, prices USD/kg).

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine.prepare import prepare
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> run = run_reference(prepare(chain, months=2))
    >>> bool(abs(run.production[1].sum() - chain.production.sum() / 12) < 1e-9)
    True
    """
    T, R, C = prep.months, len(prep.regions), len(prep.commodities)
    S, P, K = len(prep.sectors), len(prep.processes), len(prep.stockpile_holder)
    shapes = run_shapes(T, R, C, S, P, K)
    initial_stock = np.zeros((R, C))
    run = RunArrays(
        **{name: np.zeros(shape) for name, shape in shapes.items()},
        initial_user_inventory=initial_stock,
    )
    user_stock = np.zeros((R, C))
    producer_stock = np.zeros((R, C))
    utilisation = prep.utilisation0.copy()
    level = prep.stockpile_initial.copy()
    since = np.full((R, C), -1.0)  # month of each buyer's first shortfall (−1: none yet)
    components = np.zeros((S, R))  # built components, units of output (at target in month 0)
    short = np.zeros((S, R), dtype=bool)  # inputs fell short of target output last month
    price_prev = np.repeat(prep.price0_usd_per_kg[None, :], R, axis=0)
    for t in range(T):
        N = prep.end_use_requirement[t]  # (S, R)
        intensity = prep.intensity_slices[prep.intensity_index[t]]  # (R, S, C)
        share = prep.sourcing_share[t]  # (C, R, R)
        cap = prep.link_cap[t]  # (C, R, R)
        in_force = utilisation.copy()  # (P,) utilisation during this month
        effective = prep.capacity_per_month[t] * utilisation  # (P,)
        need = require(
            prep, t, N, intensity, share, effective, user_stock, initial_stock, components, short
        )
        got = supply(
            prep,
            t,
            share,
            cap,
            need,
            effective,
            user_stock,
            producer_stock,
            level,
            price_prev,
            since,
        )
        prices = price(
            prep,
            t,
            need.use,
            need.request,
            got.deliveries + got.released,
            user_stock,
            producer_stock,
            price_prev,
        )
        used = make(prep, N, intensity, need, got, price_prev, user_stock, components, short)
        user_stock = used.user_stock
        components = used.components
        purchases = refill(prep, t, cap, need, got, price_prev, producer_stock, level)
        paid = floors(prep, t, prices, got.output)
        utilisation = next_utilisation(prep, t, need.activity, utilisation)
        for name, value in (
            ("activity", got.activity),
            ("utilisation", in_force),
            ("production", got.output - prep.extra_supply[t]),
            ("extra_supply", prep.extra_supply[t]),
            ("requirement", need.use),
            ("requests", need.request),
            ("shipments", got.shipped),
            ("purchases", purchases),
            ("deliveries", got.deliveries),
            ("inventory_draw", got.draw),
            ("stockpile_release", got.released),
            ("available", got.available),
            ("consumption", used.consumed),
            ("process_consumption", used.process_consumption),
            ("user_inventory", user_stock),
            ("producer_stock", producer_stock),
            ("stockpile_level", level),
            ("price", prices),
            ("end_use_requirement", N),
            ("end_use_target", used.target),
            ("end_use_output", used.made),
            ("floor_payment_usd", paid),
        ):
            getattr(run, name)[t] = value
        price_prev = prices
    return run


def require(
    prep: Prepared,
    t: int,
    N: FloatArray,
    intensity: FloatArray,
    share: FloatArray,
    effective: FloatArray,
    user_stock: FloatArray,
    initial_stock: FloatArray,
    components: FloatArray,
    short: BoolArray,
) -> Required:
    """1. Require, downstream → upstream: use requirement, requests, required activity.
    In month 0 the user stock and the component stock ``components`` (in place) and
    ``initial_stock`` start at their target. Sectors ask for N plus component restoration
    (none after a month ``short`` of inputs)."""
    R, C, P = len(prep.regions), len(prep.commodities), len(prep.processes)
    wanted_components = prep.component_days[:, None] * N / DAYS_PER_MONTH  # (S, R)
    if t == 0:
        components[...] = wanted_components
    gap = np.maximum(wanted_components - components, 0.0)
    restock = np.where(short, 0.0, gap / prep.component_restoration_months[:, None])
    sector_need = np.einsum("sr,rsc->rsc", N + restock, intensity)  # (R, S, C)
    U = sector_need.sum(axis=1) + prep.user_sink
    request = np.zeros((R, C))
    required_activity = np.zeros(P)
    for g in reversed(prep.stage_order):
        cs = prep.commodity_stage == g
        if t == 0:
            user_stock[:, cs] = inventory_target(prep, U)[:, cs]  # before any precaution
            initial_stock[:, cs] = user_stock[:, cs]
        target = inventory_target(prep, U) * prep.target_scale[t]
        restoration = (target - user_stock) / prep.inventory_restoration_months
        request[:, cs] = np.maximum(U + restoration, 0.0)[:, cs]
        wanted = np.einsum("cij,jc->ic", share, request) + prep.producer_stock_build
        from_processes = np.maximum(wanted - prep.extra_supply[t], 0.0)
        for p in np.nonzero(prep.process_stage == g)[0].tolist():
            required_activity[p] = _required_activity(prep, p, effective, from_processes)
            required_activity[p] = max(required_activity[p], prep.floor_activity_per_month[t, p])
            U[prep.process_region[p]] += required_activity[p] * prep.process_inputs[p]
    return Required(U, request, required_activity, sector_need, restock)


def supply(
    prep: Prepared,
    t: int,
    share: FloatArray,
    cap: FloatArray,
    need: Required,
    effective: FloatArray,
    user_stock: FloatArray,
    producer_stock: FloatArray,
    level: FloatArray,
    price_prev: FloatArray,
    since: FloatArray,
) -> Supplied:
    """2. Produce, trade, buffer, upstream → downstream, so deliveries reach the next stage
    in the same month (``producer_stock``, stockpile ``level`` and the qualification clocks
    ``since`` change in place)."""
    R, C, P = len(prep.regions), len(prep.commodities), len(prep.processes)
    U, request = need.use, need.request
    A = np.zeros((R, C))
    D = np.zeros((R, C))
    ratio = np.ones((R, C))  # share of requirement each user gets of A
    activity = np.zeros(P)
    output = prep.extra_supply[t].copy()
    shipped = np.zeros((C, R, R))
    draw = np.zeros((R, C))
    released = np.zeros((R, C))
    for g in prep.stage_order:
        cs_idx = np.nonzero(prep.commodity_stage == g)[0].tolist()
        for p in np.nonzero(prep.process_stage == g)[0].tolist():
            r = prep.process_region[p]
            inputs = np.nonzero(prep.process_inputs[p])[0]
            on_hand = min((ratio[r, c] for c in inputs), default=1.0)
            activity[p] = min(effective[p], need.activity[p] * on_hand)
            output[r] += activity[p] * prep.process_outputs[p]
        for c in cs_idx:
            has = output[:, c] + producer_stock[:, c]
            shipped[c] = trade(
                share[c] * request[None, :, c],
                cap[c],
                has,
                request[:, c],
                prep.partner_mask[c],
                partial(qualify, prep, t, c, share[c], request[:, c], since=since),
            )
            producer_stock[:, c] = np.maximum(has - shipped[c].sum(axis=1), 0.0)
            D[:, c] = shipped[c].sum(axis=0)
            # buffer: user inventory first, then strategic stockpiles
            gap = np.maximum(U[:, c] - D[:, c], 0.0)
            draw[:, c] = np.minimum(gap, user_stock[:, c])
            for k in np.nonzero(prep.stockpile_commodity == c)[0].tolist():
                r = int(prep.stockpile_holder[k])
                if triggered(prep, k, t, U[r, c], D[r, c], price_prev[r, c], c):
                    remaining = gap[r] - draw[r, c] - released[r, c]
                    x = max(min(prep.stockpile_max_release[k], level[k], remaining), 0.0)
                    level[k] -= x
                    released[r, c] += x
            A[:, c] = D[:, c] + draw[:, c] + released[:, c]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio[:, c] = np.where(U[:, c] > 0, np.minimum(1.0, A[:, c] / U[:, c]), 1.0)
    return Supplied(activity, output, shipped, D, draw, released, A, ratio)


def make(
    prep: Prepared,
    N: FloatArray,
    intensity: FloatArray,
    need: Required,
    got: Supplied,
    price_prev: FloatArray,
    user_stock: FloatArray,
    components: FloatArray,
    short: BoolArray,
) -> Made:
    """4. Make: target = N × (P(t−1)/P₀)^ε, output = min(target, inputs ÷ intensity) plus
    a draw on built components of up to the rest of the target; inputs beyond the target
    restock components (up to the restoration asked for); then consumption and the user
    inventory. ``short`` (in place) records which sectors' inputs fell short of target."""
    R, C, S = len(prep.regions), len(prep.commodities), len(prep.sectors)
    ratio, sector_need = got.ratio, need.sector_need
    target = N.copy()
    for s in range(S):
        key = prep.sector_key_commodity[s]
        if key >= 0:
            signal = price_prev[:, key] / prep.price0_usd_per_kg[key]
            target[s] = N[s] * signal ** prep.elasticity[key]
    process_use = np.einsum("p,pc->pc", got.activity, prep.process_inputs)
    consumed_by_processes = np.zeros((R, C))
    np.add.at(consumed_by_processes, prep.process_region, process_use)
    made = np.zeros((S, R))
    from_inputs = np.zeros((S, R))  # units made from this month's inputs
    stock = components.copy()
    for r in range(R):
        for_sectors = share_by_rank(
            ratio[r] * sector_need[r].sum(axis=0), sector_need[r], prep.sector_rank[r]
        )  # (S, C)
        for s in range(S):
            uses = intensity[r, s] > 0
            possible = (for_sectors[s, uses] / intensity[r, s, uses]).min(initial=np.inf)
            short[s, r] = possible < target[s, r] * (1 - SHORT_TOLERANCE)
            direct = max(min(target[s, r], possible), 0.0)
            draw = min(max(target[s, r] - direct, 0.0), stock[s, r])
            restocked = min(max(possible - direct, 0.0), need.restock[s, r])
            made[s, r] = direct + draw
            from_inputs[s, r] = direct + restocked
            stock[s, r] += restocked - draw
    consumed_by_sectors = np.einsum("sr,rsc->rc", from_inputs, intensity)
    consumed = consumed_by_processes + consumed_by_sectors + ratio * prep.user_sink
    user = np.maximum(user_stock + got.deliveries + got.released - consumed, 0.0)
    return Made(target, made, consumed, consumed_by_processes, user, stock)


def refill(
    prep: Prepared,
    t: int,
    cap: FloatArray,
    need: Required,
    got: Supplied,
    price_prev: FloatArray,
    producer_stock: FloatArray,
    level: FloatArray,
) -> FloatArray:
    """Return (C, R, R) the purchases of strategic stockpiles not triggered: from producer
    stocks left after everything else is served, suppliers in region-index order, within
    the links' remaining caps (``producer_stock`` and ``level`` change in place)."""
    R, C = len(prep.regions), len(prep.commodities)
    U, D, shipped = need.use, got.deliveries, got.shipped
    purchases = np.zeros((C, R, R))
    for k in range(len(prep.stockpile_holder)):
        c, r = int(prep.stockpile_commodity[k]), int(prep.stockpile_holder[k])
        if prep.stockpile_refill[k] <= 0 or triggered(
            prep, k, t, U[r, c], D[r, c], price_prev[r, c], c
        ):
            continue
        want = min(prep.stockpile_refill[k], prep.stockpile_size[k] - level[k])
        for i in range(R):
            if want <= 0:
                break
            room = cap[c, i, r] - shipped[c, i, r] - purchases[c, i, r]
            x = max(min(want, producer_stock[i, c], room), 0.0)
            purchases[c, i, r] += x
            producer_stock[i, c] -= x
            level[k] += x
            want -= x
    return purchases


def floors(prep: Prepared, t: int, prices: FloatArray, output: FloatArray) -> FloatArray:
    """Return (R,) price-floor payments: max(floor − P, 0) × covered output (kg), booked
    to the payer."""
    floor_payment = np.zeros(len(prep.regions))
    for f in np.nonzero(prep.floor_active[t])[0].tolist():
        c = prep.floor_commodity[f]
        covered = prep.floor_producers[f]
        gap_usd = np.maximum(prep.floor_usd_per_kg[f] - prices[covered, c], 0.0)
        paid = (gap_usd * (output[covered, c] - prep.extra_supply[t][covered, c])).sum()
        floor_payment[prep.floor_payer[f]] += paid * KG_PER_T
    return floor_payment


def next_utilisation(
    prep: Prepared, t: int, required_activity: FloatArray, utilisation: FloatArray
) -> FloatArray:
    """Return (P,) utilisation for next month: +ramp when capacity bound and requirement
    unmet, −ramp (not below baseline) when required activity was at or below baseline."""
    binding = required_activity > prep.capacity_per_month[t] * utilisation * (1 + 1e-12)
    utilisation = np.where(
        binding,
        np.minimum(prep.max_utilisation, utilisation + prep.ramp_rate_per_month),
        utilisation,
    )
    at_or_below = required_activity <= prep.baseline_activity_per_month * (1 + 1e-12)
    return np.where(
        at_or_below & ~binding,
        np.maximum(prep.utilisation0, utilisation - prep.ramp_rate_per_month),
        utilisation,
    )


def _required_activity(
    prep: Prepared, p: int, effective: FloatArray, from_processes: FloatArray
) -> float:
    """Activity process p must run at: max over its outputs of its part ÷ yield."""
    r = prep.process_region[p]
    same_region = prep.process_region == r
    best = 0.0
    for c in np.nonzero(prep.process_outputs[p])[0].tolist():
        pool = (effective * prep.process_outputs[:, c])[same_region].sum()
        if pool > 0:
            best = max(best, effective[p] * from_processes[r, c] / pool)
    return best


def share_by_rank(amount: FloatArray, need: FloatArray, rank: NDArray[np.int64]) -> FloatArray:
    """(S, C) ``amount`` (C,) shared over sectors: lowest rank first, equal ranks pro rata."""
    out = np.zeros_like(need)
    left = amount.copy()
    for level in sorted(set(rank.tolist())):
        members = rank == level
        group_need = need[members].sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            part = np.where(group_need > 0, np.minimum(1.0, left / group_need), 0.0)
        out[members] = need[members] * part
        left = np.maximum(left - out[members].sum(axis=0), 0.0)
    return out


def triggered(
    prep: Prepared, k: int, t: int, use: float, delivered: float, last_price: float, c: int
) -> bool:
    """Whether stockpile ``k``'s trigger fires in month ``t``."""
    kind, value = prep.stockpile_trigger[k], prep.stockpile_trigger_value[k]
    if kind == TRIGGER_DATE:
        return bool(t >= value)
    if kind == TRIGGER_SHORTFALL:
        return bool(use > 0 and (use - delivered) / use > value)
    if kind == TRIGGER_PRICE:
        return bool(last_price > value * prep.price0_usd_per_kg[c])
    return False
