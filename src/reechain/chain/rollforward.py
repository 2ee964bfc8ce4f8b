"""A chain rolled forward to a future year: the pipeline of a case plus the demand path.

Every metric works on a :class:`~reechain.chain.Chain` of one year; :func:`roll_forward`
builds the chain of a year the dataset does not hold from its base-year chain, in steps
that can be checked by hand:

1. **New capacity.** Each project online in the case (:mod:`reechain.chain.pipeline`)
   produces capacity × (mean share online over the year's twelve months) × its maximum
   utilisation. A project that is a dataset process sets that process; another becomes a
   new process (named for the project, status ``operating`` once it produces).
2. **Demand.** End-use output is the base year's times the demand factor (a number, or an
   (S, R) array from a demand path). The stages' output follows the growth of end-use
   material requirement, valued at base prices: g = Σ price × use(year) ÷ Σ price × use(base).
3. **Incumbents.** At each stage, what the new projects make is taken off the target
   (g × the stage's base output, in its commodities' units); the incumbent processes make
   the rest, each scaled by the same factor of its base activity, never above its capacity
   × maximum utilisation. New supply thus displaces incumbents pro rata, and demand that
   incumbents cannot meet at full use stays unmet (:func:`supply_gap` reports it).
4. **Trade and balance.** Each baseline flow scales with its exporter's production of the
   commodity (rolled ÷ base; unchanged where the exporter made none). The residuals are
   recomputed so that the rolled chain balances exactly (kind ``statistical``).

This is a capacity-led projection, not a market simulation: prices, stocks and sourcing
are those of the base year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from reechain.chain.model import Chain, FloatArray, frozen, frozen_int
from reechain.chain.pipeline import Online

ROLLED_SOURCE: Mapping[str, Any] = MappingProxyType(
    {
        "source": "reechain roll-forward (reechain.chain.rollforward)",
        "source_year": None,
        "url": "",
        "note": "derived from the base-year chain, the pipeline case and the demand path",
        "confidence": "medium",
        "method": "capacity-led roll-forward: see reechain.chain.rollforward",
        "lower": None,
        "upper": None,
    }
)


@dataclass(frozen=True)
class Gap:
    """Demand against supply of one stage in a rolled year, in that stage's units."""

    stage: str
    year: int
    demand_per_year: float
    """g × the stage's base output: what the demand path asks for."""
    supply_per_year: float
    """What incumbents (at most at full use) and online projects make."""
    pipeline_per_year: float
    """Of the supply, what the pipeline's projects make."""

    @property
    def gap_per_year(self) -> float:
        """Demand not met (negative: spare supply)."""
        return self.demand_per_year - self.supply_per_year


def demand_growth(chain: Chain, demand_factor: float | FloatArray) -> float:
    """Return g, the growth of end-use material requirement valued at base prices."""
    factor = np.broadcast_to(
        np.asarray(demand_factor, dtype=np.float64), chain.output_per_year.shape
    )
    value = chain.intensity * chain.price_usd_per_kg[None, :]  # (S, C) USD per unit output
    base = float((chain.output_per_year.sum(axis=1) * value.sum(axis=1)).sum())
    rolled = float(((chain.output_per_year * factor).sum(axis=1) * value.sum(axis=1)).sum())
    return rolled / base if base > 0 else 1.0


def roll_forward(
    chain: Chain,
    year: int,
    entries: Sequence[Online],
    demand_factor: float | FloatArray = 1.0,
) -> Chain:
    """Return the chain of ``year`` (after the base year) under ``entries`` and the demand path.

    Examples
    --------
    >>> import reechain
    >>> from reechain.chain.pipeline import online
    >>> base = reechain.compile_chain(reechain.load_dataset("default"))
    >>> rolled = roll_forward(base, 2030, online(base, "announced"))
    >>> rolled.year, rolled.balance_problems()
    (2030, [])
    """
    return _roll(chain, year, entries, demand_factor)[0]


def supply_gap(
    chain: Chain,
    year: int,
    entries: Sequence[Online],
    demand_factor: float | FloatArray = 1.0,
) -> list[Gap]:
    """Return, per stage, demand against supply in ``year`` (see the module docstring)."""
    return _roll(chain, year, entries, demand_factor)[1]


