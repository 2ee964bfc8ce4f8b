"""Plotly figures of the dashboard: world map, Sankey, monthly charts.

Every figure is built from plain records or metric results, so the pages stay thin. World
maps use the topojson shipped in ``assets/topojson`` (see :data:`GRAPH_CONFIG`): Plotly
would otherwise fetch it from the internet.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go  # type: ignore[import-untyped]

from reechain.chain import Chain
from reechain.metrics.concentration import Concentration
from reechain.web.flows import Link

TOPOJSON_URL = "/assets/topojson/"
GRAPH_CONFIG: dict[str, Any] = {
    "topojsonURL": TOPOJSON_URL,
    "displaylogo": False,
    "responsive": True,
}
"""The ``config`` of every dcc.Graph: local topojson, no Plotly logo."""
STAGE_COLORS = {
    "mine": "#8c6d31",
    "separate": "#3b75af",
    "metal": "#7f7f7f",
    "magnet": "#b2473e",
    "use": "#519e3e",
}
PALETTE = ("#3b75af", "#ef8636", "#519e3e", "#c53a32", "#8d69b8", "#84584e", "#d57dbf", "#7f7f7f")
LAYOUT: dict[str, Any] = {
    "margin": {"l": 50, "r": 20, "t": 40, "b": 40},
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
}


def share_map(result: Concentration, chain: Chain) -> go.Figure:
    """Return a world map of each country's share (%) of ``result``'s production.

    The colour scale is logarithmic (0.01 % to 100 %), so a producer with 1 % of world output
    is visibly coloured beside one with 90 %; countries that make none are grey. The chart's
    CSV export carries the real shares and quantities (``layout.meta.csv``).
    """
    names = dict(zip(chain.regions, chain.region_names, strict=True))
    kinds = dict(zip(chain.regions, chain.region_kinds, strict=True))
    codes = [r for r in result.regions if kinds.get(r) != "aggregate" and len(r) == 3]
    shares = {r: 100 * result.share_of(r) for r in codes}
    quantities = {r: float(result.production[result.regions.index(r)]) for r in codes}
    makers = sorted((r for r in codes if shares[r] > 0), key=lambda r: -shares[r])
    idle = [r for r in codes if shares[r] <= 0]
    low, high = log_range([shares[r] for r in makers])
    ticks = [t for t in range(low, high + 1)]
    fig = go.Figure()
    if idle:
        fig.add_trace(
            go.Choropleth(
                locations=idle,
                locationmode="ISO-3",
                z=[0] * len(idle),
                zmin=0,
                zmax=1,
                colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]],
                showscale=False,
                marker_line_color="white",
                marker_line_width=0.5,
                customdata=[names.get(r, r) for r in idle],
                hovertemplate="%{customdata} (%{location})<br>no output<extra></extra>",
                name="no output",
            )
        )
    fig.add_trace(
        go.Choropleth(
            locations=makers,
            locationmode="ISO-3",
            z=[math.log10(max(shares[r], 10.0**low)) for r in makers],
            zmin=low,
            zmax=high,
            colorscale="YlOrRd",
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar={
                "title": {"text": "share of world output (log scale)"},
                "thickness": 14,
                "tickvals": ticks,
                "ticktext": [_share_tick(t) for t in ticks],
            },
            customdata=[[names.get(r, r), shares[r], quantities[r]] for r in makers],
            hovertemplate=(
                "%{customdata[0]} (%{location})<br>%{customdata[1]:.2f} % of world output"
                f"<br>%{{customdata[2]:,.0f}} {result.unit}/yr<extra></extra>"
            ),
            name="share of world output",
        )
    )
    fig.update_layout(
        meta={
            "csv": {
                "columns": ["region", "name", "share_pct", f"production_{result.unit}_per_year"],
                "rows": [
                    [r, names.get(r, r), round(shares[r], 4), round(quantities[r], 3)]
                    for r in makers + idle
                ],
            }
        }
    )
    fig.update_geos(
        projection_type="natural earth",
        center_lon=0,
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#cccccc",
        landcolor="#f2f2f2",
        showland=True,
        resolution=110,
    )
    fig.update_layout(
        **{**LAYOUT, "margin": {"l": 0, "r": 0, "t": 40, "b": 0}},
        title=f"{result.commodity} · {result.stage} · {result.year}: share of world output",
        height=430,
    )
    return fig


def log_range(shares: Sequence[float]) -> tuple[int, int]:
    """Return the whole powers of ten (low, high) a log colour scale of ``shares`` (%) spans:
    from the smallest producer's decade (not below 0.01 %) to the largest's (at most 100 %).

    >>> log_range([99.4, 0.57]), log_range([40.0, 30.0]), log_range([])
    ((-1, 2), (1, 2), (-2, 2))
    """
    positive = [s for s in shares if s > 0]
    if not positive:
        return -2, 2
    low = max(-2, math.floor(math.log10(min(positive))))
    high = min(2, max(low + 1, math.ceil(math.log10(max(positive)))))
    return low, high


def _share_tick(power: int) -> str:
    value = 10.0**power
    return f"{value:g} %"


def sankey(links: Sequence[Link], chain: Chain, title: str, focus: Sequence[str] = ()) -> go.Figure:
    """Return a Sankey of ``links``; nodes are (stage, region) or (use, sector).

    Nodes of the ``focus`` regions are outlined, and the bands into and out of them drawn
    in the accent colour (the rest grey), so one country's path through the chain stands out.
    """
    focused = set(focus)
    order = {stage: i for i, stage in enumerate(chain.stages)}
    nodes = sorted(
        {n for link in links for n in (link.source, link.target)},
        key=lambda n: (order.get(n[0], 99), n[1]),
    )
    index = {n: i for i, n in enumerate(nodes)}
    merged: dict[tuple[int, int], list[Link]] = {}
    for link in links:
        merged.setdefault((index[link.source], index[link.target]), []).append(link)
    sources, targets, values, labels, custom, colors = [], [], [], [], [], []
    for (s, t), group in merged.items():
        touches = bool(focused & {nodes[s][1], *(g.importer for g in group)})
        colors.append("rgba(178,71,62,0.55)" if touches else "rgba(120,120,120,0.25)")
        sources.append(s)
        targets.append(t)
        values.append(sum(g.quantity_per_year for g in group))
        detail = "<br>".join(
            f"{g.commodity}: {g.quantity_per_year:,.0f} {g.unit}/yr"
            for g in sorted(group, key=lambda g: -g.quantity_per_year)[:6]
        )
        labels.append(detail)
        custom.append(f"{nodes[s][0]}|{nodes[s][1]}|{nodes[t][0]}|{nodes[t][1]}")
    positions = sorted({order.get(n[0], 99) for n in nodes})
    column = {p: i for i, p in enumerate(positions)}
    xs = [0.01 + 0.98 * column[order.get(n[0], 99)] / max(len(positions) - 1, 1) for n in nodes]
    ys = _node_heights(nodes, sources, targets, values, order)
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            node={
                "label": [f"{stage} · {name}" for stage, name in nodes],
                "color": [STAGE_COLORS.get(stage, "#999999") for stage, _ in nodes],
                "x": xs,
                "y": ys,
                "pad": 8,
                "thickness": 14,
                "customdata": [f"{stage}|{name}" for stage, name in nodes],
                "line": {
                    "color": ["#1d1d1d" if n in focused else "white" for _, n in nodes],
                    "width": 1.5 if focused else 0.5,
                },
                "hovertemplate": "%{label}<br>%{value:,.0f} t/yr<extra></extra>",
            },
            link={
                "source": sources,
                "target": targets,
                "value": values,
                "customdata": custom,
                "label": labels,
                "color": colors,
                "hovertemplate": "%{source.label} → %{target.label}<br>%{label}<extra></extra>",
            },
        )
    )
    fig.update_layout(**LAYOUT, title=title, height=620)
    return fig


def _node_heights(
    nodes: list[tuple[str, str]],
    sources: list[int],
    targets: list[int],
    values: list[float],
    order: dict[str, int],
) -> list[float]:
    """Return each node's vertical centre (0 top, 1 bottom): stacked by throughput per column."""
    through = [0.0] * len(nodes)
    inflow = [0.0] * len(nodes)
    for s, t, v in zip(sources, targets, values, strict=True):
        through[s] += v
        inflow[t] += v
    size = [max(a, b) for a, b in zip(through, inflow, strict=True)]
    ys = [0.5] * len(nodes)
    for stage in {n[0] for n in nodes}:
        members = sorted((i for i, n in enumerate(nodes) if n[0] == stage), key=lambda i: -size[i])
        total = sum(size[i] for i in members) or 1.0
        gap = 0.15 / max(len(members), 1)
        used = 0.0
        for i in members:
            share = size[i] / total * 0.83
            ys[i] = min(0.99, 0.01 + used + share / 2)
            used += share + gap
    del order
    return ys


