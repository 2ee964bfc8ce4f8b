"""Shared data preparation: a chain and a scenario turned into per-month arrays.

Both engines (``reference`` and, later, ``vectorized``) start from a :class:`Prepared`;
they share this preparation and nothing of the monthly step. Everything a scenario changes
is resolved here into arrays over time, so the step logic never reads a scenario.

Axes: ``T`` months, ``R`` regions, ``C`` commodities, ``S`` sectors, ``P`` processes (the
chain's, then one per ``new_capacity`` policy), ``K`` strategic stockpiles (the dataset's,
then one per ``stockpile`` policy that sizes a new one). Quantities are commodity units
**per month** (annual figures ÷ 12); end-use output in sector units per month; prices USD/kg.
Trade arrays are ``(T, C, R, R)`` with supplier first, requester second; the diagonal is the
domestic link (a region's own producers serving its own users).

Decisions the design leaves open, made here (see also the engine's module docstring):

- **Residuals.** A positive residual (stock build or unrecorded use) is split: the part a
  region's own production could not place (production − exports − use, clipped to
  [0, residual]) is a *producer stock build*: producers make it every month and it goes to
  their producer stock. The rest is a *user sink*: a constant monthly requirement of the
  region's users, sourced like any other. A negative residual (unreported output or stock
  draw) is *extra supply*: a constant monthly domestic output no event touches.
- **Sourcing shares.** share[c, i, j] = baseline flow i→j ÷ j's baseline requirement; the
  domestic share is the rest (production − exports − producer stock build + extra supply).
  A region that exports more than it produces (re-exports of imports) is not modelled and
  raises ConsistencyError. Where a region has no baseline requirement, it sources
  domestically if it produces the commodity, else from exporters pro rata to their exports.
- **Idle processes** (``building`` / ``planned`` in the dataset) have zero baseline
  utilisation and stay idle unless ``online`` (a pipeline case) brings them in, as
  :mod:`reechain.engine.online` describes.
- **Outages**: availability = 1 − fraction during the window (outages multiply); after it,
  ``step`` restores it at once, ``linear`` over ``months`` (lost share f·(m−k−1)/m in the
  k-th month after the window).
- **Export restriction caps** per link and month: baseline flow × (1 − severity × s_j),
  where s_j is 1, or, with ``end_uses``, the importer's share of its use of that commodity
  that ends in those sectors (traced through its processes and sourcing). A quota caps the
  exporter's targeted exports at quota ÷ 12 a month, split over links pro rata to baseline
  flows. A licensing delay of d working days blocks the first d/21 months of the window
  (a month partly blocked passes the unblocked fraction); links with no baseline flow get
  cap 0. Several events on one link: the smallest cap.
- **Re-export rule**: a third region k's exports of a listed product to targeted importers
  are capped like the exporter's own when the product's restricted-origin content (units of
  restricted commodities of the exporter's origin per unit of product, traced through
  baseline recipes and sourcing shares) is at or above the threshold.
- **Logistics delay** of d days blocks the first d ÷ (365/12) months of the window on the
  affected links, in the same way as a licensing delay (goods in transit do not arrive).
- **Demand shocks** multiply end-use requirement by (1 + change) in their window (several
  multiply). **Substitution** multiplies a sector's intensity by (1 − reduction) from
  start + lag on; then grade switching and thrifting (:mod:`reechain.engine.switching`).
- **New capacity** adds a process (recipe: the one given, else that of the region's first
  process at that stage, else of the first process at that stage) whose availability ramps
  linearly from 1/ramp in its start month to 1, at its template's maximum utilisation. Its
  offtakers (default: its region) shift sourcing towards its region: each offtaker's share
  from the plant's region rises by plant output ÷ the offtakers' baseline requirement (pro
  rata), capped at 1, the other sources scaled down. **Recycling** adds extra domestic
  supply ramping the same way and raises the region's domestic share likewise.
- **Price floors** raise the required activity of covered processes (in the covered
  regions, producing the commodity) to at least their baseline activity in the window.
  **Sector priority** gives ranks per region (listed sectors first, in order; the others
  after, pro rata; else :mod:`reechain.engine.priority`'s). **Partner preference** marks
  the partner regions per commodity.
- **Market signals** (:mod:`reechain.engine.scarcity`): while a restriction is in force its
  targeted importers' inventory target of the restricted commodities is raised by the
  precaution share, and its exporter is marked as restricting them (the wedge); the
  co-product weights are the value baskets of the chain's joint separations. Licensing is
  turned into a delay and a severity by :func:`reechain.engine.caps.licensed`.
- **Stockpiles** of the dataset are held and never released unless a ``stockpile`` policy
  names their holder and commodity without a size (it then sets their trigger and release);
  a policy with a size creates a new stockpile, full at month 0 (``size_days``: days of the
  holder's baseline use).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.chain.pipeline import Online
from reechain.chain.pipeline import online as pipeline_online
from reechain.engine.caps import delay_caps, month_caps, restriction_caps
from reechain.engine.components import component_stocks
from reechain.engine.curves import (
    check_stages,
    demand_path_array,
    outage_curve,
    outage_processes,
    ramp,
    template,
)
from reechain.engine.lags import qualification_months
from reechain.engine.market import MarketParameters, elasticity_scales, load_market
from reechain.engine.online import place_online, shift_online
from reechain.engine.policy_arrays import (
    cached_base_shares,
    every_month,
    partner_regions,
    price_floor_arrays,
    sector_ranks,
)
from reechain.engine.scarcity import announced, coproduct_weights
from reechain.engine.select import name_mask, region_mask, regions_of
from reechain.engine.sourcing import shift_shares
from reechain.engine.stockpiles import stockpiles
from reechain.engine.switching import apply_switching
from reechain.engine.value_added import value_added_ratio
from reechain.scenario.models import (
    CapacityOutage,
    DemandShock,
    ExportRestriction,
    LogisticsDelay,
    NewCapacity,
    Recycling,
    Scenario,
    Substitution,
)
from reechain.scenario.validate import check_against_chain, month_index

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Prepared:
    """Everything the monthly step needs, as arrays (axes in the module docstring)."""

    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    sectors: tuple[str, ...]
    processes: tuple[str, ...]
    months: int
    """T, the horizon."""
    stage_order: tuple[int, ...]
    """Stage indices that have commodities, upstream first."""
    commodity_stage: IntArray
    """(C,) stage of each commodity."""
    process_stage: IntArray
    """(P,) stage of each process (that of its outputs)."""
    process_region: IntArray
    """(P,) region of each process."""
    process_inputs: FloatArray
    """(P, C) units consumed per unit of activity."""
    process_outputs: FloatArray
    """(P, C) units produced per unit of activity."""
    capacity_per_month: FloatArray
    """(T, P) capacity × availability ÷ 12, activity units per month at full use."""
    utilisation0: FloatArray
    """(P,) starting (baseline) utilisation."""
    max_utilisation: FloatArray
    """(P,)"""
    ramp_rate_per_month: FloatArray
    """(P,)"""
    baseline_activity_per_month: FloatArray
    """(P,) baseline activity ÷ 12."""
    floor_activity_per_month: FloatArray
    """(T, P) least required activity (price floors), activity units per month."""
    end_use_requirement: FloatArray
    """(T, S, R) notional end-use requirement N: baseline × demand path × shocks, per month."""
    baseline_output_per_month: FloatArray
    """(S, R) baseline end-use output ÷ 12."""
    intensity_slices: FloatArray
    """(U, R, S, C) the distinct months of :attr:`intensity`."""
    intensity_index: IntArray
    """(T,) each month's slice of ``intensity_slices``."""
    sourcing_share: FloatArray
    """(T, C, R, R) share of requester j's request sent to supplier i (columns sum to 1)."""
    link_cap_slices: FloatArray
    """(U, C, R, R) the distinct months of :attr:`link_cap`."""
    link_cap_index: IntArray
    """(T,) each month's slice of ``link_cap_slices``."""
    extra_supply: FloatArray
    """(T, R, C) output outside processes: unreported output and recycling, per month."""
    producer_stock_build: FloatArray
    """(R, C) producers' planned monthly addition to their producer stock (residuals)."""
    user_sink: FloatArray
    """(R, C) constant monthly requirement of unrecorded use (residuals)."""
    inventory_target_days: FloatArray
    """(R, C)"""
    inventory_restoration_months: FloatArray
    """(R, C)"""
    price0_usd_per_kg: FloatArray
    """(C,) baseline price."""
    elasticity: FloatArray
    """(C,) negative."""
    price_cap_multiple: FloatArray
    """(C,)"""
    target_scale: FloatArray
    """(T, R, C) user inventory target multiplier (1 + precaution where restricted)."""
    restricting: FloatArray
    """(T, R, C) 1.0 where the region restricts its exports of the commodity."""
    coproduct_weights: FloatArray
    """(C, C) row c: value weights of the joint separation baskets that make c."""
    market: MarketParameters
    """The price step's parameters (``elasticity`` above is already scaled)."""
    qualification_months: FloatArray
    """(C,) months to qualify a new supplier (:mod:`reechain.engine.lags`)."""
    component_days: FloatArray
    """(S,) days of output in built components (:mod:`reechain.engine.components`)."""
    component_restoration_months: FloatArray
    """(S,)"""
    sector_key_commodity: IntArray
    """(S,) the input with the largest cost share (intensity × price), −1 if none."""
    value_usd_per_unit: FloatArray
    """(S, R)"""
    jobs_per_unit: FloatArray
    """(S, R) jobs per unit of output per year."""
    value_added_ratio: FloatArray
    """(S, R) value added ÷ gross output (:mod:`reechain.engine.value_added`)."""
    adjustment_cost_usd_per_unit: FloatArray
    """(T, S, R) USD per unit made (:mod:`reechain.engine.switching`)."""
    sector_rank: IntArray
    """(R, S) allocation rank of scarce inputs (0 first); equal ranks share pro rata."""
    partner_mask: BoolArray
    """(C, R) partners for round 2 (all False: no preference for that commodity)."""
    stockpile_holder: IntArray
    """(K,)"""
    stockpile_commodity: IntArray
    """(K,)"""
    stockpile_initial: FloatArray
    """(K,) units held at month 0."""
    stockpile_size: FloatArray
    """(K,) refill ceiling, units."""
    stockpile_max_release: FloatArray
    """(K,) units per month."""
    stockpile_refill: FloatArray
    """(K,) units per month bought back when not triggered."""
    stockpile_trigger: IntArray
    """(K,) TRIGGER_* kind."""
    stockpile_trigger_value: FloatArray
    """(K,) date month, shortfall fraction or price multiple."""
    floor_commodity: IntArray
    """(F,) commodity of each price floor."""
    floor_usd_per_kg: FloatArray
    """(F,)"""
    floor_producers: BoolArray
    """(F, R) covered producer regions."""
    floor_payer: IntArray
    """(F,) paying region."""
    floor_active: BoolArray
    """(T, F) months the floor applies."""

    @cached_property
    def intensity(self) -> FloatArray:
        """(T, R, S, C) commodity units per unit of sector output; built on first use from
        the distinct months (a batch of scenarios never needs it)."""
        months: FloatArray = self.intensity_slices[self.intensity_index]
        return months

    @cached_property
    def link_cap(self) -> FloatArray:
        """(T, C, R, R) most that may be shipped i → j in a month (inf: unbounded); built on
        first use from the distinct months (a batch of scenarios never needs it)."""
        caps: FloatArray = self.link_cap_slices[self.link_cap_index]
        return caps


