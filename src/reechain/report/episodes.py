"""Model against observation: where a scenario replays a real episode, the briefing's box
puts what the model says beside what was observed, measure by measure.

The observations are facts from public statistics and reports (``bundled/episodes.csv``,
each with its source and confidence); this module computes the model's side of each on the
same definition, from the run's result tables. Nothing here was fitted to these figures.

Measures
--------
``peak_price_multiple``
    The highest monthly price of the commodity, as a multiple of the baseline run's,
    averaged over importers outside the exporter weighted by their requirement; with the
    months from the onset to that peak. An observation with ``buyers: 2010`` (China's
    export prices of 2010-11) weighs each importer's requirement by China's export
    destinations of 2010, as the market calibration reads the same episode
    (:func:`reechain.risk.market_fit.destination_scale`).
``price_multiple_within``
    The same, but the highest within ``months`` months of the onset.
``exports_change_pct``
    The exporter's shipments of the commodities to every other region in month
    onset + ``months``, against the baseline run's, in %.
``flow_change_year_pct``
    Shipments from the exporter to the importers over calendar year ``months`` against the
    baseline run's, in %.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from reechain.chain import Chain
from reechain.data.rows import read_rows
from reechain.report.focus import commodity_label, month_label, region_label
from reechain.risk.market_fit import destination_scale, load_destinations
from reechain.store.run_tables import RunTables

EPISODES_FILE = Path(__file__).with_name("bundled") / "episodes.csv"


class Observation(BaseModel):
    """One observed figure of a past episode and how to read the model's counterpart."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scenario: str
    measure: str
    exporter: str
    importers: str = ""
    commodities: str
    months: int | None = None
    observed: float
    observed_text: str
    source: str
    source_year: int
    url: str = ""
    confidence: str
    note: str = ""
    buyers: str = ""
    """Whose prices the observation is: "" today's importers, "2010" China's buyers of 2010."""


def load_observations(path: Path = EPISODES_FILE) -> tuple[Observation, ...]:
    """Return every observation of the bundled episodes table."""
    return read_rows(path, Observation)


def _onset(tables: RunTables) -> int:
    """The first month in which any material falls short or any price moves (0 if none)."""
    mc = tables.monthly_commodity
    moved = (mc["shortfall_t"] > 0) | (
        (mc["price_usd_per_kg"] - mc["baseline_price_usd_per_kg"]).abs() > 1e-9
    )
    months = sorted(mc["month"].astype(str).unique())
    first = mc.loc[moved, "month"].astype(str).min() if moved.any() else months[0]
    return months.index(first)


def _price_multiples(tables: RunTables, obs: Observation, chain: Chain | None = None) -> pd.Series:
    """Requirement-weighted mean price multiple outside the exporter, by month (module
    docstring; ``chain`` is needed for an observation of 2010's buyers)."""
    mc = tables.monthly_commodity
    sel = mc[(mc["commodity"].isin(obs.commodities.split())) & (mc["region"] != obs.exporter)]
    sel = sel[(sel["requirement_t"] > 0) & (sel["baseline_price_usd_per_kg"] > 0)]
    multiple = sel["price_usd_per_kg"] / sel["baseline_price_usd_per_kg"]
    weight = sel["requirement_t"]
    if obs.buyers == "2010":
        if chain is None:
            raise ValueError(f"{obs.scenario} {obs.commodities}: 2010's buyers need the chain")
        factor = destination_scale(chain, load_destinations())
        scale = dict(zip(chain.regions, factor.tolist(), strict=True))
        weight = weight * sel["region"].map(scale).fillna(1.0)
    month = sel["month"].astype(str)
    return ((multiple * weight).groupby(month).sum() / weight.groupby(month).sum()).sort_index()


