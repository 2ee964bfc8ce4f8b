"""Signals of expected scarcity the price step reads beyond this month's flows
(DESIGN.md §4, step 3): announced restrictions and the co-products of joint separation.

Built once per preparation by :func:`reechain.engine.prepare.prepare`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.caps import targeted_importers
from reechain.engine.select import name_mask
from reechain.scenario.models import ExportRestriction
from reechain.scenario.validate import month_index

FloatArray = NDArray[np.float64]


def announced(
    chain: Chain, events: tuple[Any, ...], T: int, precaution: float, fade_months: float
) -> tuple[FloatArray, FloatArray]:
    """(T, R, C) inventory target multipliers (1 + precaution × exp(−k/fade_months) for
    targeted importers of a restricted commodity in the k-th month of the restriction's
    window; the largest where restrictions overlap) and (T, R, C) restricting exporters."""
    R, C = len(chain.regions), len(chain.commodities)
    scale = np.ones((T, R, C))
    restricting = np.zeros((T, R, C))
    for event in events:
        if not isinstance(event, ExportRestriction):
            continue
        t0 = month_index(chain, event.start)
        t1 = min(T, t0 + event.duration_months)
        cm = name_mask(chain.commodities, event.commodities, chain.commodity_index)
        im = targeted_importers(chain, event)
        hit = im[:, None] & cm[None, :]
        for t in range(t0, t1):
            scale[t][hit] = np.maximum(
                scale[t][hit], 1.0 + precaution * np.exp(-(t - t0) / fade_months)
            )
        restricting[t0:t1, chain.region_index(event.exporter), cm] = 1.0
    return scale, restricting


def coproduct_weights(chain: Chain) -> FloatArray:
    """(C, C) for each co-product c of a joint separation (a recipe with several outputs),
    the value weights (yield × P₀) of the baskets that make it, weighted by c's output."""
    C = len(chain.commodities)
    weights = np.zeros((C, C))
    p0 = np.asarray(chain.price_usd_per_kg)
    for p in range(len(chain.processes)):
        yields = np.asarray(chain.process_outputs[p])
        made = np.nonzero(yields > 0)[0]
        if len(made) < 2:
            continue
        value = yields * p0
        if value.sum() <= 0:
            continue
        basket = value / value.sum()
        activity = float(chain.activity_per_year[p])
        for c in made.tolist():
            weights[c] += activity * yields[c] * basket
    total = weights.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, weights / np.where(total > 0, total, 1.0), 0.0)
    return out