def _roll(
    chain: Chain, year: int, entries: Sequence[Online], demand_factor: float | FloatArray
) -> tuple[Chain, list[Gap]]:
    P0 = len(chain.processes)
    names = list(chain.processes)
    region = chain.process_region.tolist()
    stage = chain.process_stage.tolist()
    recipe = chain.process_recipe.tolist()
    technology = list(chain.process_technology)
    owner = list(chain.process_owner)
    status = list(chain.process_status)
    start = chain.process_start_year.tolist()
    capacity = chain.capacity_per_year.tolist()
    activity = chain.activity_per_year.tolist()
    max_util = chain.max_utilisation.tolist()
    ramps = chain.ramp_rate_per_month.tolist()
    sources = list(chain.sources.get("processes", ()))
    is_new = [False] * P0
    month0 = chain.base_year + 1
    for entry in entries:
        p = entry.project
        made = (
            entry.capacity_per_year * entry.online_share(year, chain.base_year) * p.max_utilisation
        )
        first_year = month0 + entry.start_month // 12
        if p.process >= 0:
            i = p.process
            capacity[i], activity[i], max_util[i] = entry.capacity_per_year, made, p.max_utilisation
        else:
            i = len(names)
            names.append(p.name)
            region.append(p.region)
            stage.append(p.stage)
            recipe.append(p.recipe)
            technology.append(p.development_stage)
            owner.append(p.operator)
            status.append("planned")
            start.append(first_year)
            capacity.append(entry.capacity_per_year)
            activity.append(made)
            max_util.append(p.max_utilisation)
            ramps.append(1.0 / p.ramp_up_months)
            sources.append(_pipeline_source(chain, p.name))
            is_new.append(True)
        is_new[i] = True
        status[i] = "operating" if made > 0 else status[i]
        start[i] = first_year
    out_per_unit = chain.recipe_outputs[np.asarray(recipe, dtype=np.int64)].sum(axis=1)
    act = np.asarray(activity, dtype=np.float64)
    cap = np.asarray(capacity, dtype=np.float64) * np.asarray(max_util, dtype=np.float64)
    new = np.asarray(is_new)
    g = demand_growth(chain, demand_factor)
    gaps = []
    for s in range(len(chain.stages)):
        here = np.asarray(stage) == s
        if not here.any():
            continue
        inc = here & ~new
        base_out = float((chain.activity_per_year * out_per_unit[:P0])[inc[:P0]].sum())
        new_out = float((act * out_per_unit)[here & new].sum())
        target = g * base_out
        if base_out > 0:
            factor = max(0.0, target - new_out) / base_out
            act[inc] = np.minimum(act[inc] * factor, cap[inc])
        supply = float((act * out_per_unit)[here].sum())
        gaps.append(Gap(chain.stages[s], year, target, supply, new_out))
    rolled = replace(
        chain,
        year=year,
        processes=tuple(names),
        process_region=frozen_int(region),
        process_stage=frozen_int(stage),
        process_recipe=frozen_int(recipe),
        process_technology=tuple(technology),
        process_owner=tuple(owner),
        process_status=tuple(status),
        process_start_year=frozen_int(start),
        capacity_per_year=frozen(capacity),
        activity_per_year=frozen(act),
        max_utilisation=frozen(max_util),
        ramp_rate_per_month=frozen(ramps),
        output_per_year=frozen(chain.output_per_year * np.asarray(demand_factor)),
        sources=MappingProxyType({**chain.sources, "processes": tuple(sources)}),
    )
    rolled = _scale_trade(chain, rolled)
    return _rebalance(rolled), gaps


def _pipeline_source(chain: Chain, project: str) -> Mapping[str, Any]:
    row = next(r for r in chain.pipeline if r.project == project)
    return MappingProxyType(
        {k: getattr(getattr(row, k), "value", getattr(row, k)) for k in ROLLED_SOURCE}
    )


def _scale_trade(base: Chain, rolled: Chain) -> Chain:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(base.production > 0, rolled.production / base.production, 1.0)
    flows = base.link_flow_per_year * ratio[base.link_exporter, base.link_commodity]
    return replace(rolled, link_flow_per_year=frozen(flows))


def _rebalance(chain: Chain) -> Chain:
    gap = chain.production + chain.imports - chain.process_use - chain.end_use - chain.exports
    r, c = np.nonzero(np.abs(gap) > 1e-9)
    return replace(
        chain,
        residual_region=frozen_int(r),
        residual_commodity=frozen_int(c),
        residual_kind=tuple("statistical" for _ in r),
        residual_quantity=frozen(gap[r, c]),
        sources=MappingProxyType({**chain.sources, "residuals": tuple(ROLLED_SOURCE for _ in r)}),
    )
