"""Disruption histories drawn from the event model, turned into scenarios for the engine.

History *i* of a run with root seed *s* draws from ``SeedSequence(s, spawn_key=(i,))``,
which is ``SeedSequence(s).spawn(n)[i]`` for any n ≥ i + 1: the same history whatever
the chunking, the worker or the engine. Within it, ``spawn_key=(i, 0)`` draws the events
and ``(i, 1)`` the uncertain inputs (:mod:`reechain.risk.inputs`), so sampling inputs
never changes which draws feed the events of a history with the same rates.

Year by year over the horizon, a tension factor Z ~ Gamma(1/v, v) (mean 1, variance v) is
drawn; then, per kind in :data:`~reechain.risk.events.KINDS` order, a Poisson count with
mean rate × Z (coupled kinds) or rate; each event gets a start month in that year, a
duration (lognormal, rounded up, cut at the horizon), a severity (Beta; logistics: a delay
in days, lognormal), and two uniforms for its choices (element group or stage; targeted
importer or plant). Every event consumes the same number of draws, so the stream does not
depend on the chain.

Mapping to scenario events (decisions):

- ``export_restriction``: China (``CHN``) withholds ``severity`` of its exports of the
  group's products (every commodity below the mining stage whose elements meet the group;
  ``all``: every one) to all importers, or (targeted) to one importer of them, drawn
  uniformly in region order;
- ``mine_closure``: ``CapacityOutage`` of Myanmar's (``MMR``) mining stage;
- ``plant_outage``: ``CapacityOutage`` of one operating process outside China and
  Myanmar at the drawn stage (mine or separate), drawn uniformly in process order;
- ``logistics``: ``LogisticsDelay`` of ``delay_days`` on every route.

An event whose actor or targets the chain lacks is dropped (the sample dataset has no
Myanmar). Each kept event carries an *attribution weight*, severity × months (logistics:
delay ÷ (365/12)), used to share a history's loss among its events' kinds and supplier
regions (an allocation, not a causal decomposition).

Example
-------
>>> import reechain
>>> from reechain.risk.sampler import sample_histories
>>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
>>> scenarios = sample_histories(chain, 3, seed=1, horizon_months=24)
>>> [s.name for s in scenarios]
['risk-h0', 'risk-h1', 'risk-h2']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.risk.events import ELEMENT_GROUPS, KINDS, EventModel, KindModel
from reechain.scenario.models import (
    CapacityOutage,
    ExportRestriction,
    LogisticsDelay,
    Scenario,
)
from reechain.units import DAYS_PER_MONTH

CHINA, MYANMAR = "CHN", "MMR"
SHIPPING = "shipping"
"""Supplier label of logistics events in attributions."""


def history_seed(root: int, index: int, stream: int | None = None) -> np.random.SeedSequence:
    """Return the seed of history ``index`` (``stream``: 0 events, 1 inputs, 2 pipeline)."""
    key = (index,) if stream is None else (index, stream)
    return np.random.SeedSequence(root, spawn_key=key)


@dataclass(frozen=True)
class SampledEvent:
    """One drawn disruption, before it is mapped onto a chain (months from month 0)."""

    kind: str
    start_month: int
    duration_months: int
    severity: float
    """Fraction withheld or lost; for logistics the delay in days."""
    choice: str
    """Element group (restrictions) or stage (outages); '' otherwise."""
    targeted: bool
    pick: float
    """Uniform in [0, 1) choosing the targeted importer or the plant."""


def _choose(options: tuple[tuple[str, float], ...], u: float) -> str:
    if not options:
        return ""
    total = sum(p for _, p in options)
    acc = 0.0
    for name, p in options:
        acc += p / total
        if u < acc:
            return name
    return options[-1][0]


def _draw_event(
    k: KindModel, rng: np.random.Generator, year: int, horizon: int
) -> SampledEvent | None:
    month = year * 12 + int(rng.integers(12))
    duration = math.ceil(float(rng.lognormal(k.duration_log_mean, k.duration_log_sd)))
    if k.kind == "logistics":
        severity = float(rng.lognormal(k.delay_log_mean, k.delay_log_sd))
    else:
        severity = float(rng.beta(k.severity_a, k.severity_b))
    u_choice, u_target, u_pick = (float(x) for x in rng.random(3))
    if month >= horizon:
        return None
    return SampledEvent(
        kind=k.kind,
        start_month=month,
        duration_months=max(1, min(duration, horizon - month)),
        severity=severity,
        choice=_choose(k.choices, u_choice),
        targeted=u_target < k.targeted_probability,
        pick=u_pick,
    )


def draw_history(
    model: EventModel, rng: np.random.Generator, horizon_months: int
) -> tuple[SampledEvent, ...]:
    """Return one history of disruptions over ``horizon_months`` (chain-independent)."""
    events: list[SampledEvent] = []
    v = model.tension_variance
    for year in range(math.ceil(horizon_months / 12)):
        tension = float(rng.gamma(1 / v, v)) if v > 0 else 1.0
        for k in (model.kind(kind) for kind in KINDS):
            rate = k.rate_per_year * (tension if k.coupled else 1.0)
            for _ in range(int(rng.poisson(rate))):
                drawn = _draw_event(k, rng, year, horizon_months)
                if drawn is not None:
                    events.append(drawn)
    return tuple(events)


@dataclass(frozen=True)
class MappedHistory:
    """A history as scenario events, with each event's attribution weight and labels."""

    events: tuple[ExportRestriction | CapacityOutage | LogisticsDelay, ...]
    kinds: tuple[str, ...]
    suppliers: tuple[str, ...]
    weights: tuple[float, ...]


