"""Strategic stockpiles of a scenario: the dataset's, and those ``stockpile`` policies add
or set (decisions in :mod:`reechain.engine.prepare`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reechain.chain import Chain
from reechain.engine.groups import (
    TRIGGER_DATE,
    TRIGGER_NEVER,
    TRIGGER_PRICE,
    TRIGGER_SHORTFALL,
    FloatArray,
    Stockpiles,
)
from reechain.scenario.models import Policy, StockpilePolicy
from reechain.scenario.validate import month_index


def stockpiles(chain: Chain, policies: Sequence[Policy], use: FloatArray) -> Stockpiles:
    """Return the scenario's strategic stockpiles (no B axis): the dataset's, then one per
    ``stockpile`` policy with a size; a policy without a size sets the trigger and release
    of the dataset's stockpiles of its holder and commodity. ``use`` (R, C) is the
    baseline use per year (``size_days``)."""
    holder = list(chain.stockpile_holder)
    commodity = list(chain.stockpile_commodity)
    initial = list(chain.stockpile_quantity)
    size = list(chain.stockpile_quantity)
    release = list(chain.stockpile_max_release_per_month)
    refill = [0.0] * len(holder)
    trigger = [TRIGGER_NEVER] * len(holder)
    value = [0.0] * len(holder)
    for policy in policies:
        if not isinstance(policy, StockpilePolicy):
            continue
        r, c = chain.region_index(policy.holder), chain.commodity_index(policy.commodity)
        if policy.trigger.date is not None:
            kind, v = TRIGGER_DATE, float(month_index(chain, policy.trigger.date))
        elif policy.trigger.shortfall_pct is not None:
            kind, v = TRIGGER_SHORTFALL, policy.trigger.shortfall_pct / 100
        else:
            assert policy.trigger.price_multiple is not None
            kind, v = TRIGGER_PRICE, policy.trigger.price_multiple
        if policy.size_t is None and policy.size_days is None:
            ks = [
                k
                for k in range(len(chain.stockpile_holder))
                if holder[k] == r and commodity[k] == c
            ]
        else:
            quantity = (
                policy.size_t
                if policy.size_t is not None
                else ((policy.size_days or 0.0) * use[r, c] / 365)
            )
            holder.append(r)
            commodity.append(c)
            initial.append(quantity)
            size.append(quantity)
            release.append(0.0)
            refill.append(0.0)
            trigger.append(TRIGGER_NEVER)
            value.append(0.0)
            ks = [len(holder) - 1]
        for k in ks:
            release[k] = policy.max_release_t_per_month
            refill[k] = policy.refill_t_per_month
            trigger[k] = kind
            value[k] = v
    return Stockpiles(
        holder=np.array(holder, dtype=np.int64),
        commodity=np.array(commodity, dtype=np.int64),
        initial=np.array(initial, dtype=np.float64),
        size=np.array(size, dtype=np.float64),
        max_release=np.array(release, dtype=np.float64),
        refill=np.array(refill, dtype=np.float64),
        trigger=np.array(trigger, dtype=np.int64),
        trigger_value=np.array(value, dtype=np.float64),
    )
