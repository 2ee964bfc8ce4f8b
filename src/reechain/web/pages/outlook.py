"""Outlook: supply to 2035, the top producer's share per pipeline case, with the range."""

from __future__ import annotations

from typing import Any

import dash
import plotly.graph_objects as go  # type: ignore[import-untyped]
from dash import Input, Output, html

from reechain.store import User
from reechain.web import figures
from reechain.web.auth import request_user
from reechain.web.context import services
from reechain.web.pages import Page
from reechain.web.ui import aria, dropdown, field, graph, table
from reechain.workflows import outlook as wo

STAGES = ("mine", "separate", "metal", "magnet")
DRAWS = 40
"""Drawn futures behind the page's expected range (the CLI and API use 100)."""
COLUMNS = (
    "case",
    "year",
    "top1_region",
    "top1_share",
    "top1_share_p10",
    "top1_share_p90",
    "top3_share",
    "hhi",
    "demand_per_year",
    "supply_per_year",
    "pipeline_supply_per_year",
    "gap_per_year",
)
CASE_COLORS = {"operating-only": "#7f7f7f", "announced": "#3b75af", "expected": "#c53a32"}


def layout(user: User | None) -> html.Div:
    """Return the page: dataset and stage, the top-1 share per case, the outlook table."""
    workspace = user.workspace if user else "default"
    datasets = services().dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    return html.Div(
        [
            html.H1("Outlook"),
            html.P(
                "Supply to 2035: how concentrated each stage will be if no new project comes "
                "(operating-only), if every announced project comes on time (announced), or "
                "as projects usually do by their stage of development (expected, with the "
                "10-90 % range of drawn futures). Demand follows the stated-policies path.",
                className="lead",
            ),
            html.Div(
                [
                    field("Dataset", dropdown("outlook-dataset", datasets, dataset)),
                    field("Stage", dropdown("outlook-stage", list(STAGES), "separate")),
                ],
                className="controls",
                role="group",
                **aria(label="Outlook options"),
            ),
            graph("outlook-graph", "Top producer's share of the stage, 2025 to 2035, per case"),
            html.Section(
                [html.H2("Outlook table"), html.Div(id="outlook-table")],
                className="card",
                **aria(live="polite"),
            ),
        ]
    )


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""

    @app.callback(
        Output("outlook-graph", "figure"),
        Output("outlook-table", "children"),
        Input("outlook-dataset", "value"),
        Input("outlook-stage", "value"),
    )
    def _draw(dataset: str, stage: str) -> tuple[Any, Any]:
        user = request_user()
        rows = wo.supply_outlook(
            dataset,
            stage=stage,
            draws=DRAWS,
            store=services().store,
            workspace=user.workspace if user else "default",
        )
        if not rows:
            return figures.empty(f"Nothing made at {stage} in {dataset}"), ""
        shown = [{k: _rounded(r.get(k)) for k in COLUMNS} for r in rows]
        return _figure(rows, stage), table("outlook-rows", shown, COLUMNS)


def _rounded(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def _figure(rows: list[dict[str, Any]], stage: str) -> go.Figure:
    fig = go.Figure()
    for case in wo.CASES:
        points = sorted((r for r in rows if r["case"] == case), key=lambda r: r["year"])
        years = [r["year"] for r in points]
        if case == "expected" and points and "top1_share_p10" in points[0]:
            fig.add_trace(
                go.Scatter(
                    x=years + years[::-1],
                    y=[r["top1_share_p90"] for r in points]
                    + [r["top1_share_p10"] for r in points][::-1],
                    fill="toself",
                    fillcolor="rgba(197, 58, 50, 0.15)",
                    line={"width": 0},
                    name="expected, 10-90 %",
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=years,
                y=[r["top1_share"] for r in points],
                mode="lines+markers",
                name=case,
                line={"color": CASE_COLORS[case]},
                text=[r["top1_region"] for r in points],
            )
        )
    fig.update_layout(
        **figures.LAYOUT,
        title=f"Top producer's share of {stage}, by pipeline case",
        yaxis={"title": "share", "tickformat": ".0%", "rangemode": "tozero"},
        xaxis={"title": "year", "dtick": 1},
    )
    return fig


PAGE = Page("outlook", "/outlook", "Outlook", layout, register)
