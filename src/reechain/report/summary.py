"""The first page of a briefing and the story behind it, for one focus (a country, a group
or the world): what happens, when, how bad (with ranges), what a package changes and what
the model cannot see; then the month-by-month losses of the focus's sectors and the
foreign stages its supply depends on.

Every function here reads the run's result tables, the chain and what the workflow
computed beside the run (:class:`Comparisons`); nothing is run here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from reechain.chain import Chain
from reechain.metrics.exposure import chain_exposure
from reechain.report.focus import (
    Focus,
    commodity_label,
    describe_event,
    month_label,
    product_label,
    region_label,
    unit_label,
)
from reechain.store.run_tables import RunTables
from reechain.units import usd

CANNOT_SEE = (
    "Contracts, qualification of new suppliers and which grades a factory can switch to: "
    "the model lets any supplier of a commodity replace another at once.",
    "Smuggling, stock held by traders and stocks of finished components (motors, drives).",
    "Political answers: retaliation, exemptions granted later, new alliances.",
    "Uncertainty beyond the ranges shown: those vary only the low-confidence prices, "
    "elasticities, inventory days and stockpile sizes within their stated bounds.",
)


@dataclass(frozen=True)
class Comparisons:
    """What the workflow ran beside the scenario, by region (USD of output value lost)."""

    draws: Mapping[str, Sequence[float]] = field(default_factory=dict)
    """Value lost per region in each run with the uncertain inputs drawn within bounds."""
    package: str = ""
    """Title of the policy package composed with the scenario ('' when none was run)."""
    with_package: Mapping[str, float] = field(default_factory=dict)
    """Value lost per region with the package, over the scenario's horizon."""


def in_focus(frame: pd.DataFrame, focus: Focus, column: str = "region") -> pd.DataFrame:
    """The rows of ``frame`` whose region is in the focus."""
    if frame.empty or column not in frame.columns:
        return frame
    return frame[frame[column].isin(focus.regions)]


def value_lost(tables: RunTables, focus: Focus) -> float:
    """Output value lost in the focus over the horizon (USD)."""
    return float(in_focus(tables.kpis_sector, focus)["cumulative_value_lost_usd"].sum())


def value_range(comparisons: Comparisons, focus: Focus) -> tuple[float, float, float] | None:
    """5th, 50th and 95th percentiles of the focus's value lost over the input draws."""
    runs = [comparisons.draws[r] for r in focus.regions if r in comparisons.draws]
    if not runs or not len(runs[0]):
        return None
    total = np.sum(np.asarray(runs, dtype=np.float64), axis=0)
    p5, p50, p95 = np.percentile(total, [5, 50, 95])
    return float(p5), float(p50), float(p95)


def losses_by_month(tables: RunTables, focus: Focus) -> pd.DataFrame:
    """Share of baseline output lost, % per month (rows) and sector (columns), in the focus."""
    ms = in_focus(tables.monthly_sector, focus)
    if ms.empty:
        return pd.DataFrame()
    grouped = ms.groupby([ms["month"].astype(str), "sector"])[
        ["lost_units", "baseline_output_units"]
    ].sum()
    share = (
        100
        * grouped["lost_units"]
        / grouped["baseline_output_units"].where(grouped["baseline_output_units"] > 0)
    )
    table = share.unstack("sector").fillna(0.0).sort_index()
    return table.loc[:, table.max() > 0.05] if len(table.columns) else table


def executive_summary(
    tables: RunTables,
    chain: Chain,
    focus: Focus,
    scenario: Mapping[str, Any],
    comparisons: Comparisons,
) -> dict[str, Any]:
    """The one-page summary: what happens, when, how bad, what a package changes."""
    events = [
        describe_event(e, chain) for e in scenario.get("events") or [] if isinstance(e, Mapping)
    ]
    lost = value_lost(tables, focus)
    months = sorted(tables.monthly_commodity["month"].astype(str).unique())
    by_month = losses_by_month(tables, focus)
    when = "No output is lost in the focus over the horizon."
    worst: list[str] = []
    if not by_month.empty and by_month.to_numpy().max() > 0:
        hit = by_month.max(axis=1)
        first = str(hit[hit > 0.05].index[0]) if (hit > 0.05).any() else str(hit.idxmax())
        peak = str(hit.idxmax())
        when = (
            f"Losses start in {month_label(first)} and are worst in {month_label(peak)}, when "
            f"{hit.max():.1f} % of the hardest-hit sector's output is not made."
        )
        for sector, pct in by_month.max().sort_values(ascending=False).head(3).items():
            worst.append(f"{product_label(chain, str(sector))} (up to {pct:.0f} %)")
    spread = value_range(comparisons, focus)
    how_bad = (
        f"{usd(lost)} of gross output lost in {focus.label} from {month_label(months[0])} "
        f"to {month_label(months[-1])}"
    )
    if spread is not None:
        how_bad += (
            f" (90 % range {usd(spread[0])} to {usd(spread[2])} over "
            f"{len(next(iter(comparisons.draws.values())))} runs with uncertain inputs drawn)"
        )
    package = ""
    if comparisons.package:
        after = sum(comparisons.with_package.get(r, 0.0) for r in focus.regions)
        change = "removes" if after < lost else "does not reduce"
        package = (
            f"With the {comparisons.package} in place, {focus.label} loses {usd(after)} "
            f"instead of {usd(lost)}: it {change} "
            f"{usd(abs(lost - after))} of the loss over the same months."
        )
    return {
        "what": events or ["No event: this scenario holds only policies."],
        "when": when,
        "how_bad": how_bad + ".",
        "worst": worst,
        "package": package,
        "cannot_see": list(CANNOT_SEE),
    }


