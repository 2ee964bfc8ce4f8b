"""The batch engine's inputs, state and month results as typed groups of arrays.

Each group is a NamedTuple of numpy arrays, defined once here and built once per batch by
:func:`reechain.engine.batch.stack_prepared`; numba takes them as they are, so the kernel
(:mod:`reechain.engine.kernel`) reads ``procs.capacity[b, t, p]`` where it once read a
position in a tuple. Arrays are C-contiguous, float64, int64 or bool, so one compiled
signature serves every batch.

Axes: ``B`` scenarios (leading), ``T`` months, ``R`` regions, ``C`` commodities, ``S``
sectors, ``P`` processes, ``Q`` strategic stockpiles, ``F`` price floors, ``K`` the
(sector, commodity) pairs with an intensity in some scenario of the batch, ``U`` distinct
month slices of a table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

TRIGGER_NEVER, TRIGGER_DATE, TRIGGER_SHORTFALL, TRIGGER_PRICE = 0, 1, 2, 3
"""Stockpile trigger kinds."""

MARKET_FIELDS = ("cover_horizon_months", "adjustment", "wedge", "coproduct_linkage")
"""The :class:`~reechain.engine.market.MarketParameters` in ``ChainArrays.market``, in order."""


class ChainArrays(NamedTuple):
    """What comes from the chain alone: one copy for every scenario of a batch."""

    stage_order: IntArray
    """(G,) stage indices that have commodities, upstream first."""
    commodity_stage: IntArray
    """(C,)"""
    producer_stock_build: FloatArray
    """(R, C) per month."""
    user_sink: FloatArray
    """(R, C) per month."""
    inventory_target_days: FloatArray
    """(R, C)"""
    inventory_restoration_months: FloatArray
    """(R, C)"""
    price0: FloatArray
    """(C,) baseline price, USD/kg."""
    elasticity: FloatArray
    """(C,)"""
    price_cap_multiple: FloatArray
    """(C,)"""
    coproduct_weights: FloatArray
    """(C, C) value weights of the joint separation baskets that make each commodity."""
    coproduct_list: IntArray
    """(C, n) the commodities with a non-zero weight in each row of ``coproduct_weights``,
    in index order, −1 after the last."""
    market: FloatArray
    """(4,) the price step's H, λ, θ, ω (:data:`MARKET_FIELDS`)."""
    qualification_months: FloatArray
    """(C,) months a buyer needs to qualify a new supplier."""
    component_days: FloatArray
    """(S,) days of output held as built components."""
    component_restoration_months: FloatArray
    """(S,)"""
    sector_key_commodity: IntArray
    """(S,) −1 if none."""
    pair_sector: IntArray
    """(K,) sector of each (sector, commodity) pair with an intensity, by sector then
    commodity; every other pair is zero in every scenario and month of the batch."""
    pair_commodity: IntArray
    """(K,)"""


class MonthTables(NamedTuple):
    """Per-month arrays, deduplicated: ``intensity[intensity_at[b, t]]`` is month t of b."""

    intensity: FloatArray
    """(U, R, S, C)"""
    intensity_at: IntArray
    """(B, T)"""
    sourcing_share: FloatArray
    """(U, C, R, R) supplier × requester."""
    sourcing_share_at: IntArray
    """(B, T)"""
    sourcing_list: IntArray
    """(U, C, R, n) each supplier's requesters with a non-zero ``sourcing_share``, in index
    order, −1 after the last (month t of b: ``sourcing_list[sourcing_share_at[b, t]]``)."""
    link_cap: FloatArray
    """(U, C, R, R)"""
    link_cap_at: IntArray
    """(B, T)"""
    end_use_requirement: FloatArray
    """(U, S, R)"""
    end_use_requirement_at: IntArray
    """(B, T)"""
    extra_supply: FloatArray
    """(U, R, C)"""
    extra_supply_at: IntArray
    """(B, T)"""
    target_scale: FloatArray
    """(U, R, C) user inventory target multiplier (precaution)."""
    target_scale_at: IntArray
    """(B, T)"""
    restricting: FloatArray
    """(U, R, C) 1.0 where the region restricts its exports of the commodity."""
    restricting_at: IntArray
    """(B, T)"""


TABLES = (
    "intensity",
    "sourcing_share",
    "link_cap",
    "end_use_requirement",
    "extra_supply",
    "target_scale",
    "restricting",
)
"""The tables of :class:`MonthTables` (each with its ``_at`` index)."""


class Processes(NamedTuple):
    """Each scenario's processes, padded to the batch's largest count with inert ones
    (zero capacity and recipe, stage −1)."""

    region: IntArray
    """(B, P)"""
    stage: IntArray
    """(B, P)"""
    inputs: FloatArray
    """(B, P, C) units consumed per unit of activity."""
    outputs: FloatArray
    """(B, P, C) units produced per unit of activity."""
    input_list: IntArray
    """(B, P, n) commodities with a non-zero input, in index order, −1 after the last."""
    output_list: IntArray
    """(B, P, n) the same for outputs."""
    capacity: FloatArray
    """(B, T, P) activity units per month at full use."""
    floor_activity: FloatArray
    """(B, T, P) least required activity (price floors)."""
    utilisation0: FloatArray
    """(B, P)"""
    max_utilisation: FloatArray
    """(B, P)"""
    ramp_rate: FloatArray
    """(B, P) per month."""
    baseline_activity: FloatArray
    """(B, P) per month."""