def monthly_lines(
    series: Mapping[str, tuple[Sequence[str], Sequence[float]]],
    title: str,
    y_title: str,
    baseline: tuple[Sequence[str], Sequence[float]] | None = None,
) -> go.Figure:
    """Return a line chart of named monthly series, with a dashed baseline when given."""
    fig = go.Figure()
    if baseline is not None:
        fig.add_trace(
            go.Scatter(
                x=list(baseline[0]),
                y=list(baseline[1]),
                name="baseline run",
                mode="lines",
                line={"dash": "dash", "color": "#444444"},
            )
        )
    for i, (name, (months, values)) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=list(months),
                y=list(values),
                name=name,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    fig.update_layout(
        **LAYOUT,
        title=title,
        xaxis_title="month",
        yaxis_title=y_title,
        height=360,
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


def bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    title: str,
    x_title: str,
) -> go.Figure:
    """Return horizontal grouped bars: one bar per (category, series)."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Bar(
                y=list(categories),
                x=list(values),
                name=name,
                orientation="h",
                marker_color=PALETTE[i % len(PALETTE)],
            )
        )
    fig.update_layout(
        **LAYOUT,
        title=title,
        xaxis_title=x_title,
        barmode="group",
        height=max(260, 40 + 28 * len(categories) * max(len(series), 1)),
        yaxis={"autorange": "reversed"},
    )
    return fig


def empty(message: str) -> go.Figure:
    """Return a blank figure that says ``message``."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15})
    fig.update_layout(**LAYOUT, xaxis={"visible": False}, yaxis={"visible": False}, height=300)
    return fig