def prepare(
    chain: Chain,
    scenario: Scenario | None = None,
    *,
    months: int | None = None,
    demand_path: Any = None,
    online: Sequence[Online] | None = None,
    market: MarketParameters | None = None,
) -> Prepared:
    """Return the per-month arrays of ``scenario`` on ``chain`` (None: the baseline run).

    Parameters
    ----------
    chain
        The compiled chain.
    scenario
        Events and policies; None or an empty scenario gives the baseline run.
    months
        Horizon T (default: the scenario's, else 24).
    demand_path
        Multiplier of baseline end-use output: None (flat), an array (T,), or (T, S, R).
    online
        Pipeline capacity that comes online (default: that of the chain's own
        ``pipeline_case``, which is ``operating-only`` for a compiled chain: none).
    market
        The market's behavioural parameters (default: the bundled, calibrated table).

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine.prepare import prepare
    >>> p = prepare(reechain.compile_chain(reechain.load_dataset("sample")), months=3)
    >>> p.sourcing_share.shape
    (3, 7, 4, 4)
    """
    if scenario is not None:
        check_against_chain(scenario, chain)
    market = market if market is not None else load_market()
    T = months if months is not None else (scenario.horizon_months if scenario else 24)
    R, C, S = len(chain.regions), len(chain.commodities), len(chain.sectors)
    events = scenario.events if scenario else ()
    policies = scenario.policies if scenario else ()

    # --- processes: the chain's, then new capacity --------------------------------------
    names = list(chain.processes)
    region = list(chain.process_region)
    stage = list(chain.process_stage)
    inputs = list(chain.process_inputs)
    outputs = list(chain.process_outputs)
    capacity = list(chain.capacity_per_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        u0 = np.where(
            chain.capacity_per_year > 0, chain.activity_per_year / chain.capacity_per_year, 0.0
        )
    util0 = list(u0)
    max_util = list(chain.max_utilisation)
    ramps = list(chain.ramp_rate_per_month)
    availability = [np.ones(T) for _ in names]
    for i, policy in enumerate(policies):
        if not isinstance(policy, NewCapacity):
            continue
        r, g = chain.region_index(policy.region), chain.stage_index(policy.stage)
        model = template(chain, r, g, policy.recipe)
        names.append(f"new_capacity[{i}]:{policy.region}:{policy.stage}")
        region.append(r)
        stage.append(g)
        q = chain.recipes.index(policy.recipe) if policy.recipe else chain.process_recipe[model]
        inputs.append(chain.recipe_inputs[q])
        outputs.append(chain.recipe_outputs[q])
        capacity.append(policy.capacity_per_year)
        util0.append(float(chain.max_utilisation[model]) if model >= 0 else 1.0)
        max_util.append(util0[-1])
        ramps.append(float(chain.ramp_rate_per_month[model]) if model >= 0 else 0.0)
        availability.append(ramp(T, month_index(chain, policy.start), policy.ramp_up_months))
    entries = pipeline_online(chain, chain.pipeline_case) if online is None else online
    pipeline = place_online(
        chain, entries, T, names, region, stage, inputs, outputs, capacity, util0, max_util,
        ramps, availability,
    )  # fmt: skip
    P = len(names)
    process_region = np.array(region, dtype=np.int64)
    process_stage = np.array(stage, dtype=np.int64)
    process_inputs = np.array(inputs, dtype=np.float64).reshape(P, C)
    process_outputs = np.array(outputs, dtype=np.float64).reshape(P, C)
    avail = np.array(availability).reshape(P, T).T.copy()
    for event in events:
        if isinstance(event, CapacityOutage):
            hit = outage_processes(chain, event, P, process_region, process_stage)
            avail[:, hit] *= outage_curve(T, month_index(chain, event.start), event)[:, None]
    check_stages(chain, process_stage, process_inputs, process_outputs)
    baseline_activity = (
        np.concatenate([chain.activity_per_year, np.zeros(P - len(chain.processes))]) / 12
    )

    # --- residuals, requirement and sourcing ------------------------------------------------
    production = chain.production
    use = chain.process_use + chain.end_use
    residual = chain.residual
    positive = np.maximum(residual, 0.0)
    placeable = np.maximum(production - chain.exports - use, 0.0)
    stock_build = np.minimum(positive, placeable)
    user_sink = positive - stock_build
    unreported = np.maximum(-residual, 0.0)
    requirement = use + user_sink  # (R, C) per year
    base_share = cached_base_shares(chain, requirement, production, stock_build, unreported)
    recycling = any(isinstance(p, Recycling) for p in policies)
    new_capacity = any(isinstance(p, NewCapacity) for p in policies) or bool(pipeline)
    share = every_month(base_share, T, writable=recycling or new_capacity)
    extra = every_month(unreported / 12, T, writable=recycling)
    for policy in policies:
        if isinstance(policy, Recycling):
            r, c = chain.region_index(policy.region), chain.commodity_index(policy.commodity)
            curve = ramp(T, month_index(chain, policy.start), policy.ramp_up_months)
            added = policy.quantity_t_per_year / 12 * curve
            extra[:, r, c] += added
            shift_shares(share, c, r, [r], added, requirement[:, c] / 12)
    p_new = len(chain.processes)
    for policy in policies:
        if isinstance(policy, NewCapacity):
            r = process_region[p_new]
            offtake = regions_of(chain, policy.offtake) if policy.offtake else [int(r)]
            for c in np.nonzero(process_outputs[p_new] > 0)[0].tolist():
                out = policy.capacity_per_year / 12 * avail[:, p_new] * max_util[p_new]
                out = out * process_outputs[p_new, c]
                shift_shares(share, int(c), int(r), offtake, out, requirement[:, c] / 12)
            p_new += 1
    shift_online(chain, share, pipeline, process_region, process_outputs, avail, requirement)

    # --- end use ------------------------------------------------------------------------
    path = demand_path_array(demand_path, T, S, R)
    N = chain.output_per_year[None] / 12 * path
    substitution = any(isinstance(p, Substitution) for p in policies)
    intensity = every_month(
        np.broadcast_to(chain.intensity, (R, *chain.intensity.shape)), T, writable=substitution
    )
    for event in events:
        if isinstance(event, DemandShock):
            t0 = month_index(chain, event.start)
            t1 = T if event.duration_months is None else min(T, t0 + event.duration_months)
            s_mask = name_mask(chain.sectors, event.sectors, chain.sector_index)
            r_mask = region_mask(chain, event.regions)
            N[t0:t1] *= 1 + event.change * (s_mask[:, None] & r_mask[None, :])
    for policy in policies:
        if isinstance(policy, Substitution):
            t0 = month_index(chain, policy.start) + policy.lag_months
            s, c = chain.sector_index(policy.sector), chain.commodity_index(policy.commodity)
            r_mask = region_mask(chain, policy.regions)
            if t0 < T:
                intensity[t0:, r_mask, s, c] *= 1 - policy.reduction
    intensity_slices, intensity_index, adjustment_cost = apply_switching(chain, scenario, intensity)

    # --- trade caps ------------------------------------------------------------------------
    flow = chain.trade_matrix / 12  # (C, R, R)
    event_caps = [
        restriction_caps(chain, event, flow, base_share, T, market)
        if isinstance(event, ExportRestriction)
        else delay_caps(chain, event, flow, T)
        for event in events
        if isinstance(event, ExportRestriction | LogisticsDelay)
    ]
    cap_slices, cap_index = month_caps(event_caps, (C, R, R), T)
    target_scale, restricting = announced(
        chain, events, T, market.precaution, market.precaution_months
    )

    # --- policies: stockpiles, partners, floors, priority -------------------------------------
    stocks = stockpiles(chain, policies, use)
    partner = partner_regions(chain, policies)
    rank = sector_ranks(chain, policies)
    floors, floor_active, floor_producers, floor_activity = price_floor_arrays(
        chain, policies, T, process_region, process_outputs, baseline_activity
    )

    cost = chain.intensity * chain.price_usd_per_kg[None, :]
    key = np.where(cost.max(axis=1) > 0, cost.argmax(axis=1), -1)
    return Prepared(
        regions=chain.regions,
        commodities=chain.commodities,
        sectors=chain.sectors,
        processes=tuple(names),
        months=T,
        stage_order=tuple(sorted(set(chain.commodity_stage.tolist()))),
        commodity_stage=np.asarray(chain.commodity_stage),
        process_stage=process_stage,
        process_region=process_region,
        process_inputs=process_inputs,
        process_outputs=process_outputs,
        capacity_per_month=np.array(capacity)[None, :] / 12 * avail,
        utilisation0=np.array(util0),
        max_utilisation=np.array(max_util),
        ramp_rate_per_month=np.array(ramps),
        baseline_activity_per_month=baseline_activity,
        floor_activity_per_month=floor_activity,
        end_use_requirement=N,
        baseline_output_per_month=chain.output_per_year / 12,
        intensity_slices=intensity_slices,
        intensity_index=intensity_index,
        sourcing_share=share,
        link_cap_slices=cap_slices,
        link_cap_index=cap_index,
        extra_supply=extra,
        producer_stock_build=stock_build / 12,
        user_sink=user_sink / 12,
        inventory_target_days=np.asarray(chain.inventory_target_days),
        inventory_restoration_months=np.asarray(chain.inventory_restoration_months),
        price0_usd_per_kg=np.asarray(chain.price_usd_per_kg),
        elasticity=np.asarray(chain.elasticity) * elasticity_scales(chain.commodities, market),
        price_cap_multiple=np.asarray(chain.price_cap_multiple),
        target_scale=target_scale,
        restricting=restricting,
        coproduct_weights=coproduct_weights(chain),
        market=market,
        qualification_months=qualification_months(chain),
        component_days=component_stocks(chain)[0],
        component_restoration_months=component_stocks(chain)[1],
        sector_key_commodity=key.astype(np.int64),
        value_usd_per_unit=np.asarray(chain.value_usd_per_unit),
        jobs_per_unit=np.asarray(chain.jobs_per_unit),
        value_added_ratio=value_added_ratio(chain),
        adjustment_cost_usd_per_unit=adjustment_cost,
        sector_rank=rank,
        partner_mask=partner,
        floor_commodity=np.array(
            [chain.commodity_index(p.commodity) for p in floors], dtype=np.int64
        ),
        floor_usd_per_kg=np.array([p.floor_usd_per_kg for p in floors], dtype=np.float64),
        floor_producers=floor_producers,
        floor_payer=np.array([chain.region_index(p.payer) for p in floors], dtype=np.int64),
        floor_active=floor_active,
        stockpile_holder=stocks.holder,
        stockpile_commodity=stocks.commodity,
        stockpile_initial=stocks.initial,
        stockpile_size=stocks.size,
        stockpile_max_release=stocks.max_release,
        stockpile_refill=stocks.refill,
        stockpile_trigger=stocks.trigger,
        stockpile_trigger_value=stocks.trigger_value,
    )


# --- helpers -----------------------------------------------------------------------------
