"""What a briefing says: key numbers, what people feel, assumptions and sources.

The numbers come from a simulation's result tables (:mod:`reechain.store.run_tables`) and the
compiled chain of its dataset; this module only selects, sums and words them.

"What people feel" is the price of end products: for each end-use sector, the extra cost of
one unit when its rare-earth inputs are at their peak scenario price, Σ over commodities of
intensity (t per unit) × 1,000 kg/t × (peak price − baseline price) (USD/kg), compared with
the unit's value — read in the region where that product's price rises most. With output lost and
jobs at risk, it is what reaches households and workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset
from reechain.report import figures
from reechain.report.episodes import episode_rows
from reechain.report.focus import (
    Focus,
    commodity_label,
    product_label,
    region_label,
    resolve_focus,
    unit_label,
)
from reechain.report.summary import (
    Comparisons,
    executive_summary,
    exposure_path,
    in_focus,
    material_rows,
    monthly_story,
)
from reechain.scenario.yamlfile import safe_load
from reechain.store.run_tables import RunTables, headline_losses
from reechain.units import usd
from reechain.version import __version__

if TYPE_CHECKING:
    pass


MODEL_ASSUMPTIONS = (
    "One step is one month; annual figures are divided by 12. Month 0 is January of the "
    "year after the dataset's base year.",
    "Losses are measured against the baseline run: the same chain, horizon and demand path "
    "with no events and no policies. Demand is flat at the base year's level.",
    "Prices rise when a region gets less than it needs, P = P₀ × (available ÷ needed)^(1/ε) "
    "with the dataset's elasticity ε, capped at its price-cap multiple; end-use makers "
    "answer last month's price.",
    "Users hold inventories of their target days of use and restore them over their "
    "restoration time; strategic stockpiles release only as the scenario's policies say.",
    "End-product price effects assume the whole rise in material cost is passed on, with "
    "nothing else about the product changing.",
)


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, ready for the template."""

    title: str
    scenario: str
    dataset: str
    run_id: str | None
    created: str
    code_version: str
    period: str
    headline: list[dict[str, str]]
    consumer: list[dict[str, str]]
    sectors: list[dict[str, str]]
    commodities: list[dict[str, str]]
    figures: list[dict[str, str]]
    events: list[str]
    assumptions: list[str]
    confidence: dict[str, int]
    sources: list[dict[str, Any]] = field(default_factory=list)
    focus: str = "the world"
    summary: dict[str, Any] = field(default_factory=dict)
    story: dict[str, Any] = field(default_factory=dict)
    exposure: list[dict[str, str]] = field(default_factory=list)
    exporter: str = ""
    episode: list[dict[str, Any]] = field(default_factory=list)


