"""Concentration of production: shares by region, HHI, top-1/top-3 shares, regions to 90 %.

Pure functions over a :class:`~reechain.chain.Chain`. Production of a commodity is the
baseline output of the processes that make it (``Chain.production``, commodity units per
year); production of a stage adds the commodities made at that stage in their own units
(all tonnes of oxide at ``separate``, tonnes of metal at ``metal`` …).

The Herfindahl–Hirschman index is Σ (100 · share)², from 10,000/n for n equal producers
to 10,000 for a single one.

Aggregates and world totals
---------------------------
A dataset may hold aggregate regions (``kind = aggregate``, e.g. ``ROW`` for "other
countries"), and a published world total may exceed the sum of the listed producers
(USGS rounds world mine output). How they count is the caller's choice,
:class:`AggregateTreatment`:

``fragmented`` (default)
    Aggregates stay in the world total, so shares are shares of world output, but they add
    nothing to the HHI and are never a top region: "other" is taken to be many small
    producers. The HHI is then a lower bound, and ``regions_for_90pct`` is ``None`` when
    the named producers do not reach 90 %. A ``world_total`` above the sum of the regions
    counts as one more fragmented remainder.
``include``
    Each aggregate counts as one producer. The HHI is an upper bound; ``ROW`` may be the
    top region.
``exclude``
    Aggregates are dropped: shares are of the named producers only; ``world_total`` is
    ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reechain.chain import Chain
from reechain.errors import InputError, NotFoundError
from reechain.metrics.selection import hint, select_commodities
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]

NINETY_PERCENT = 0.9


class AggregateTreatment(StrEnum):
    """How aggregate regions (``ROW``) and unattributed world output count."""

    FRAGMENTED = "fragmented"
    INCLUDE = "include"
    EXCLUDE = "exclude"


def hhi(shares: ArrayLike, axis: int = -1) -> FloatArray:
    """Return the Herfindahl–Hirschman index (0–10,000) of shares given as fractions.

    Examples
    --------
    >>> float(hhi([0.5, 0.5]))
    5000.0
    >>> float(hhi([1.0, 0.0, 0.0]))
    10000.0
    """
    array = np.asarray(shares, dtype=np.float64)
    return np.asarray(np.sum((100.0 * array) ** 2, axis=axis), dtype=np.float64)


def shares(quantities: ArrayLike, axis: int = -1) -> FloatArray:
    """Return each quantity as a fraction of the total along ``axis`` (0 where the total is 0).

    Examples
    --------
    >>> shares([3.0, 1.0]).tolist()
    [0.75, 0.25]
    """
    array = np.asarray(quantities, dtype=np.float64)
    total = array.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, array / np.where(total > 0, total, 1.0), 0.0)
    return np.asarray(out, dtype=np.float64)


@dataclass(frozen=True)
class Concentration:
    """Concentration of one commodity's (or one stage's) production across regions."""

    stage: str
    commodity: str
    """Commodity code, or ``"all"`` for a whole stage."""
    unit: str
    year: int
    treatment: AggregateTreatment
    regions: tuple[str, ...]
    """Regions in the order of ``production`` and ``shares``."""
    production: FloatArray
    """(R,) production by region, ``unit`` per year."""
    shares: FloatArray
    """(R,) fraction of the total (0 for aggregates dropped under ``exclude``)."""
    total: float
    """Total the shares are of, ``unit`` per year."""
    aggregate_share: float
    """Fraction of the total from aggregates and unattributed output."""
    hhi: float
    """Herfindahl–Hirschman index, 0–10,000."""
    top1_region: str
    top1_share: float
    top3_regions: tuple[str, ...]
    top3_share: float
    regions_for_90pct: int | None
    """Fewest regions whose output reaches 90 % of the total; None when named regions cannot."""

    def share_of(self, region: str) -> float:
        """Return the share of ``region`` (0 when it does not produce)."""
        return float(self.shares[self.regions.index(region)])

    def as_record(self, share_of: Sequence[str] = ()) -> dict[str, Any]:
        """Return a JSON-ready record whose keys name their units; ``share_of`` adds a
        ``<REGION>_share`` key per region named."""
        for code in share_of:
            if code not in self.regions:
                raise NotFoundError(
                    f"no region named {code!r}" + hint(did_you_mean(code, self.regions))
                )
        return {
            "year": self.year,
            "stage": self.stage,
            "commodity": self.commodity,
            "unit": self.unit,
            "production_per_year": self.total,
            "producing_regions": int((self.production > 0).sum()),
            "hhi": self.hhi,
            "top1_region": self.top1_region,
            "top1_share": self.top1_share,
            "top3_regions": " ".join(self.top3_regions),
            "top3_share": self.top3_share,
            "regions_for_90pct": self.regions_for_90pct,
            "aggregate_share": self.aggregate_share,
            "aggregates": str(self.treatment),
            **{f"{code}_share": self.share_of(code) for code in share_of},
        }


def concentration_of(
    production: ArrayLike,
    regions: tuple[str, ...],
    *,
    aggregate: ArrayLike | None = None,
    treatment: AggregateTreatment | str = AggregateTreatment.FRAGMENTED,
    world_total: float | None = None,
    stage: str = "",
    commodity: str = "",
    unit: str = "",
    year: int = 0,
) -> Concentration:
    """Return the concentration of ``production`` (R,) by region, units per year.

    ``aggregate`` is an (R,) mask of aggregate regions (default: none); ``treatment`` and
    ``world_total`` are described in the module docstring.

    Examples
    --------
    >>> c = concentration_of([60.0, 30.0, 10.0], ("CHN", "AUS", "ROW"),
    ...                      aggregate=[False, False, True])
    >>> c.hhi, c.top1_region, c.top1_share, c.regions_for_90pct
    (4500.0, 'CHN', 0.6, 2)
    """
    treatment = AggregateTreatment(treatment)
    quantity = np.asarray(production, dtype=np.float64)
    if quantity.shape != (len(regions),):
        raise InputError(f"production has shape {quantity.shape}, expected ({len(regions)},)")
    is_aggregate = (
        np.zeros(len(regions), dtype=bool)
        if aggregate is None
        else np.asarray(aggregate, dtype=bool)
    )
    named_total = float(quantity[~is_aggregate].sum())
    aggregate_total = float(quantity[is_aggregate].sum())
    if treatment is AggregateTreatment.EXCLUDE:
        total = named_total
        aggregate_total = 0.0
        counted = np.where(is_aggregate, 0.0, quantity)
    else:
        if world_total is not None and world_total > named_total + aggregate_total:
            aggregate_total = world_total - named_total
        total = named_total + aggregate_total
        counted = quantity.copy()
    share = counted / total if total > 0 else np.zeros_like(counted)
    # Regions that count as single producers for HHI and the top ranks (a world-total
    # remainder is in no region's share, so it is never one producer).
    ranked = share if treatment is AggregateTreatment.INCLUDE else np.where(is_aggregate, 0, share)
    order = np.argsort(-ranked, kind="stable")
    top = [int(i) for i in order[:3] if ranked[i] > 0]
    cumulative = np.cumsum(ranked[order])
    reached = np.flatnonzero(cumulative >= NINETY_PERCENT - 1e-12)
    return Concentration(
        stage=stage,
        commodity=commodity,
        unit=unit,
        year=year,
        treatment=treatment,
        regions=tuple(regions),
        production=np.asarray(quantity, dtype=np.float64),
        shares=np.asarray(share, dtype=np.float64),
        total=total,
        aggregate_share=(
            float(aggregate_total / total)
            if total > 0 and treatment is not AggregateTreatment.EXCLUDE
            else 0.0
        ),
        hhi=float(hhi(ranked)),
        top1_region=regions[top[0]] if top else "",
        top1_share=float(ranked[top[0]]) if top else 0.0,
        top3_regions=tuple(regions[i] for i in top),
        top3_share=float(ranked[top].sum()) if top else 0.0,
        regions_for_90pct=int(reached[0]) + 1 if reached.size and total > 0 else None,
    )


def chain_concentration(
    chain: Chain,
    commodity: str | None = None,
    stage: str | None = None,
    *,
    per: str = "commodity",
    treatment: AggregateTreatment | str = AggregateTreatment.FRAGMENTED,
) -> list[Concentration]:
    """Return the concentration of production per commodity (or per stage), units per year.

    ``per="commodity"`` gives one result per produced commodity selected by ``commodity``
    and ``stage``; ``per="stage"`` one per stage, adding that stage's commodities (in their
    own units; ``unit`` is ``"mixed"`` when they differ). Commodities nobody produces are
    left out.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> [(c.stage, round(c.hhi)) for c in chain_concentration(chain, per="stage")]
    [('mine', 6213), ('separate', 7396), ('metal', 6878), ('magnet', 5612)]
    """
    if per not in ("commodity", "stage"):
        raise InputError(f"per: got {per!r}, expected 'commodity' or 'stage'")
    selected = select_commodities(chain, commodity, stage)
    aggregate = np.array([k == "aggregate" for k in chain.region_kinds], dtype=bool)
    produced = [c for c in selected if chain.production[:, c].sum() > 0]
    results: list[Concentration] = []
    if per == "commodity":
        for c in produced:
            results.append(
                concentration_of(
                    chain.production[:, c],
                    chain.regions,
                    aggregate=aggregate,
                    treatment=treatment,
                    stage=chain.stages[int(chain.commodity_stage[c])],
                    commodity=chain.commodities[c],
                    unit=chain.commodity_units[c],
                    year=chain.year,
                )
            )
        return results
    for s in sorted({int(chain.commodity_stage[c]) for c in produced}):
        members = [c for c in produced if int(chain.commodity_stage[c]) == s]
        units = {chain.commodity_units[c] for c in members}
        results.append(
            concentration_of(
                chain.production[:, members].sum(axis=1),
                chain.regions,
                aggregate=aggregate,
                treatment=treatment,
                stage=chain.stages[s],
                commodity=(
                    "+".join(chain.commodities[c] for c in members)
                    if commodity is not None
                    else "all"
                ),
                unit=units.pop() if len(units) == 1 else "mixed",
                year=chain.year,
            )
        )
    return results
