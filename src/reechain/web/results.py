"""Stored runs for the Scenario page: cached tables, comparison figures, briefing files."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped]

from reechain.errors import ReechainError
from reechain.store.run_tables import RunTables, headline_losses
from reechain.web import figures
from reechain.web.context import Services
from reechain.web.formatting import fmt
from reechain.workflows.runs import load_run


def comparison(services: Services, run_ids: list[str], workspace: str) -> list[RunTables]:
    """Return the tables of each finished run in ``run_ids`` (cached: runs never change)."""
    cache = services.cache
    out = []
    for run_id in run_ids:
        key = (workspace, run_id)
        if key not in cache:
            try:
                cache[key] = load_run(services.store, run_id, workspace=workspace)
            except ReechainError:
                continue
        out.append(cache[key])
    return out


def _series(frame: pd.DataFrame, column: str) -> tuple[list[str], list[float]]:
    return frame["month"].astype(str).tolist(), frame[column].astype(float).tolist()


def compare_figures(
    services: Services,
    tables: list[RunTables],
    region: str | None,
    commodity: str | None,
    sector: str | None,
    workspace: str,
) -> tuple[list[dict[str, Any]], go.Figure, go.Figure, go.Figure, go.Figure]:
    """Return the KPI rows and the four charts comparing ``tables``' runs."""
    if not tables or not region or not commodity:
        blank = figures.empty("Run a scenario, or choose runs to compare")
        return [], blank, blank, blank, blank
    rows: list[dict[str, Any]] = []
    shortfall: dict[str, tuple[list[str], list[float]]] = {}
    price: dict[str, tuple[list[str], list[float]]] = {}
    output: dict[str, tuple[list[str], list[float]]] = {}
    lost_by_sector: dict[str, dict[str, float]] = {}
    base_price: tuple[list[str], list[float]] | None = None
    base_output: tuple[list[str], list[float]] | None = None
    for t in tables:
        mc = t.monthly_commodity
        sel = mc[(mc["region"] == region) & (mc["commodity"] == commodity)]
        shortfall[t.label] = _series(sel, "shortfall_t")
        price[t.label] = _series(sel, "price_usd_per_kg")
        if base_price is None and len(sel):
            p0 = _baseline_price(services, t.dataset, commodity, workspace)
            if p0 is not None:
                base_price = (sel["month"].astype(str).tolist(), [p0] * len(sel))
        ms = t.monthly_sector
        out = ms[(ms["region"] == region) & (ms["sector"] == sector)]
        output[t.label] = _series(out, "output_units")
        if base_output is None and len(out):
            base_output = _series(out, "baseline_output_units")
        ks = t.kpis_sector
        losses = headline_losses(ks, ms)
        lost_by_sector[t.label] = {
            str(k): float(v)
            for k, v in ks.groupby("sector")["cumulative_value_lost_usd"].sum().items()
        }
        kc = t.kpis_commodity
        one = kc[(kc["region"] == region) & (kc["commodity"] == commodity)]
        p_peak = float(one["peak_price_usd_per_kg"].max()) if len(one) else float("nan")
        p0 = _baseline_price(services, t.dataset, commodity, workspace)
        rows.append(
            {
                "run": t.label,
                "dataset": t.dataset,
                "value added lost (all sectors, all regions)": fmt(
                    losses.value_added_lost_usd, "USD"
                ),
                "gross output lost (all sectors, all regions)": fmt(
                    losses.gross_output_lost_usd, "USD"
                ),
                f"output lost in {region}": fmt(
                    float(ks.loc[ks["region"] == region, "cumulative_value_lost_usd"].sum()),
                    "USD",
                ),
                "job-months lost": fmt(losses.job_months),
                "peak jobs at risk (one month, all sectors)": fmt(losses.peak_jobs_at_risk),
                f"{commodity} shortfall in {region}": fmt(float(sel["shortfall_t"].sum()), "t"),
                f"{commodity} peak price in {region}": (
                    fmt(p_peak, "USD/kg") + (f" (×{p_peak / p0:.2f})" if p0 else "")
                ),
                "worst sector peak shortfall": (
                    fmt(float(ks["peak_shortfall_pct"].max()), "%") if len(ks) else "—"
                ),
            }
        )
    shown = _display_names(services, tables[0].dataset, workspace)
    c_name = shown.get(commodity, commodity)
    s_name = shown.get(str(sector), str(sector))
    shortfall_fig = figures.monthly_lines(
        shortfall,
        f"Shortfall of {c_name} in {region} against the baseline run",
        "t per month",
        baseline=(shortfall[tables[0].label][0], [0.0] * len(shortfall[tables[0].label][0])),
    )
    price_fig = figures.monthly_lines(
        price, f"Price of {c_name} in {region}", "USD/kg", baseline=base_price
    )
    output_fig = figures.monthly_lines(
        output,
        f"Output of {short(s_name, 70)} in {region}",
        "units per month",
        baseline=base_output,
    )
    totals: dict[str, float] = {}
    for per_sector in lost_by_sector.values():
        for name, value in per_sector.items():
            totals[name] = totals.get(name, 0.0) + value
    top = [s for s, v in sorted(totals.items(), key=lambda kv: -kv[1]) if v > 0][:10]
    lost_fig = (
        figures.bars(
            [short(shown.get(s, s), 45) for s in top],
            {label: [per.get(s, 0.0) / 1e6 for s in top] for label, per in lost_by_sector.items()},
            "Value of end-use output lost, by sector (all regions)",
            "million USD over the horizon",
        )
        if top
        else figures.empty("No end-use output lost in these runs")
    )
    return rows, shortfall_fig, price_fig, output_fig, lost_fig


def short(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` characters with an ellipsis (chart labels)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _display_names(services: Services, dataset: str, workspace: str) -> dict[str, str]:
    """Return the display name of each commodity and sector of ``dataset`` by code."""
    try:
        chain = services.chain(dataset, workspace)
    except ReechainError:
        return {}
    return {
        **dict(zip(chain.commodities, chain.commodity_names, strict=True)),
        **dict(zip(chain.sectors, chain.sector_names, strict=True)),
    }


def _baseline_price(
    services: Services, dataset: str, commodity: str, workspace: str
) -> float | None:
    """Return the baseline run's price of ``commodity`` (flat demand: the dataset's price)."""
    try:
        chain = services.chain(dataset, workspace)
        return float(chain.price_usd_per_kg[chain.commodity_index(commodity)])
    except ReechainError:
        return None


def report_bytes(services: Services, run_id: str, fmt: str, workspace: str) -> tuple[str, bytes]:
    """Return (file name, bytes) of the briefing of run ``run_id`` (a simulate, risk or
    optimize run) as ``fmt`` (html or pdf)."""
    from reechain.workflows.reports import briefing_file

    return briefing_file(services.store, run_id, fmt, workspace=workspace)