STORY_SECTORS = 8
STORY_PERIODS = 8


def monthly_story(tables: RunTables, chain: Chain, focus: Focus) -> dict[str, Any]:
    """The worst share of output lost in each period (quarters, or half-years when there
    are more than eight quarters) by the focus's sectors that lose most: a table with one
    row per sector and one column per period with a loss."""
    by_month = losses_by_month(tables, focus)
    if by_month.empty:
        return {"columns": [], "rows": []}
    index = pd.PeriodIndex(by_month.index, freq="M")
    periods = index.asfreq("Q")
    if len(set(periods)) > STORY_PERIODS:
        periods = pd.PeriodIndex(
            [f"{p.year}-{1 if p.month <= 6 else 7:02d}" for p in index], freq="M"
        )
    table = by_month.groupby(periods).max()
    table = table.loc[table.max(axis=1) > 0.05]
    if len(table) > STORY_PERIODS:
        table = table.iloc[:STORY_PERIODS]
    top = table.max().sort_values(ascending=False).head(STORY_SECTORS).index
    return {
        "columns": [_period(p) for p in table.index],
        "rows": [
            {
                "sector": product_label(chain, str(s)),
                "values": [f"{v:.1f} %" if v > 0.05 else "—" for v in table[s]],
            }
            for s in top
        ],
    }


def _period(p: Any) -> str:
    """'2025Q2' → 'Q2 2025'; a half-year's first month → 'H1 2025'."""
    text = str(p)
    if "Q" in text:
        year, quarter = text.split("Q")
        return f"Q{quarter} {year}"
    return f"H{1 if p.month <= 6 else 2} {p.year}"


def exposure_path(chain: Chain, focus: Focus, exporter: str) -> list[dict[str, str]]:
    """For the focus's end uses: the share of each stage's content made by the exporter,
    by the focus itself and by the largest other origin."""
    if focus.is_world:
        return []
    found = chain_exposure(chain, focus.code)
    rows = []
    own = [found.regions.index(r) for r in focus.regions]
    for s, stage in enumerate(found.stages):
        if found.stage_totals[s] <= 0:
            continue
        shares = found.stage_shares[s]
        others = [
            r for r in np.argsort(-shares) if found.regions[r] not in (*focus.regions, exporter)
        ]
        top = int(others[0]) if others and shares[others[0]] > 0 else None
        rows.append(
            {
                "stage": chain.stage_names[chain.stages.index(stage)]
                if stage in chain.stages
                else stage,
                "exporter": f"{100 * found.share(stage, exporter):.0f} %"
                if exporter in found.regions
                else "—",
                "own": f"{100 * float(shares[own].sum()):.0f} %",
                "other": f"{region_label(chain, found.regions[top])} "
                f"{100 * float(shares[top]):.0f} %"
                if top is not None
                else "—",
            }
        )
    return rows


def material_rows(tables: RunTables, chain: Chain, focus: Focus) -> list[dict[str, str]]:
    """The focus's materials that run short most, with their price peak and cover."""
    kc = in_focus(tables.kpis_commodity, focus)
    worst = kc[kc["cumulative_shortfall_t"] > 0].sort_values(
        "cumulative_shortfall_t", ascending=False
    )
    out = []
    for _, r in worst.head(8).iterrows():
        c = chain.commodity_index(str(r["commodity"]))
        p0 = float(chain.price_usd_per_kg[c])
        cover = r.get("days_of_cover_at_onset")
        out.append(
            {
                "region": region_label(chain, str(r["region"])),
                "commodity": commodity_label(chain, str(r["commodity"])),
                "shortfall": f"{float(r['cumulative_shortfall_t']):,.1f} "
                f"{unit_label(chain.commodity_units[c])}",
                "peak": f"{float(r['peak_shortfall_pct']):.1f} %",
                "price": f"×{float(r['peak_price_usd_per_kg']) / p0:.1f}" if p0 > 0 else "—",
                "cover": "—" if cover is None or cover != cover else f"{float(cover):,.0f} days",
            }
        )
    return out


__all__ = [
    "CANNOT_SEE",
    "Comparisons",
    "executive_summary",
    "exposure_path",
    "in_focus",
    "losses_by_month",
    "material_rows",
    "monthly_story",
    "value_lost",
    "value_range",
]