def build_briefing(
    tables: RunTables,
    dataset: Dataset,
    *,
    focus: str | None = None,
    comparisons: Comparisons | None = None,
) -> Briefing:
    """Return the briefing of a finished simulation's ``tables`` on its ``dataset``, for
    ``focus`` (a region, a group or ``world``, the default), with what the workflow ran
    beside it (``comparisons``: input-uncertainty runs and a policy package)."""
    chain = compile_chain(dataset)
    where = resolve_focus(chain, focus)
    scenario = safe_load(tables.scenario_text) if tables.scenario_text else {}
    months = tables.monthly_commodity["month"].astype(str)
    ks = in_focus(tables.kpis_sector, where)
    kc = in_focus(tables.kpis_commodity, where)
    losses = headline_losses(ks, in_focus(tables.monthly_sector, where))
    units_lost = ks.groupby("sector")["cumulative_shortfall_units"].sum()
    products = _products(units_lost, chain)
    price_rise = _price_multiples(kc, chain)
    top_price = max(price_rise, key=lambda kv: kv[2], default=None)
    exporter = _exporter(scenario)
    headline = [
        {
            "label": "Value added (GDP) lost",
            "value": "—"
            if losses.value_added_lost_usd is None
            else usd(losses.value_added_lost_usd),
            "note": f"{where.label}: the losing sectors' own value added, "
            f"{months.iloc[0]} to {months.iloc[-1]}",
        },
        {
            "label": "Gross output lost",
            "value": usd(losses.gross_output_lost_usd),
            "note": "value of end-use output not made (counts every input again)",
        },
        {
            "label": "Job-months lost",
            "value": "—" if losses.job_months is None else f"{losses.job_months:,.0f}",
            "note": "jobs idle, summed over months and sectors",
        },
        {
            "label": "Jobs at risk at the peak",
            "value": f"{losses.peak_jobs_at_risk:,.0f}",
            "note": "the most jobs idle in one month, all sectors together",
        },
        {
            "label": "Products not made",
            "value": products[0],
            "note": products[1],
        },
        {
            "label": "Steepest price rise",
            "value": f"×{top_price[2]:.1f}" if top_price else "none",
            "note": f"{commodity_label(chain, top_price[1])} in {region_label(chain, top_price[0])}"
            if top_price
            else "no price moved",
        },
    ]
    return Briefing(
        title=str(scenario.get("title") or tables.scenario),
        scenario=tables.scenario,
        dataset=f"{chain.dataset} (base year {chain.base_year})",
        run_id=tables.run_id,
        created=tables.created,
        code_version=__version__,
        period=f"{months.iloc[0]} to {months.iloc[-1]} ({months.nunique()} months)",
        headline=headline,
        consumer=_consumer(tables, chain, where),
        sectors=_sectors(ks, chain),
        commodities=material_rows(tables, chain, where),
        figures=figures.briefing_figures(tables, chain, where),
        events=_events(scenario),
        assumptions=list(MODEL_ASSUMPTIONS),
        confidence=confidence_counts(dataset),
        sources=dataset_sources(dataset),
        focus=where.label,
        summary=executive_summary(tables, chain, where, scenario, comparisons or Comparisons()),
        story=monthly_story(tables, chain, where),
        exposure=exposure_path(chain, where, exporter) if exporter else [],
        exporter=region_label(chain, exporter) if exporter else "",
        episode=episode_rows(tables, chain),
    )


def _exporter(scenario: dict[str, Any]) -> str:
    """The first restricting exporter of the scenario's events ('' when none restricts)."""
    for item in scenario.get("events") or []:
        if isinstance(item, dict) and item.get("kind") == "export_restriction":
            return str(item.get("exporter", ""))
    return ""


def _products(units_lost: Any, chain: Chain) -> tuple[str, str]:
    """The headline's products not made: the largest loss with its unit, and the next two."""
    lost = units_lost[units_lost > 0].sort_values(ascending=False)
    if lost.empty:
        return "none", "every product is made as in the baseline run"
    words = [
        f"{v:,.0f} {unit_label(chain.sector_units[chain.sector_index(str(s))])} of "
        f"{product_label(chain, str(s))}"
        for s, v in lost.head(3).items()
    ]
    return words[0].split(" of ")[0], "; ".join(words)


def _price_multiples(kc: Any, chain: Chain) -> list[tuple[str, str, float]]:
    out = []
    for _, r in kc.iterrows():
        c = chain.commodity_index(str(r["commodity"]))
        p0 = float(chain.price_usd_per_kg[c])
        if p0 > 0:
            out.append(
                (str(r["region"]), str(r["commodity"]), float(r["peak_price_usd_per_kg"]) / p0)
            )
    return out


def _consumer(tables: RunTables, chain: Chain, focus: Focus) -> list[dict[str, str]]:
    """Return, per end-use sector made in the focus, the extra cost of one unit at peak
    input prices (in the focus's region where it rises most)."""
    kc = tables.kpis_commodity.set_index(["region", "commodity"])
    ks = tables.kpis_sector.set_index(["region", "sector"])
    rows: list[dict[str, str]] = []
    order: list[float] = []
    for s, sector in enumerate(chain.sectors):
        makers = [
            int(r)
            for r in np.flatnonzero(chain.output_per_year[s] > 0)
            if chain.regions[int(r)] in focus.regions
        ]
        if not makers:
            continue
        extras = {r: _extra_cost(chain, kc, s, r) for r in makers}
        # the region where the product's price rises most; the largest maker when none does
        r = max(
            makers,
            key=lambda m: (
                extras[m] / max(float(chain.value_usd_per_unit[s, m]), 1e-9),
                float(chain.output_per_year[s, m]),
            ),
        )
        region = chain.regions[r]
        extra = extras[r]
        value = float(chain.value_usd_per_unit[s, r])
        found = (region, sector) in ks.index
        lost = _number(ks.loc[(region, sector), "cumulative_shortfall_units"]) if found else 0.0
        rows.append(
            {
                "product": product_label(chain, sector),
                "unit": unit_label(chain.sector_units[s]),
                "region": region_label(chain, region),
                "value": usd(value),
                "extra": usd(extra),
                "change": f"+{100 * extra / value:.2f} %" if value > 0 else "—",
                "lost": f"{lost:,.0f}",
            }
        )
        order.append(extra / value if value > 0 else 0.0)
    ranked = sorted(zip(order, rows, strict=True), key=lambda pair: -pair[0])
    return [row for share, row in ranked if share > 0 or row["lost"] != "0"]


