"""Arrays of ``prepare`` that policies set (partner preference, sector priority, price
floors) and two helpers it uses for every run: the chain's baseline sourcing shares
(computed once per chain) and one slice repeated over the months.

Split from :mod:`reechain.engine.prepare`, whose docstring states the decisions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from reechain.chain import Chain
from reechain.engine.groups import BoolArray, FloatArray, IntArray
from reechain.engine.priority import default_ranks
from reechain.engine.select import name_mask, region_mask, regions_of
from reechain.engine.sourcing import base_shares
from reechain.scenario.models import PartnerPreference, PriceFloor, SectorPriority
from reechain.scenario.validate import month_index

__all__ = [
    "cached_base_shares",
    "every_month",
    "partner_regions",
    "price_floor_arrays",
    "sector_ranks",
]


def partner_regions(chain: Chain, policies: Sequence[Any]) -> BoolArray:
    """(C, R) True where a partner-preference policy makes the region a partner for c."""
    C, R = len(chain.commodities), len(chain.regions)
    partner = np.zeros((C, R), dtype=bool)
    for policy in policies:
        if isinstance(policy, PartnerPreference):
            members = regions_of(chain, policy.partners)
            cm = name_mask(chain.commodities, policy.commodities, chain.commodity_index)
            for c in np.nonzero(cm)[0].tolist():
                partner[c, members] = True
    return partner


def sector_ranks(chain: Chain, policies: Sequence[Any]) -> IntArray:
    """(R, S) allocation rank of each sector (0 first): the default rules, replaced in a
    region by a sector-priority policy (listed sectors first, in order, the rest after)."""
    rank = default_ranks(chain)
    for policy in policies:
        if isinstance(policy, SectorPriority):
            r_mask = region_mask(chain, policy.regions)
            rank[r_mask] = len(policy.sectors)
            for k, name in enumerate(policy.sectors):
                rank[r_mask, chain.sector_index(name)] = k
    return rank


def price_floor_arrays(
    chain: Chain,
    policies: Sequence[Any],
    T: int,
    process_region: IntArray,
    process_outputs: FloatArray,
    baseline_activity: FloatArray,
) -> tuple[list[PriceFloor], BoolArray, BoolArray, FloatArray]:
    """The price floors, (T, F) when each is in force, (F, R) its covered producers, and
    (T, P) the activity each covered process keeps (at least its baseline) while it is."""
    R, P = len(chain.regions), len(process_region)
    floors = [p for p in policies if isinstance(p, PriceFloor)]
    floor_active = np.zeros((T, len(floors)), dtype=bool)
    floor_producers = np.zeros((len(floors), R), dtype=bool)
    floor_activity = np.zeros((T, P))
    for f, policy in enumerate(floors):
        t0 = month_index(chain, policy.start)
        t1 = T if policy.duration_months is None else min(T, t0 + policy.duration_months)
        floor_active[t0:t1, f] = True
        floor_producers[f, regions_of(chain, policy.producers)] = True
        c = chain.commodity_index(policy.commodity)
        covered = floor_producers[f][process_region] & (process_outputs[:, c] > 0)
        floor_activity[t0:t1, covered] = np.maximum(
            floor_activity[t0:t1, covered], baseline_activity[covered]
        )
    return floors, floor_active, floor_producers, floor_activity


BASE_SHARES: WeakKeyDictionary[Chain, FloatArray] = WeakKeyDictionary()


def cached_base_shares(chain: Chain, *args: FloatArray) -> FloatArray:
    """:func:`base_shares` of the chain (its arguments are the chain's), computed once per
    chain and read-only."""
    found = BASE_SHARES.get(chain)
    if found is None:
        found = base_shares(chain, *args)
        found.flags.writeable = False
        BASE_SHARES[chain] = found
    return found


def every_month(value: FloatArray, T: int, *, writable: bool) -> FloatArray:
    """(T, ...) ``value`` in every month: a copy to change month by month when ``writable``,
    else a read-only view of the one slice (no memory per month; the batch keeps one slice)."""
    months = np.broadcast_to(value, (T, *value.shape))
    if writable:
        return months.copy()
    return months