def _shipments(tables: RunTables, obs: Observation) -> pd.DataFrame:
    trade = tables.trade
    if trade.empty:
        return trade
    sel = trade[
        (trade["exporter"] == obs.exporter)
        & (trade["importer"] != obs.exporter)
        & trade["commodity"].isin(obs.commodities.split())
    ]
    if obs.importers:
        sel = sel[sel["importer"].isin(obs.importers.split())]
    return sel.assign(month=sel["month"].astype(str))


def model_value(
    tables: RunTables, obs: Observation, chain: Chain | None = None
) -> tuple[float | None, str]:
    """Return the model's figure for ``obs`` and a phrase saying what it is (``chain``: the
    run's, needed for an observation of 2010's buyers)."""
    onset = _onset(tables)
    if obs.measure in ("peak_price_multiple", "price_multiple_within"):
        series = _price_multiples(tables, obs, chain)
        if series.empty:
            return None, "no importer outside the exporter uses it"
        if obs.measure == "price_multiple_within":
            series = series.iloc[onset : onset + (obs.months or 0) + 1]
        peak = float(series.max())
        after = int(np.argmax(series.to_numpy())) + (
            onset if obs.measure == "price_multiple_within" else 0
        )
        gap = after - onset
        return peak, f"{peak:.1f}×, {gap} month{'' if gap == 1 else 's'} after the onset"
    shipped = _shipments(tables, obs)
    if shipped.empty:
        return None, "no such flow in the dataset"
    if obs.measure == "exports_change_pct":
        months = sorted(tables.monthly_commodity["month"].astype(str).unique())
        month = months[min(onset + (obs.months or 0), len(months) - 1)]
        shipped = shipped[shipped["month"] == month]
        where = f"in {month_label(month)}"
    elif obs.measure == "flow_change_year_pct":
        shipped = shipped[shipped["month"].str.startswith(str(obs.months))]
        where = f"in {obs.months}"
    else:
        return None, f"unknown measure {obs.measure!r}"
    base = float(shipped["baseline_shipped_t"].sum())
    if base <= 0:
        return None, "the baseline run ships none"
    change = 100 * (float(shipped["shipped_t"].sum()) / base - 1)
    return change, f"{change:+.0f} % {where} against the baseline run"


def episode_rows(tables: RunTables, chain: Chain) -> list[dict[str, Any]]:
    """The model-against-observation rows of a run whose scenario replays an episode."""
    rows = []
    for obs in load_observations():
        if obs.scenario != tables.scenario:
            continue
        value, phrase = model_value(tables, obs, chain)
        rows.append(
            {
                "measure": _title(obs, chain),
                "model": phrase,
                "observed": obs.observed_text,
                "source": f"{obs.source} ({obs.confidence} confidence)",
                "note": obs.note,
                "ratio": None if value is None else _agreement(obs, value),
            }
        )
    return rows


def _title(obs: Observation, chain: Chain) -> str:
    codes = obs.commodities.split()
    goods = commodity_label(chain, codes[0]) if codes[0] in chain.commodities else codes[0]
    exporter = region_label(chain, obs.exporter)
    if obs.measure == "peak_price_multiple":
        return f"Peak price of {goods} outside {exporter}"
    if obs.measure == "price_multiple_within":
        return f"Price of {goods} outside {exporter}, within {obs.months} month of the onset"
    if obs.measure == "exports_change_pct":
        return f"{exporter}'s magnet exports, {obs.months} month after the onset"
    to = " and ".join(region_label(chain, r) for r in obs.importers.split())
    return f"{exporter} → {to} shipments of {goods.split()[0]}, {obs.months}"


def _agreement(obs: Observation, value: float) -> str:
    """'within a factor of 2' or how far apart, in words."""
    if obs.measure.endswith("_pct"):
        gap = value - obs.observed
        return f"{gap:+.0f} points from the observed"
    ratio = value / obs.observed if obs.observed else float("inf")
    if 0.5 <= ratio <= 2:
        return "within a factor of 2"
    return f"{ratio:.2f}× the observed"


__all__ = ["EPISODES_FILE", "Observation", "episode_rows", "load_observations", "model_value"]
