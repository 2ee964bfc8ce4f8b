"""Chain: a Sankey from mine to end use for an element family; click for the sources."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, html

from reechain.store import User
from reechain.web import figures
from reechain.web.auth import request_user
from reechain.web.context import services
from reechain.web.flows import ALL, chain_links, families
from reechain.web.focus import FOCUS, members
from reechain.web.pages import Page
from reechain.web.provenance import link_rows, node_rows
from reechain.web.ui import aria, dropdown, field, graph, table

COLUMNS = (
    "figure",
    "capacity_per_year",
    "activity_per_year",
    "quantity_per_year",
    "output_per_year",
    "unit",
    "owner",
    "status",
    "source",
    "source_year",
    "confidence",
    "method",
    "url",
)


def layout(user: User | None) -> html.Div:
    """Return the page: dataset and family choice, the Sankey, the figures of a selection."""
    workspace = user.workspace if user else "default"
    found = services()
    datasets = found.dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    chain = found.chain(dataset, workspace)
    options = [{"label": "all rare earths" if f == ALL else f, "value": f} for f in families(chain)]
    return html.Div(
        [
            html.H1("Chain"),
            html.P(
                "From mine to end use: each band is a flow of material from the region that "
                "made it to the region (or end-use sector) that used it, per year. Click a "
                "node or a band — or pick it from the list — to see its figures and sources.",
                className="lead",
            ),
            html.Div(
                [
                    field("Dataset", dropdown("chain-dataset", datasets, dataset)),
                    field(
                        "Element",
                        dropdown("chain-family", options, "Dy" if "Dy" in families(chain) else ALL),
                        "For one element, concentrate and magnets count their content of it.",
                    ),
                    field("Show figures for", dropdown("chain-pick", [], None, clearable=True)),
                ],
                className="controls",
                role="group",
                **aria(label="Chain options"),
            ),
            graph("chain-sankey", "Sankey diagram of material flows"),
            html.Section(
                [
                    html.H2("Figures and provenance", id="chain-detail-title"),
                    html.P(
                        "Select a node or a band to see the dataset rows behind it.",
                        id="chain-detail-help",
                    ),
                    html.Div(id="chain-detail"),
                ],
                className="card",
                **aria(live="polite"),
            ),
        ]
    )


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""

    @app.callback(
        Output("chain-sankey", "figure"),
        Output("chain-pick", "options"),
        Input("chain-dataset", "value"),
        Input("chain-family", "value"),
        Input(FOCUS, "value"),
    )
    def _draw(dataset: str, family: str, focus: str | None) -> tuple[Any, Any]:
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        links = chain_links(chain, family or ALL)
        if not links:
            return figures.empty(f"No flows of {family} in {dataset}"), []
        label = "all rare earths" if family == ALL else family
        places = members(chain, focus)
        fig = figures.sankey(
            links,
            chain,
            f"{label} · {chain.dataset} {chain.year} · t/yr"
            + (f" · flows of {focus} in colour" if places else ""),
            focus=places,
        )
        nodes = sorted({n for link in links for n in (link.source, link.target)})
        options = [{"label": f"{s} · {n}", "value": f"{s}|{n}"} for s, n in nodes]
        return fig, options

    @app.callback(
        Output("chain-detail", "children"),
        Output("chain-detail-title", "children"),
        Input("chain-sankey", "clickData"),
        Input("chain-pick", "value"),
        State("chain-dataset", "value"),
        State("chain-family", "value"),
    )
    def _detail(click: Any, picked: str | None, dataset: str, family: str) -> tuple[Any, str]:
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        trigger = dash.ctx.triggered_id
        key = picked if trigger == "chain-pick" else _clicked(click)
        if not key:
            raise dash.exceptions.PreventUpdate
        parts = key.split("|")
        if len(parts) == 4:
            source, target = (parts[0], parts[1]), (parts[2], parts[3])
            rows = link_rows(chain, family or ALL, source, target)
            title = f"Figures behind {source[0]} · {source[1]} → {target[0]} · {target[1]}"
        else:
            rows = node_rows(chain, parts[0], parts[1])
            title = f"Figures behind {parts[0]} · {parts[1]}"
        shown = [c for c in COLUMNS if any(r.get(c) not in (None, "") for r in rows)]
        return table("chain-detail-table", rows, shown), f"{title} ({len(rows)} rows)"


def _clicked(click: Any) -> str | None:
    if not click or not click.get("points"):
        return None
    point = click["points"][0]
    custom = point.get("customdata")
    if isinstance(custom, str):
        return custom
    label = point.get("label")
    if isinstance(label, str) and " · " in label:
        stage, name = label.split(" · ", 1)
        return f"{stage}|{name}"
    return None


PAGE = Page("chain", "/chain", "Chain", layout, register)
