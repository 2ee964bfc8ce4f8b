"""The reference engine: one scenario, one month at a time, written straight from DESIGN.md §4.

It is the specification in code and the oracle for the vectorized engine; it is meant to
be read beside DESIGN.md section 4, step by step:

1. **Require** (downstream → upstream): N = baseline output × demand path × shocks;
   requirements become process activity (a co-production process runs at the maximum over
   its outputs of requirement ÷ yield) and requests to suppliers through sourcing shares.
2. **Produce, trade, buffer** (upstream → downstream, stage by stage, so deliveries reach
   the next stage in the same month): produce; trade round 1 (min(share × request, cap),
   pro rata when a supplier is short); trade round 2 (water-filling of leftovers, suppliers
   in region-index order, partners first where set); buffer (user inventory first, then
   strategic stockpiles on their triggers).
3. **Price**: P = P₀ × min(1, A/N)^(1/ε), capped.
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
- **Price**: per region and commodity with N = U (no requirement: P₀; nothing available:
  the cap). The sector's price signal is its key input (largest intensity × P₀).
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

import numpy as np
from numpy.typing import NDArray

from reechain.engine.arrays import RunArrays, run_shapes
from reechain.engine.groups import TRIGGER_DATE, TRIGGER_PRICE, TRIGGER_SHORTFALL
from reechain.engine.prepare import Prepared
from reechain.engine.units import DAYS_PER_MONTH, KG_PER_T

FloatArray = NDArray[np.float64]


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
    out = {name: np.zeros(shape) for name, shape in run_shapes(T, R, C, S, P, K).items()}
    user_stock = np.zeros((R, C))
    producer_stock = np.zeros((R, C))
    utilisation = prep.utilisation0.copy()
    level = prep.stockpile_initial.copy()
    price_prev = np.repeat(prep.price0_usd_per_kg[None, :], R, axis=0)
    stages = prep.stage_order
    initial_stock = np.zeros((R, C))

    for t in range(T):
        N = prep.end_use_requirement[t]  # (S, R)
        intensity = prep.intensity[t]  # (R, S, C)
        share = prep.sourcing_share[t]  # (C, R, R)
        cap = prep.link_cap[t]  # (C, R, R)
        in_force = utilisation.copy()  # (P,) utilisation during this month
        effective = prep.capacity_per_month[t] * utilisation  # (P,)

        # 1. Require: downstream → upstream --------------------------------------------
        sector_need = np.einsum("sr,rsc->rsc", N, intensity)  # (R, S, C)
        U = sector_need.sum(axis=1) + prep.user_sink
        request = np.zeros((R, C))
        required_activity = np.zeros(P)
        for g in reversed(stages):
            cs = prep.commodity_stage == g
            if t == 0:
                user_stock[:, cs] = _target(prep, U)[:, cs]
                initial_stock[:, cs] = user_stock[:, cs]
            restoration = (_target(prep, U) - user_stock) / prep.inventory_restoration_months
            request[:, cs] = np.maximum(U + restoration, 0.0)[:, cs]
            wanted = np.einsum("cij,jc->ic", share, request) + prep.producer_stock_build
            from_processes = np.maximum(wanted - prep.extra_supply[t], 0.0)
            for p in np.nonzero(prep.process_stage == g)[0].tolist():
                required_activity[p] = _required_activity(prep, p, effective, from_processes)
                required_activity[p] = max(
                    required_activity[p], prep.floor_activity_per_month[t, p]
                )
                U[prep.process_region[p]] += required_activity[p] * prep.process_inputs[p]

        # 2. Produce, trade, buffer: upstream → downstream ------------------------------
        A = np.zeros((R, C))
        D = np.zeros((R, C))
        ratio = np.ones((R, C))  # share of requirement each user gets of A
        activity = np.zeros(P)
        output = prep.extra_supply[t].copy()
        shipped = np.zeros((C, R, R))
        draw = np.zeros((R, C))
        released = np.zeros((R, C))
        for g in stages:
            cs_idx = np.nonzero(prep.commodity_stage == g)[0].tolist()
            for p in np.nonzero(prep.process_stage == g)[0].tolist():
                r = prep.process_region[p]
                inputs = np.nonzero(prep.process_inputs[p])[0]
                on_hand = min((ratio[r, c] for c in inputs), default=1.0)
                activity[p] = min(effective[p], required_activity[p] * on_hand)
                output[r] += activity[p] * prep.process_outputs[p]
            for c in cs_idx:
                has = output[:, c] + producer_stock[:, c]
                shipped[c] = _trade_round_1(share[c] * request[None, :, c], cap[c], has)
                _trade_round_2(shipped[c], cap[c], has, request[:, c], prep.partner_mask[c])
                producer_stock[:, c] = np.maximum(has - shipped[c].sum(axis=1), 0.0)
                D[:, c] = shipped[c].sum(axis=0)
                # buffer: user inventory first, then strategic stockpiles
                gap = np.maximum(U[:, c] - D[:, c], 0.0)
                draw[:, c] = np.minimum(gap, user_stock[:, c])
                for k in np.nonzero(prep.stockpile_commodity == c)[0].tolist():
                    r = int(prep.stockpile_holder[k])
                    if _triggered(prep, k, t, U[r, c], D[r, c], price_prev[r, c], c):
                        remaining = gap[r] - draw[r, c] - released[r, c]
                        x = max(min(prep.stockpile_max_release[k], level[k], remaining), 0.0)
                        level[k] -= x
                        released[r, c] += x
                A[:, c] = D[:, c] + draw[:, c] + released[:, c]
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio[:, c] = np.where(U[:, c] > 0, np.minimum(1.0, A[:, c] / U[:, c]), 1.0)

        # 3. Price ------------------------------------------------------------------------
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            cover = np.where(U > 0, np.minimum(1.0, A / np.where(U > 0, U, 1.0)), 1.0)
            multiple = np.where(cover > 0, cover ** (1 / prep.elasticity[None, :]), np.inf)
        price = prep.price0_usd_per_kg[None, :] * np.minimum(
            multiple, prep.price_cap_multiple[None, :]
        )

        # 4. Make ---------------------------------------------------------------------------
        target = N.copy()
        for s in range(S):
            key = prep.sector_key_commodity[s]
            if key >= 0:
                signal = price_prev[:, key] / prep.price0_usd_per_kg[key]
                target[s] = N[s] * signal ** prep.elasticity[key]
        process_use = np.einsum("p,pc->pc", activity, prep.process_inputs)
        consumed_by_processes = np.zeros((R, C))
        np.add.at(consumed_by_processes, prep.process_region, process_use)
        made = np.zeros((S, R))
        for r in range(R):
            for_sectors = _share_by_rank(
                ratio[r] * sector_need[r].sum(axis=0), sector_need[r], prep.sector_rank[r]
            )  # (S, C)
            for s in range(S):
                uses = intensity[r, s] > 0
                possible = (for_sectors[s, uses] / intensity[r, s, uses]).min(initial=np.inf)
                made[s, r] = max(min(target[s, r], possible), 0.0)
        consumed_by_sectors = np.einsum("sr,rsc->rc", made, intensity)
        consumed = consumed_by_processes + consumed_by_sectors + ratio * prep.user_sink
        user_stock = np.maximum(user_stock + D + released - consumed, 0.0)

        # refill strategic stockpiles after everything else is served
        purchases = np.zeros((C, R, R))
        for k in range(K):
            c, r = int(prep.stockpile_commodity[k]), int(prep.stockpile_holder[k])
            if prep.stockpile_refill[k] <= 0 or _triggered(
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

        # price floors
        floor_payment = np.zeros(R)
        for f in np.nonzero(prep.floor_active[t])[0].tolist():
            c = prep.floor_commodity[f]
            covered = prep.floor_producers[f]
            gap_usd = np.maximum(prep.floor_usd_per_kg[f] - price[covered, c], 0.0)
            paid = (gap_usd * (output[covered, c] - prep.extra_supply[t][covered, c])).sum()
            floor_payment[prep.floor_payer[f]] += paid * KG_PER_T

        # utilisation for next month
        binding = required_activity > prep.capacity_per_month[t] * utilisation * (1 + 1e-12)
        utilisation = np.where(
            binding,
            np.minimum(prep.max_utilisation, utilisation + prep.ramp_rate_per_month),
            utilisation,
        )
        at_or_below = required_activity <= prep.baseline_activity_per_month * (1 + 1e-12)
        utilisation = np.where(
            at_or_below & ~binding,
            np.maximum(prep.utilisation0, utilisation - prep.ramp_rate_per_month),
            utilisation,
        )

        for name, value in (
            ("activity", activity),
            ("utilisation", in_force),
            ("production", output - prep.extra_supply[t]),
            ("extra_supply", prep.extra_supply[t]),
            ("requirement", U),
            ("requests", request),
            ("shipments", shipped),
            ("purchases", purchases),
            ("deliveries", D),
            ("inventory_draw", draw),
            ("stockpile_release", released),
            ("available", A),
            ("consumption", consumed),
            ("process_consumption", consumed_by_processes),
            ("user_inventory", user_stock),
            ("producer_stock", producer_stock),
            ("stockpile_level", level),
            ("price", price),
            ("end_use_requirement", N),
            ("end_use_target", target),
            ("end_use_output", made),
            ("floor_payment_usd", floor_payment),
        ):
            out[name][t] = value
        price_prev = price
    return RunArrays(initial_user_inventory=initial_stock, **out)


def _target(prep: Prepared, use: FloatArray) -> FloatArray:
    """(R, C) user inventory target: target days × this month's use ÷ (365/12)."""
    return prep.inventory_target_days * use / DAYS_PER_MONTH


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