def _number(value: Any) -> float:
    """Return a table cell as a float (NaN when it is not a number)."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _extra_cost(chain: Chain, kc: Any, s: int, r: int) -> float:
    """Return the extra USD cost of one unit of sector ``s`` in region ``r`` at peak prices."""
    extra = 0.0
    for c in np.flatnonzero(chain.intensity[s] > 0):
        key = (chain.regions[r], chain.commodities[int(c)])
        peak = _number(kc.loc[key, "peak_price_usd_per_kg"]) if key in kc.index else 0.0
        rise = max(peak - float(chain.price_usd_per_kg[int(c)]), 0.0)
        extra += float(chain.intensity[s, int(c)]) * 1000.0 * rise
    return extra


def _sectors(ks: Any, chain: Chain) -> list[dict[str, str]]:
    added = "cumulative_value_added_lost_usd"
    by = ks.groupby("sector").agg(
        value=("cumulative_value_lost_usd", "sum"),
        value_added=(added if added in ks else "cumulative_value_lost_usd", "sum"),
        units=("cumulative_shortfall_units", "sum"),
        jobs=("job_months" if "job_months" in ks else "peak_jobs_at_risk", "sum"),
        peak=("peak_shortfall_pct", "max"),
    )
    by = by[by["value"] > 0].sort_values("value", ascending=False).head(10)
    return [
        {
            "sector": product_label(chain, str(name)),
            "value": usd(float(r["value"])),
            "value_added": usd(float(r["value_added"])) if added in ks else "—",
            "units": f"{r['units']:,.0f} "
            f"{unit_label(chain.sector_units[chain.sector_index(str(name))])}",
            "jobs": f"{r['jobs']:,.0f}",
            "peak": f"{r['peak']:.1f} %",
        }
        for name, r in by.iterrows()
    ]


def _events(scenario: dict[str, Any]) -> list[str]:
    out = []
    for section in ("events", "policies"):
        for item in scenario.get(section) or []:
            if not isinstance(item, dict):
                continue
            kind = str(item.get("kind", section)).replace("_", " ")
            details = "; ".join(
                f"{k.replace('_', ' ')} {_plain(v)}" for k, v in item.items() if k != "kind"
            )
            out.append(f"{'Event' if section == 'events' else 'Policy'} — {kind}: {details}")
    return out or ["No events or policies: this is the baseline run itself."]


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in value.items()) + ")"
    return str(value)


def confidence_counts(dataset: Any) -> dict[str, int]:
    counts = {"high": 0, "medium": 0, "low": 0}
    for row in dataset.provenance_records():
        level = str(getattr(row.get("confidence"), "value", row.get("confidence")))
        if level in counts:
            counts[level] += 1
    return counts


def dataset_sources(dataset: Any) -> list[dict[str, Any]]:
    """Return every distinct source of the dataset's figures, most used first."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in dataset.provenance_records():
        key = (
            str(row.get("source") or ""),
            str(row.get("source_year") or ""),
            str(row.get("url") or ""),
        )
        entry = found.setdefault(
            key,
            {"source": key[0], "year": key[1], "url": key[2], "figures": 0, "confidence": set()},
        )
        entry["figures"] += 1
        entry["confidence"].add(str(getattr(row.get("confidence"), "value", row.get("confidence"))))
    out = sorted(found.values(), key=lambda e: (-e["figures"], e["source"]))
    for entry in out:
        entry["confidence"] = ", ".join(sorted(entry["confidence"]))
    return out