def month_label(chain: Chain, month: int) -> str:
    """Return month index ``month`` (0 = January after the base year) as YYYY-MM."""
    year = chain.base_year + 1 + month // 12
    return f"{year}-{month % 12 + 1:02d}"


def group_commodities(chain: Chain, group: str) -> tuple[str, ...]:
    """Return the commodities below the mining stage whose elements meet ``group``."""
    wanted = ELEMENT_GROUPS.get(group, frozenset())
    out = []
    for c, name in enumerate(chain.commodities):
        if int(chain.commodity_stage[c]) == 0:
            continue
        elements = set(chain.commodity_elements[c].split())
        if not wanted or elements & wanted:
            out.append(name)
    return tuple(out)


def _restriction(chain: Chain, e: SampledEvent, start: str) -> ExportRestriction | None:
    if CHINA not in chain.regions:
        return None
    china = chain.region_index(CHINA)
    names = set(group_commodities(chain, e.choice))
    links = [
        (chain.commodities[int(c)], int(j))
        for c, i, j, f in zip(
            chain.link_commodity,
            chain.link_exporter,
            chain.link_importer,
            chain.link_flow_per_year,
            strict=True,
        )
        if int(i) == china and chain.commodities[int(c)] in names and f > 0
    ]
    if not links:
        return None
    commodities = tuple(sorted({c for c, _ in links}, key=chain.commodities.index))
    importers: tuple[str, ...] | str = "all"
    if e.targeted:
        candidates = sorted({j for _, j in links})
        importers = (chain.regions[candidates[int(e.pick * len(candidates))]],)
    return ExportRestriction(
        kind="export_restriction",
        exporter=CHINA,
        commodities=commodities,
        importers=importers,
        start=start,
        duration_months=e.duration_months,
        severity=min(max(e.severity, 0.0), 1.0),
    )


def _outage(chain: Chain, e: SampledEvent, start: str) -> tuple[CapacityOutage, str] | None:
    if e.kind == "mine_closure":
        if MYANMAR not in chain.regions:
            return None
        r = chain.region_index(MYANMAR)
        if not any(
            int(pr) == r and int(ps) == 0 and a > 0
            for pr, ps, a in zip(
                chain.process_region, chain.process_stage, chain.activity_per_year, strict=True
            )
        ):
            return None
        outage = CapacityOutage(
            kind="capacity_outage",
            region=MYANMAR,
            stage=chain.stages[0],
            fraction=min(max(e.severity, 0.0), 1.0),
            start=start,
            duration_months=e.duration_months,
        )
        return outage, MYANMAR
    if e.choice not in chain.stages:
        return None
    stage = chain.stage_index(e.choice)
    excluded = {chain.regions.index(x) for x in (CHINA, MYANMAR) if x in chain.regions}
    candidates = [
        p
        for p in range(len(chain.processes))
        if int(chain.process_stage[p]) == stage
        and int(chain.process_region[p]) not in excluded
        and chain.activity_per_year[p] > 0
    ]
    if not candidates:
        return None
    p = candidates[int(e.pick * len(candidates))]
    outage = CapacityOutage(
        kind="capacity_outage",
        process=chain.processes[p],
        fraction=min(max(e.severity, 0.0), 1.0),
        start=start,
        duration_months=e.duration_months,
    )
    return outage, chain.regions[int(chain.process_region[p])]