def _trade_round_1(wanted: FloatArray, cap: FloatArray, has: FloatArray) -> FloatArray:
    """(R, R) round 1: min(share × request, cap), scaled pro rata where a supplier is short."""
    ship = np.minimum(wanted, cap)
    total = ship.sum(axis=1)
    for i in np.nonzero(total > has)[0].tolist():
        ship[i] *= has[i] / total[i]
    return ship


def _trade_round_2(
    ship: FloatArray,
    cap: FloatArray,
    has: FloatArray,
    request: FloatArray,
    partners: NDArray[np.bool_],
) -> None:
    """Round 2, in place: suppliers in index order offer leftovers to unmet requests."""
    R = len(has)
    for i in range(R):
        leftover = has[i] - ship[i].sum()
        if leftover <= 0:
            continue
        groups = [partners, ~partners] if partners[i] and partners.any() else [np.ones(R, bool)]
        for members in groups:
            unmet = np.maximum(request - ship.sum(axis=0), 0.0) * members
            room = np.maximum(cap[i] - ship[i], 0.0)
            given = waterfill(leftover, unmet, np.minimum(unmet, room))
            ship[i] += given
            leftover -= given.sum()
            if leftover <= 0:
                break


def waterfill(amount: float, weights: FloatArray, limits: FloatArray) -> FloatArray:
    """Return ``amount`` shared pro rata to ``weights``, none above its limit, excess passed on.

    Examples
    --------
    >>> waterfill(10.0, np.array([1.0, 1.0]), np.array([2.0, 100.0])).tolist()
    [2.0, 8.0]
    """
    given = np.zeros_like(weights)
    active = (weights > 0) & (limits > 0)
    while amount > 0 and active.any():
        offer = amount * np.where(active, weights, 0.0) / weights[active].sum()
        over = active & (given + offer >= limits)
        if not over.any():
            given += offer
            break
        amount -= (limits[over] - given[over]).sum()
        given[over] = limits[over]
        active &= ~over
    return given


def _share_by_rank(amount: FloatArray, need: FloatArray, rank: NDArray[np.int64]) -> FloatArray:
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


def _triggered(
    prep: Prepared, k: int, t: int, use: float, delivered: float, last_price: float, c: int
) -> bool:
    kind, value = prep.stockpile_trigger[k], prep.stockpile_trigger_value[k]
    if kind == TRIGGER_DATE:
        return bool(t >= value)
    if kind == TRIGGER_SHORTFALL:
        return bool(use > 0 and (use - delivered) / use > value)
    if kind == TRIGGER_PRICE:
        return bool(last_price > value * prep.price0_usd_per_kg[c])
    return False
