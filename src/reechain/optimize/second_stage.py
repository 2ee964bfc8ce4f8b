"""The optimiser's second stage: a linear version of the monthly engine, per history.

The engine of DESIGN.md section 4 is non-linear (pro-rata allocation, inventories that
restore, prices and demand response, utilisation ramps). For optimisation its essentials
are kept as a linear programme per sampled history, at yearly (or quarterly, ``steps_per_year
= 4``) resolution, seen from the partnership:

- **One pool.** The partnership's member regions pool their supply (free internal trade).
  Non-members are the *outside*.
- **Supply** of each commodity in a step: the activity of pool processes (existing
  operating processes of member regions, and chosen process candidates) times their
  yields; imports from outside, at most the baseline flows into member regions times the
  engine's link availability in that history (export restrictions, quotas, licensing and
  logistics delays, re-export rules: the engine's own ``prepare`` computes them); existing
  unreported output; chosen offtakes and recycling; releases from strategic stocks; and the
  requirement saved by chosen thrifting (counted as supply).
- **Use**: process inputs (``feed = own`` candidates bring their own) and end-use output:
  each (sector, member region) makes output ``y ≤ N`` (the engine's notional requirement,
  demand shocks included) needing ``intensity × y`` of each commodity (Leontief).
- **Capacity** per step: an existing plant runs at most at its baseline activity (the
  engine runs a plant to its requesters' baseline sourcing requests, so spare capacity is
  not rerouted to partners), less what outages take (capacity × availability, from the
  engine's preparation); a chosen candidate at capacity × maximum utilisation × success ×
  a 12-month linear ramp from its first year; all × step length.
- **Pro-rata end use**: scarce material is shared by all end uses of the pool in
  proportion, like the engine's make step: a served fraction ``f`` per commodity, material
  used = f × Σ intensity × N, and each end use loses at least (1 − f) of its requirement
  for every commodity it needs (``Enduse-shortfall ≥ N (1 − f)``).
- **Stocks** carry over steps: level = previous level − release; release ≤ maximum release.
- **Lost supply** = Σ (N − y) × value per unit (USD of end-use output).

Left out on purpose (each is part of the measured gap to the engine, see
:func:`reechain.optimize.evaluate.shortfall_gap`): user inventories, prices and demand
response, utilisation ramps of existing plants, knock-on effects outside the pool (an upstream
outage in Myanmar reaches the pool only through the engine's caps), and partner preference.

Every array here has its axes in its docstring: ``S`` histories, ``T`` steps, ``P`` pool
processes, ``C`` commodities, ``U`` (sector, member region) end uses, ``K`` stocks,
``J`` candidates. Quantities are in commodity units per step unless a name says per year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.prepare import prepare
from reechain.errors import ConsistencyError
from reechain.names import did_you_mean
from reechain.optimize.candidates import Candidate, CandidateKind, CandidateTable, Feed
from reechain.optimize.histories import Histories, success_draw
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

RAMP_UP_MONTHS = 12
"""A new plant ramps linearly to full availability over its first 12 months (assumption)."""
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, eq=False)
class Instance:
    """One partnership problem as arrays: what the MILP is built from."""

    members: tuple[str, ...]
    """Member names (regions or groups)."""
    pool: BoolArray
    """(R,) member regions."""
    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    stages: tuple[str, ...]
    commodity_stage: IntArray
    """(C,)"""
    start_year: int
    """Calendar year of step 0."""
    steps_per_year: int
    histories: tuple[str, ...]
    """(S,) history names."""
    candidates: tuple[Candidate, ...]
    """(J,) candidates open to the pool."""
    process_names: tuple[str, ...]
    """(P,) existing processes, then candidate processes."""
    process_candidate: IntArray
    """(P,) candidate index of each process, −1 for an existing one."""
    process_stage: IntArray
    """(P,)"""
    process_inputs: FloatArray
    """(P, C) units drawn from the pool per unit of activity (zero for own feed)."""
    process_outputs: FloatArray
    """(P, C) units made per unit of activity."""
    process_capacity: FloatArray
    """(S, T, P) most activity in a step (capacity × max utilisation × availability × dt)."""
    imports: FloatArray
    """(S, T, C) most that may come from outside in a step."""
    baseline_imports_by_exporter: FloatArray
    """(C, R) baseline imports of the pool by exporter, units per year."""
    extra_supply: FloatArray
    """(S, T, C) unreported output in member regions, per step."""
    candidate_supply: FloatArray
    """(S, T, J, C) supply a chosen offtake, recycling or thrifting adds in a step."""
    use_sector: IntArray
    """(U,) sector index."""
    use_region: IntArray
    """(U,) region index."""
    use_names: tuple[str, ...]
    requirement: FloatArray
    """(S, T, U) notional end-use requirement N per step, sector units."""
    intensity: FloatArray
    """(U, C) commodity units per unit of output."""
    value_usd_per_unit: FloatArray
    """(U,)"""
    store_names: tuple[str, ...]
    store_holder: IntArray
    """(K,) region."""
    store_commodity: IntArray
    """(K,)"""
    store_candidate: IntArray
    """(K,) candidate index, −1 for a dataset stockpile."""
    store_existing_t: FloatArray
    """(K,) units held at the start (dataset stockpiles)."""
    store_max_size_t: FloatArray
    """(K,) most units a candidate stock may be sized to (existing: its quantity)."""
    store_max_release: FloatArray
    """(T, K) most units released in a step (0 before a candidate stock exists)."""
    baseline_use_per_year: FloatArray
    """(R, C) baseline use (processes + end uses), units per year."""
    pool_capacity_per_year: FloatArray
    """(C,) existing pool output at baseline activity, units per year."""
    candidate_capacity_per_year: FloatArray
    """(J, C) output (or saving) a candidate adds at full use, units per year."""
    candidate_place: IntArray
    """(J,) region index of each candidate's place (−1 for a group)."""
    history_weight: FloatArray | None = None
    """(S,) probability of each history (None: equal)."""
    use_member: IntArray | None = None
    """(U,) index of the member each end use belongs to (None: all the first member's)."""

    @property
    def weights(self) -> FloatArray:
        """(S,) probability weights of the histories, summing to 1."""
        if self.history_weight is not None:
            return self.history_weight
        S = self.n_histories
        return np.full(S, 1.0 / S) if S else np.zeros(0)

    @property
    def n_steps(self) -> int:
        """T."""
        return int(self.imports.shape[1])

    @property
    def n_histories(self) -> int:
        """S."""
        return int(self.imports.shape[0])

    @property
    def step_years(self) -> float:
        """Length of a step in years."""
        return 1.0 / self.steps_per_year

    def step_of_year(self, year: int) -> int:
        """Return the first step of calendar ``year`` (clipped to the horizon)."""
        return int(min(max(0, (year - self.start_year) * self.steps_per_year), self.n_steps - 1))