def map_history(chain: Chain, events: tuple[SampledEvent, ...]) -> MappedHistory:
    """Return ``events`` as scenario events on ``chain`` (dropping what it cannot carry)."""
    out: list[ExportRestriction | CapacityOutage | LogisticsDelay] = []
    kinds, suppliers, weights = [], [], []
    for e in events:
        start = month_label(chain, e.start_month)
        if e.kind == "export_restriction":
            restriction = _restriction(chain, e, start)
            if restriction is None:
                continue
            out.append(restriction)
            supplier, weight = CHINA, restriction.severity or 0.0
        elif e.kind == "logistics":
            out.append(
                LogisticsDelay(
                    kind="logistics_delay",
                    delay_days=e.severity,
                    start=start,
                    duration_months=e.duration_months,
                )
            )
            supplier, weight = SHIPPING, min(e.severity / DAYS_PER_MONTH, e.duration_months)
            weight /= e.duration_months
        else:
            found = _outage(chain, e, start)
            if found is None:
                continue
            out.append(found[0])
            supplier, weight = found[1], found[0].fraction
        kinds.append(e.kind)
        suppliers.append(supplier)
        weights.append(weight * e.duration_months)
    return MappedHistory(tuple(out), tuple(kinds), tuple(suppliers), tuple(weights))


def history_scenario(
    chain: Chain, mapped: MappedHistory, base: Scenario | None, name: str, horizon: int
) -> Scenario:
    """Return the scenario of a mapped history on top of ``base`` (its events and policies)."""
    return Scenario(
        name=name,
        dataset=chain.dataset,
        horizon_months=horizon,
        events=(*(base.events if base else ()), *mapped.events),
        policies=base.policies if base else (),
    )


def attribution_vectors(
    chain: Chain, mapped: MappedHistory
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return (by kind (4,), by supplier (R + 1,)) attribution weights, each summing to 1.

    Supplier slots are the chain's regions, then ``shipping``; a history without events
    has zero weights.
    """
    by_kind = np.zeros(len(KINDS))
    by_supplier = np.zeros(len(chain.regions) + 1)
    total = sum(mapped.weights)
    if total <= 0:
        return by_kind, by_supplier
    for kind, supplier, w in zip(mapped.kinds, mapped.suppliers, mapped.weights, strict=True):
        by_kind[KINDS.index(kind)] += w / total
        slot = len(chain.regions) if supplier == SHIPPING else chain.region_index(supplier)
        by_supplier[slot] += w / total
    return by_kind, by_supplier


def sample_histories(
    chain: Chain,
    n: int,
    seed: int,
    horizon_months: int = 120,
    *,
    model: EventModel | None = None,
    base: Scenario | None = None,
    start: int = 0,
    prefix: str = "risk",
) -> list[Scenario]:
    """Return scenarios ``start`` … ``start + n − 1`` of the run with root ``seed``.

    History *i* is the same whatever ``start`` and ``n`` are (its own seed stream), so
    callers (the optimiser, the runner's chunks) may draw any slice.
    """
    from reechain.risk.events import model_from_parameters
    from reechain.risk.tables import load_parameters

    model = model or model_from_parameters(load_parameters())
    out = []
    for i in range(start, start + n):
        rng = np.random.default_rng(history_seed(seed, i, 0))
        mapped = map_history(chain, draw_history(model, rng, horizon_months))
        out.append(history_scenario(chain, mapped, base, f"{prefix}-h{i}", horizon_months))
    return out
