"""Caps per trade link and month from export restrictions and logistics delays.

Decisions are in :mod:`reechain.engine.prepare`'s docstring.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.select import importer_mask, name_mask, region_mask
from reechain.engine.sourcing import embodied_use, origin_content
from reechain.scenario.models import (
    DAYS_PER_MONTH,
    WORKING_DAYS_PER_MONTH,
    ExportRestriction,
    LogisticsDelay,
)
from reechain.scenario.validate import month_index

FloatArray = NDArray[np.float64]


def blocked_months(T: int, start: int, duration: int, delay_months: float) -> FloatArray:
    """(T,) blocked fraction of each month: the first ``delay_months`` of the window."""
    out = np.zeros(T)
    for k in range(duration):
        if start + k < T:
            out[start + k] = min(1.0, max(0.0, delay_months - k))
    return out


def restriction_caps(
    chain: Chain,
    event: ExportRestriction,
    cap: FloatArray,
    flow: FloatArray,
    share: FloatArray,
    T: int,
) -> None:
    R = len(chain.regions)
    e = chain.region_index(event.exporter)
    t0 = month_index(chain, event.start)
    window = np.zeros(T, dtype=bool)
    window[t0 : t0 + event.duration_months] = True
    blocked = blocked_months(
        T, t0, event.duration_months, event.licensing_delay_working_days / WORKING_DAYS_PER_MONTH
    )
    importers = importer_mask(chain, event.importers)
    importers[e] = False
    restricted = name_mask(chain.commodities, event.commodities, chain.commodity_index)
    targeted_share = np.ones((R, len(chain.commodities)))
    if event.end_uses is not None:
        chosen = np.zeros_like(chain.output_per_year)
        for name in event.end_uses:
            s = chain.sector_index(name)
            chosen[s] = chain.output_per_year[s]
        total = embodied_use(chain, share, chain.output_per_year)
        part = embodied_use(chain, share, chosen)
        with np.errstate(divide="ignore", invalid="ignore"):
            targeted_share = np.where(total > 0, part / total, 0.0)

    def apply(exporter: int, commodity: int, severity: float | None) -> None:
        base = flow[commodity, exporter]  # (R,) per month
        if severity is None:
            assert event.quota_t_per_year is not None
            total = base[importers].sum()
            quota = event.quota_t_per_year / 12
            allowed = np.where(total > 0, quota * base / max(total, 1e-300), 0.0)
            allowed = np.minimum(allowed, base)
            withheld = base - allowed
        else:
            withheld = base * severity
        limit = base - withheld * targeted_share[:, commodity]
        for t in np.nonzero(window)[0]:
            row = limit * (1 - blocked[t])
            cap[t, commodity, exporter, importers] = np.minimum(
                cap[t, commodity, exporter, importers], row[importers]
            )

    for c in np.nonzero(restricted)[0]:
        apply(e, int(c), event.severity)
    if event.reexport is not None:
        content = origin_content(chain, share, e, restricted)
        severity = event.severity
        if severity is None:
            assert event.quota_t_per_year is not None
            base_total = sum(flow[c, e, importers].sum() for c in np.nonzero(restricted)[0])
            severity = 1 - min(1.0, event.quota_t_per_year / 12 / base_total) if base_total else 1
        for name in event.reexport.commodities:
            d = chain.commodity_index(name)
            for k in range(R):
                if k != e and content[k, d] >= event.reexport.threshold:
                    apply(k, d, severity)


def delay_caps(
    chain: Chain, event: LogisticsDelay, cap: FloatArray, flow: FloatArray, T: int
) -> None:
    """Lower ``cap`` (T, C, R, R) in place: the first delay's worth of each affected link's
    flow does not arrive (``flow`` (C, R, R) is the baseline per month).
    """
    R = len(chain.regions)
    t0 = month_index(chain, event.start)
    blocked = blocked_months(T, t0, event.duration_months, event.delay_days / DAYS_PER_MONTH)
    ex = region_mask(chain, event.exporters)
    im = importer_mask(chain, event.importers)
    cm = name_mask(chain.commodities, event.commodities, chain.commodity_index)
    links = cm[:, None, None] & ex[None, :, None] & im[None, None, :]
    links &= ~np.eye(R, dtype=bool)[None]
    for t in np.nonzero(blocked > 0)[0].tolist():
        cap[t][links] = np.minimum(cap[t][links], (flow * (1 - blocked[t]))[links])