def pool_mask(chain: Chain, members: Sequence[str]) -> BoolArray:
    """Return the (R,) mask of the regions of ``members`` (regions or groups)."""
    mask = np.zeros(len(chain.regions), dtype=bool)
    for name in members:
        mask |= chain.region_mask(name)
    return mask


def open_candidates(
    chain: Chain, table: CandidateTable, members: Sequence[str]
) -> tuple[Candidate, ...]:
    """Return the candidates whose partner lies within ``members``' regions."""
    pool = pool_mask(chain, members)
    return tuple(c for c in table.rows if not np.any(chain.region_mask(c.partner) & ~pool))


def check_candidates(chain: Chain, table: CandidateTable) -> None:
    """Check every candidate's names against ``chain``; ConsistencyError naming the row."""
    problems = []

    def bad(line: int, field: str, value: str, choices: Sequence[str]) -> None:
        hint = did_you_mean(value, choices)
        problems.append(
            f"{table.file}, line {line}, {field}: got {value!r}" + (f"; {hint}" if hint else "")
        )

    for line, c in enumerate(table.rows, start=2):
        names = [*chain.regions, *chain.groups]
        for field in ("place", "partner", "destination"):
            value = getattr(c, field)
            if value is not None and value not in names:
                bad(line, field, value, names)
        if c.stage not in chain.stages:
            bad(line, "stage", c.stage, chain.stages)
        if c.recipe is not None and c.recipe not in chain.recipes:
            bad(line, "recipe", c.recipe, chain.recipes)
        for name in c.output_names():
            if name not in chain.commodities:
                bad(line, "outputs", name, chain.commodities)
        if c.sector is not None and c.sector not in chain.sectors:
            bad(line, "sector", c.sector, chain.sectors)
        if c.kind in (CandidateKind.PROCESS, CandidateKind.OFFTAKE) and c.place in chain.groups:
            problems.append(f"{table.file}, line {line}, place: expected a region, not a group")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ConsistencyError(problems[0] + more)