def histogram(values: Any, title: str, x_title: str) -> go.Figure:
    """Return a histogram of per-history values (a count per bin)."""
    fig = go.Figure(go.Histogram(x=list(values), nbinsx=40, marker_color=PALETTE[0]))
    fig.update_layout(
        **LAYOUT, title=title, xaxis_title=x_title, yaxis_title="histories", height=340
    )
    return fig


def exceedance(curves: Mapping[str, Any], title: str, x_title: str) -> go.Figure:
    """Return exceedance curves: P(loss > x) against x, one line per named sample."""
    fig = go.Figure()
    for i, (name, values) in enumerate(curves.items()):
        ordered = sorted((float(v) for v in values), reverse=True)
        n = len(ordered)
        fig.add_trace(
            go.Scatter(
                x=ordered,
                y=[(k + 1) / n for k in range(n)],
                mode="lines",
                line={
                    "shape": "hv",
                    "color": PALETTE[i % len(PALETTE)],
                    "width": 3 if name == "world" else 1.5,
                },
                name=name,
            )
        )
    fig.update_layout(
        **LAYOUT,
        title=title,
        xaxis_title=x_title,
        yaxis={"title": "probability of exceeding", "type": "log"},
        height=380,
    )
    return fig


def frontier(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Return the cost–resilience frontier: first-stage cost against expected loss."""
    ordered = sorted(rows, key=lambda r: float(r["first_stage_cost_usd"]))
    fig = go.Figure(
        go.Scatter(
            x=[float(r["first_stage_cost_usd"]) / 1e9 for r in ordered],
            y=[float(r["expected_loss_usd"]) / 1e9 for r in ordered],
            mode="lines+markers",
            marker={"size": 9, "color": PALETTE[3]},
            text=[f"{r['limit']}<br>{r['chosen']}" for r in ordered],
            hovertemplate="%{text}<extra></extra>",
            name="frontier",
        )
    )
    fig.update_layout(
        **LAYOUT,
        title="Cost–resilience frontier",
        xaxis_title="cost of the portfolio (billion USD)",
        yaxis_title="expected loss (billion USD)",
        height=380,
    )
    return fig


def portfolio_map(chosen: Sequence[Mapping[str, Any]], chain: Chain) -> go.Figure:
    """Return a world map of the chosen interventions' capital cost by country."""
    by_place: dict[str, list[Mapping[str, Any]]] = {}
    for row in chosen:
        place = str(row.get("place") or "")
        if len(place) == 3 and place != "ROW":
            by_place.setdefault(place, []).append(row)
    if not by_place:
        return empty("No chosen intervention has a place")
    names = dict(zip(chain.regions, chain.region_names, strict=True))
    codes = sorted(by_place)
    capex = [sum(float(r.get("capex_usd") or 0) for r in by_place[c]) / 1e6 for c in codes]
    fig = go.Figure(
        go.Choropleth(
            locations=codes,
            locationmode="ISO-3",
            z=capex,
            colorscale="Blues",
            colorbar={"title": {"text": "capex, USD m"}, "thickness": 14},
            text=[
                f"{names.get(c, c)}<br>" + "<br>".join(str(r["candidate"]) for r in by_place[c])
                for c in codes
            ],
            hovertemplate="%{text}<br>%{z:,.0f} million USD<extra></extra>",
        )
    )
    fig.update_geos(
        projection_type="natural earth",
        center_lon=0,
        showframe=False,
        showcountries=True,
        countrycolor="#cccccc",
        landcolor="#f2f2f2",
        showland=True,
        resolution=110,
    )
    fig.update_layout(
        **{**LAYOUT, "margin": {"l": 0, "r": 0, "t": 40, "b": 0}},
        title="Where the chosen portfolio invests",
        height=400,
    )
    return fig


def portfolio_timeline(chosen: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Return when each chosen intervention starts delivering (first year)."""
    rows = sorted((r for r in chosen if r.get("first_year")), key=lambda r: int(r["first_year"]))
    if not rows:
        return empty("No chosen intervention has a first year")
    last = max(int(r["first_year"]) for r in rows) + 3
    fig = go.Figure(
        go.Bar(
            y=[str(r["candidate"]) for r in rows],
            x=[last - int(r["first_year"]) for r in rows],
            base=[int(r["first_year"]) for r in rows],
            orientation="h",
            marker_color=[STAGE_COLORS.get(str(r.get("stage")), PALETTE[0]) for r in rows],
            text=[f"{r.get('kind')} · {r.get('partner')}" for r in rows],
            hovertemplate="%{y}: from %{base}<br>%{text}<extra></extra>",
        )
    )
    fig.update_layout(
        **LAYOUT,
        title="When each chosen intervention delivers",
        xaxis_title="year",
        height=max(260, 60 + 26 * len(rows)),
        yaxis={"autorange": "reversed"},
    )
    return fig