class Stockpiles(NamedTuple):
    """Strategic stockpiles, padded with empty ones that never trigger nor refill."""

    holder: IntArray
    """(B, Q)"""
    commodity: IntArray
    """(B, Q)"""
    initial: FloatArray
    """(B, Q) units held at month 0."""
    size: FloatArray
    """(B, Q) refill ceiling."""
    max_release: FloatArray
    """(B, Q) units per month."""
    refill: FloatArray
    """(B, Q) units per month."""
    trigger: IntArray
    """(B, Q) TRIGGER_* kind."""
    trigger_value: FloatArray
    """(B, Q) date month, shortfall fraction or price multiple."""


class Floors(NamedTuple):
    """Price floors, padded with floors never active."""

    commodity: IntArray
    """(B, F)"""
    usd_per_kg: FloatArray
    """(B, F)"""
    payer: IntArray
    """(B, F)"""
    producers: BoolArray
    """(B, F, R) covered producer regions."""
    active: BoolArray
    """(B, T, F)"""


class Allocation(NamedTuple):
    """Who is served first: sector priority and partner preference."""

    sector_rank: IntArray
    """(B, R, S) 0 first; equal ranks share pro rata."""
    partner_mask: BoolArray
    """(B, C, R) partners for round 2 (all False: no preference)."""


class State(NamedTuple):
    """What carries from month to month (updated in place by the kernel)."""

    user_stock: FloatArray
    """(B, R, C)"""
    producer_stock: FloatArray
    """(B, R, C)"""
    initial_stock: FloatArray
    """(B, R, C) user stock at the start of month 0 (written in month 0)."""
    utilisation: FloatArray
    """(B, P)"""
    level: FloatArray
    """(B, Q) stockpile levels."""
    qualify_since: FloatArray
    """(B, R, C) month of each requester's first shortfall after round 1 (−1: none yet)."""
    components: FloatArray
    """(B, S, R) built components, units of output."""
    component_short: BoolArray
    """(B, S, R) inputs fell short of target output last month (no restoration asked)."""
    price_prev: FloatArray
    """(B, R, C) last month's price."""


class Month(NamedTuple):
    """One month of every scenario of a batch: the monthly fields of
    :class:`~reechain.engine.arrays.RunArrays` with a leading B axis (the kernel writes
    them; ``user_inventory``, ``producer_stock`` and ``stockpile_level`` are the state's
    own arrays). ``shipments`` and ``purchases`` are (B, 0, 0, 0) when not kept."""

    activity: FloatArray
    utilisation: FloatArray
    production: FloatArray
    extra_supply: FloatArray
    requirement: FloatArray
    requests: FloatArray
    shipments: FloatArray
    purchases: FloatArray
    deliveries: FloatArray
    inventory_draw: FloatArray
    stockpile_release: FloatArray
    available: FloatArray
    consumption: FloatArray
    process_consumption: FloatArray
    user_inventory: FloatArray
    producer_stock: FloatArray
    stockpile_level: FloatArray
    price: FloatArray
    end_use_requirement: FloatArray
    end_use_target: FloatArray
    end_use_output: FloatArray
    floor_payment_usd: FloatArray


class Work(NamedTuple):
    """The kernel's work space for one scenario's month, reused by every scenario."""

    effective: FloatArray
    """(P,) effective capacity."""
    required: FloatArray
    """(P,) required activity."""
    pool: FloatArray
    """(R, C) effective capacity × yield of each region's processes."""
    from_proc: FloatArray
    """(R, C) what each region's processes must make."""
    ratio: FloatArray
    """(R, C) share of requirement available."""
    output: FloatArray
    """(R, C) output, processes and extra supply."""
    wanted: BoolArray
    """(C,) commodities a stage's processes make."""
    has_need: BoolArray
    """(R,) regions with end use."""
    has: FloatArray
    """(R,) what each supplier has of a commodity."""
    ship: FloatArray
    """(R, R) a commodity's shipments."""
    suppliers: IntArray
    """(R,) regions with something to offer."""
    asked: FloatArray
    """(R,) a commodity's requests (a column of the requests, contiguous)."""
    to: IntArray
    """(R, R) each supplier's requesters with a non-zero shipment, in index order."""
    to_count: IntArray
    """(R,) how many of each supplier's row of ``to`` are filled."""
    short: IntArray
    """(R,) requesters still short after trade round 1, in index order."""
    received: FloatArray
    """(R,)"""
    unmet: FloatArray
    """(R,)"""
    limit: FloatArray
    """(R,)"""
    given: FloatArray
    """(R,)"""
    offer: FloatArray
    """(R,)"""
    active: BoolArray
    """(R,)"""
    shipped: FloatArray
    """(C, R, R) shipments of the month ((1, 1, 1) when neither kept nor refilled)."""
    purchases: FloatArray
    """(C, R, R) stockpile purchases ((1, 1, 1) without refills)."""
    need_k: FloatArray
    """(K,)"""
    for_sectors: FloatArray
    """(K,)"""
    possible: FloatArray
    """(S,)"""
    left: FloatArray
    """(C,)"""
    part: FloatArray
    """(C,)"""
    moved: FloatArray
    """(R, C) price multiples after partial adjustment."""
    linked: FloatArray
    """(R, C) price multiples after co-product linkage."""
    need_units: FloatArray
    """(S, R) N + component restoration."""
    restock: FloatArray
    """(S, R) component restoration asked for."""
    from_inputs: FloatArray
    """(S,) units made from the month's inputs (restocking included)."""