def _ramp(months: int, start: int) -> FloatArray:
    """(months,) 0 before ``start``, then (k+1)/RAMP_UP_MONTHS, capped at 1."""
    k = np.arange(months) - start
    return np.where(k >= 0, np.minimum(1.0, (k + 1) / RAMP_UP_MONTHS), 0.0)


def _step_sum(monthly: FloatArray, steps_per_year: int) -> FloatArray:
    """Sum a (months, ...) array over the months of each step: (T, ...)."""
    per = 12 // steps_per_year
    T = monthly.shape[0] // per
    out: FloatArray = monthly[: T * per].reshape(T, per, *monthly.shape[1:]).sum(axis=1)
    return out


def template_process(chain: Chain, region: int, stage: int) -> int:
    """Return the process a new plant copies (the engine's rule): the region's, else any."""
    here = np.nonzero((chain.process_region == region) & (chain.process_stage == stage))[0]
    anywhere = np.nonzero(chain.process_stage == stage)[0]
    if len(here):
        return int(here[0])
    return int(anywhere[0]) if len(anywhere) else -1


def build_instance(
    chain: Chain,
    members: Sequence[str],
    table: CandidateTable,
    histories: Histories,
    *,
    horizon_years: int,
    steps_per_year: int = 1,
) -> Instance:
    """Return the arrays of the partnership problem of ``members`` on ``histories``.

    Examples
    --------
    >>> import reechain
    >>> from reechain.optimize.candidates import bundled_candidates
    >>> from reechain.optimize.histories import sample_histories
    >>> chain = reechain.compile_chain(reechain.load_dataset("default"))
    >>> h = sample_histories(chain, 1, 0, 2, 24, ["USA", "JPN"])
    >>> inst = build_instance(chain, ["USA", "JPN"], bundled_candidates(), h, horizon_years=2)
    >>> inst.imports.shape[:2]
    (2, 2)
    """
    if 12 % steps_per_year:
        raise ConsistencyError(f"steps_per_year: got {steps_per_year}, expected 1, 2, 3, 4, 6, 12")
    check_candidates(chain, table)
    pool = pool_mask(chain, members)
    cands = open_candidates(chain, table, members)
    months = horizon_years * 12
    C = len(chain.commodities)
    start_year = chain.base_year + 1

    # --- existing processes of the pool (operating: the engine keeps idle ones idle) --------
    with np.errstate(divide="ignore", invalid="ignore"):
        util0 = np.where(
            chain.capacity_per_year > 0, chain.activity_per_year / chain.capacity_per_year, 0
        )
    existing = np.nonzero(pool[chain.process_region] & (util0 > 0))[0]
    proc_cands = [j for j, c in enumerate(cands) if c.kind is CandidateKind.PROCESS]
    P = len(existing) + len(proc_cands)
    names = [chain.processes[p] for p in existing] + [cands[j].candidate for j in proc_cands]
    p_cand = np.array([-1] * len(existing) + proc_cands, dtype=np.int64)
    p_stage = np.zeros(P, dtype=np.int64)
    p_in = np.zeros((P, C))
    p_out = np.zeros((P, C))
    p_cap = np.zeros(P)
    for i, p in enumerate(existing):
        p_stage[i] = chain.process_stage[p]
        p_in[i] = chain.process_inputs[p]
        p_out[i] = chain.process_outputs[p]
        p_cap[i] = chain.activity_per_year[p]
    for i, j in enumerate(proc_cands, start=len(existing)):
        c = cands[j]
        g = chain.stage_index(c.stage)
        q = chain.recipes.index(c.recipe or "")
        t = template_process(chain, chain.region_index(c.place), g)
        p_stage[i] = g
        p_in[i] = 0.0 if c.feed is Feed.OWN else chain.recipe_inputs[q]
        p_out[i] = chain.recipe_outputs[q]
        p_cap[i] = (c.capacity_per_year or 0.0) * (chain.max_utilisation[t] if t >= 0 else 1.0)

    # --- end uses of member regions ----------------------------------------------------------
    uses = [
        (s, r)
        for s in range(len(chain.sectors))
        for r in np.nonzero(pool)[0].tolist()
        if chain.output_per_year[s, r] > 0
    ]
    use_s = np.array([s for s, _ in uses], dtype=np.int64)
    use_r = np.array([r for _, r in uses], dtype=np.int64)

    # --- stocks: the dataset's held by members, then candidate stocks --------------------------
    held = np.nonzero(pool[chain.stockpile_holder])[0]
    stock_cands = [j for j, c in enumerate(cands) if c.kind is CandidateKind.STOCKPILE]
    K = len(held) + len(stock_cands)
    store_names = [
        f"{chain.regions[chain.stockpile_holder[k]]}:{chain.commodities[chain.stockpile_commodity[k]]}"
        for k in held
    ] + [cands[j].candidate for j in stock_cands]
    store_holder = np.array(
        [chain.stockpile_holder[k] for k in held]
        + [chain.region_index(cands[j].place) for j in stock_cands],
        dtype=np.int64,
    ).reshape(K)
    store_commodity = np.array(
        [chain.stockpile_commodity[k] for k in held]
        + [chain.commodity_index(cands[j].output_names()[0]) for j in stock_cands],
        dtype=np.int64,
    ).reshape(K)
    store_cand = np.array([-1] * len(held) + stock_cands, dtype=np.int64)
    store_existing = np.array(
        [chain.stockpile_quantity[k] for k in held] + [0.0] * len(stock_cands)
    )
    store_max = np.array(
        [chain.stockpile_quantity[k] for k in held]
        + [cands[j].max_size_t or 0.0 for j in stock_cands]
    )
    release_month = np.zeros((months, K))
    for k, kk in enumerate(held):
        rate = chain.stockpile_max_release_per_month[kk]
        release_month[:, k] = rate if rate > 0 else chain.stockpile_quantity[kk] / 6
    for i, j in enumerate(stock_cands, start=len(held)):
        c = cands[j]
        first = (c.first_year - start_year) * 12
        rate = c.max_release_t_per_month or (c.max_size_t or 0.0) / 6
        release_month[max(0, first) :, i] = rate

    # --- candidate supply per year at full use (offtake, recycling, thrift) --------------------
    J = len(cands)
    cand_cap = np.zeros((J, C))
    place = np.full(J, -1, dtype=np.int64)
    for j, c in enumerate(cands):
        if c.place in chain.regions:
            place[j] = chain.region_index(c.place)
        if c.kind is CandidateKind.PROCESS:
            i = len(existing) + proc_cands.index(j)
            cand_cap[j] = p_cap[i] * p_out[i]
        elif c.kind in (CandidateKind.OFFTAKE, CandidateKind.RECYCLING):
            for name, qty in c.output_quantities().items():
                cand_cap[j, chain.commodity_index(name)] += qty
        elif c.kind is CandidateKind.SUBSTITUTION:
            s = chain.sector_index(c.sector or "")
            regions = chain.region_mask(c.place) & pool
            for name in c.output_names():
                k = chain.commodity_index(name)
                base = chain.output_per_year[s, regions].sum()
                cand_cap[j, k] += (c.reduction or 0.0) * chain.intensity[s, k] * base

    # --- per history: the engine's preparation of its events -----------------------------------
    flow = chain.trade_matrix  # (C, R, R) per year
    into_pool = flow * (~pool)[None, :, None] * pool[None, None, :]
    S = len(histories)
    T = months // (12 // steps_per_year)
    proc_cap = np.zeros((S, T, P))
    imports = np.zeros((S, T, C))
    extra = np.zeros((S, T, C))
    cand_supply = np.zeros((S, T, J, C))
    requirement = np.zeros((S, T, len(uses)))
    stage_avail_keys = sorted(
        {(int(place[j]), chain.stage_index(c.stage)) for j, c in enumerate(cands) if place[j] >= 0}
    )
    for h, (scenario, seed) in enumerate(zip(histories.scenarios, histories.seeds, strict=True)):
        events_only = Scenario(
            name=scenario.name,
            dataset=scenario.dataset,
            horizon_months=months,
            events=scenario.events,
        )
        prep = prepare(chain, events_only, months=months)
        nominal = chain.capacity_per_year / 12
        with np.errstate(divide="ignore", invalid="ignore"):
            avail = np.where(nominal > 0, prep.capacity_per_month[:, : len(nominal)] / nominal, 1.0)
        # imports: baseline flows into the pool × link availability
        with np.errstate(invalid="ignore"):
            capped = np.minimum(prep.link_cap, flow[None] / 12)
        imports[h] = _step_sum((capped * (into_pool[None] > 0)).sum(axis=(2, 3)), steps_per_year)
        extra[h] = _step_sum(prep.extra_supply[:, pool, :].sum(axis=1), steps_per_year)
        requirement[h] = _step_sum(prep.end_use_requirement[:, use_s, use_r], steps_per_year)
        # existing processes: at most their baseline activity (the engine runs a plant to
        # its requesters' baseline sourcing, so spare capacity is not rerouted)
        for i, p in enumerate(existing):
            room = chain.capacity_per_year[p] * chain.max_utilisation[p] * avail[:, p]
            proc_cap[h, :, i] = _step_sum(np.minimum(room, p_cap[i]), steps_per_year) / 12
        # availability of a place and stage (outages by region and stage)
        where = {}
        for r, g in stage_avail_keys:
            hit = np.nonzero((chain.process_region == r) & (chain.process_stage == g))[0]
            where[(r, g)] = avail[:, hit].min(axis=1) if len(hit) else np.ones(months)
        for j, c in enumerate(cands):
            if c.kind is CandidateKind.STOCKPILE:
                continue
            ok = success_draw(seed, c.candidate) < c.chance_of_success
            if not ok:
                continue
            first = (c.first_year - start_year) * 12
            curve = (
                _ramp(months, first)
                if c.kind is not CandidateKind.SUBSTITUTION
                else (np.arange(months) >= first).astype(float)
            )
            if place[j] >= 0:
                curve = curve * where.get((int(place[j]), chain.stage_index(c.stage)), 1.0)
            per_step = _step_sum(curve, steps_per_year) / 12  # years of full use per step
            if c.kind is CandidateKind.PROCESS:
                i = len(existing) + proc_cands.index(j)
                proc_cap[h, :, i] = per_step * p_cap[i]
            else:
                cand_supply[h, :, j, :] = per_step[:, None] * cand_cap[j][None, :]

    use_names = tuple(f"{chain.sectors[s]}:{chain.regions[r]}" for s, r in uses)
    return Instance(
        members=tuple(members),
        pool=pool,
        regions=chain.regions,
        commodities=chain.commodities,
        stages=chain.stages,
        commodity_stage=np.asarray(chain.commodity_stage),
        start_year=start_year,
        steps_per_year=steps_per_year,
        histories=tuple(s.name for s in histories.scenarios),
        candidates=cands,
        process_names=tuple(names),
        process_candidate=p_cand,
        process_stage=p_stage,
        process_inputs=p_in,
        process_outputs=p_out,
        process_capacity=proc_cap,
        imports=imports,
        baseline_imports_by_exporter=into_pool.sum(axis=2),
        extra_supply=extra,
        candidate_supply=cand_supply,
        use_sector=use_s,
        use_region=use_r,
        use_names=use_names,
        requirement=requirement,
        intensity=chain.intensity[use_s] if len(uses) else np.zeros((0, C)),
        value_usd_per_unit=chain.value_usd_per_unit[use_s, use_r],
        store_names=tuple(store_names),
        store_holder=store_holder,
        store_commodity=store_commodity,
        store_candidate=store_cand,
        store_existing_t=store_existing,
        store_max_size_t=store_max,
        store_max_release=_step_sum(release_month, steps_per_year),
        baseline_use_per_year=np.asarray(chain.process_use + chain.end_use),
        pool_capacity_per_year=(p_cap[: len(existing), None] * p_out[: len(existing)]).sum(axis=0),
        candidate_capacity_per_year=cand_cap,
        candidate_place=place,
        history_weight=histories.weights.copy(),
        use_member=member_of_use(chain, members, use_r),
    )


def member_of_use(chain: Chain, members: Sequence[str], use_region: IntArray) -> IntArray:
    """Return (U,) the index in ``members`` of the member whose regions hold each end use."""
    out = np.zeros(len(use_region), dtype=np.int64)
    for i, name in reversed(list(enumerate(members))):
        mask = chain.region_mask(name)
        out[mask[use_region]] = i
    return out
