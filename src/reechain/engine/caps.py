"""Caps per trade link and month from export restrictions and logistics delays.

Decisions are in :mod:`reechain.engine.prepare`'s docstring. Each event lowers a set of
links to a limit (C, R, R) times a factor of the month (1 − the blocked fraction), in the
months it applies; a month's caps are the minimum over the events applying then. Months
with the same events at the same factors have the same caps, so :func:`month_caps` builds
each distinct month once (most months of a long horizon are alike) and an index of months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.market import MarketParameters
from reechain.engine.select import importer_mask, name_mask, region_mask
from reechain.engine.sourcing import embodied_use, origin_content
from reechain.scenario.models import ExportRestriction, LogisticsDelay
from reechain.scenario.validate import month_index
from reechain.units import DAYS_PER_MONTH, WORKING_DAYS_PER_MONTH

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def blocked_months(T: int, start: int, duration: int, delay_months: float) -> FloatArray:
    """(T,) blocked fraction of each month: the first ``delay_months`` of the window."""
    out = np.zeros(T)
    for k in range(duration):
        if start + k < T:
            out[start + k] = min(1.0, max(0.0, delay_months - k))
    return out


@dataclass(frozen=True, eq=False)
class EventCaps:
    """One event's caps: ``limit`` (C, R, R) on the links it lowers (inf elsewhere) times
    ``factor[t]`` in the months it applies (NaN in the others)."""

    limit: FloatArray
    factor: FloatArray


def month_caps(
    events: list[EventCaps], shape: tuple[int, ...], T: int
) -> tuple[FloatArray, IntArray]:
    """Return the distinct months' caps (U, C, R, R) and each month's index (T,) into them
    (no event: one slice of inf)."""
    keys = np.stack([e.factor for e in events], axis=1) if events else np.zeros((T, 0))
    distinct, index = np.unique(np.nan_to_num(keys, nan=-1.0), axis=0, return_inverse=True)
    slices = np.full((len(distinct), *shape), np.inf)
    lowered = [np.isfinite(e.limit) for e in events]
    limits = [e.limit[mask] for e, mask in zip(events, lowered, strict=True)]
    for u, key in enumerate(distinct):
        for mask, limit, factor in zip(lowered, limits, key, strict=True):
            if factor >= 0:
                slices[u][mask] = np.minimum(slices[u][mask], limit * factor)
    return slices, index.reshape(T).astype(np.int64)


def licensed(event: ExportRestriction, market: MarketParameters) -> tuple[float | None, float]:
    """Return the severity (share of former exports not shipped) and the delay (working
    days) of a restriction: a licence requirement becomes 1 − applications × approval
    share after its review time (the market's defaults where the measure is silent)."""
    lic = event.licensing
    if lic is None:
        return event.severity, event.licensing_delay_working_days
    approval = market.licence_approval_share if lic.approval_share is None else lic.approval_share
    delay = (
        market.licence_processing_working_days
        if lic.processing_working_days is None
        else lic.processing_working_days
    )
    return 1.0 - lic.applications * approval, delay


def targeted_importers(chain: Chain, event: ExportRestriction) -> NDArray[np.bool_]:
    """(R,) importers a restriction targets: its importers less the exporter and those
    under a general licence."""
    importers = importer_mask(chain, event.importers)
    importers[chain.region_index(event.exporter)] = False
    if event.licensing is not None and event.licensing.general_licences:
        importers &= ~region_mask(chain, event.licensing.general_licences)
    return importers


def restriction_caps(
    chain: Chain,
    event: ExportRestriction,
    flow: FloatArray,
    share: FloatArray,
    T: int,
    market: MarketParameters,
) -> EventCaps:
    """The caps of an export restriction: the withheld part of each restricted link's
    baseline flow (by severity, quota or licensing), none while a licence is in review."""
    R = len(chain.regions)
    limits = np.full(flow.shape, np.inf)
    e = chain.region_index(event.exporter)
    t0 = month_index(chain, event.start)
    window = np.zeros(T, dtype=bool)
    window[t0 : t0 + event.duration_months] = True
    event_severity, delay_days = licensed(event, market)
    blocked = blocked_months(T, t0, event.duration_months, delay_days / WORKING_DAYS_PER_MONTH)
    importers = targeted_importers(chain, event)
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
        limits[commodity, exporter, importers] = np.minimum(
            limits[commodity, exporter, importers], limit[importers]
        )

    for c in np.nonzero(restricted)[0]:
        apply(e, int(c), event_severity)
    if event.reexport is not None:
        content = origin_content(chain, share, e, restricted)
        severity = event_severity
        if severity is None:
            assert event.quota_t_per_year is not None
            base_total = sum(flow[c, e, importers].sum() for c in np.nonzero(restricted)[0])
            severity = 1 - min(1.0, event.quota_t_per_year / 12 / base_total) if base_total else 1
        for name in event.reexport.commodities:
            d = chain.commodity_index(name)
            for k in range(R):
                if k != e and content[k, d] >= event.reexport.threshold:
                    apply(k, d, severity)
    return EventCaps(limits, np.where(window, 1 - blocked, np.nan))


def delay_caps(chain: Chain, event: LogisticsDelay, flow: FloatArray, T: int) -> EventCaps:
    """The caps of a logistics delay: the first delay's worth of each affected link's
    baseline flow (``flow`` (C, R, R) per month) does not arrive."""
    R = len(chain.regions)
    t0 = month_index(chain, event.start)
    blocked = blocked_months(T, t0, event.duration_months, event.delay_days / DAYS_PER_MONTH)
    ex = region_mask(chain, event.exporters)
    im = importer_mask(chain, event.importers)
    cm = name_mask(chain.commodities, event.commodities, chain.commodity_index)
    links = cm[:, None, None] & ex[None, :, None] & im[None, None, :]
    links &= ~np.eye(R, dtype=bool)[None]
    return EventCaps(np.where(links, flow, np.inf), np.where(blocked > 0, 1 - blocked, np.nan))
