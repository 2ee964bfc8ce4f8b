"""Overview: where a commodity is made (world map) and how exposed a region is (cards)."""

from __future__ import annotations

from typing import Any

import dash
import numpy as np
from dash import Input, Output, html

from reechain.chain import Chain
from reechain.errors import ReechainError
from reechain.metrics.concentration import chain_concentration
from reechain.metrics.exposure import chain_exposure
from reechain.metrics.reliance import chain_reliance
from reechain.store import User
from reechain.web import figures
from reechain.web.auth import request_user
from reechain.web.context import services
from reechain.web.pages import Page
from reechain.web.ui import aria, card, dropdown, field, graph, pct

DEFAULTS = {"stage": "separate", "commodity": "Dy2O3", "region": "JPN"}


def layout(user: User | None) -> html.Div:
    """Return the page: controls, map and cards (filled by the callback)."""
    workspace = user.workspace if user else "default"
    found = services()
    datasets = found.dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    chain = found.chain(dataset, workspace)
    stage = DEFAULTS["stage"] if DEFAULTS["stage"] in chain.stages else chain.stages[0]
    return html.Div(
        [
            html.H1("Overview"),
            html.P(
                "Where each commodity is made, how concentrated that is, and how much a "
                "region relies on others for it — baseline year of the chosen dataset.",
                className="lead",
            ),
            html.Div(
                [
                    field("Dataset", dropdown("overview-dataset", datasets, dataset)),
                    field("Stage", dropdown("overview-stage", list(chain.stages[:-1]), stage)),
                    field("Commodity", dropdown("overview-commodity", [], None)),
                    field("Region", dropdown("overview-region", [], None)),
                ],
                className="controls",
                role="group",
                **aria(label="Overview options"),
            ),
            html.Div(
                id="overview-cards",
                className="cards",
                role="region",
                **aria(live="polite", label="Key numbers"),
            ),
            graph("overview-map", "World map of production shares"),
            html.P(id="overview-note", className="note"),
        ]
    )


def _options(chain: Chain, stage: str) -> list[dict[str, str]]:
    s = chain.stage_index(stage)
    return [
        {"label": f"{code} — {name}", "value": code}
        for code, name, cs in zip(
            chain.commodities, chain.commodity_names, chain.commodity_stage, strict=True
        )
        if int(cs) == s and chain.production[:, chain.commodity_index(code)].sum() > 0
    ]


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""

    @app.callback(
        Output("overview-commodity", "options"),
        Output("overview-commodity", "value"),
        Output("overview-region", "options"),
        Output("overview-region", "value"),
        Input("overview-dataset", "value"),
        Input("overview-stage", "value"),
        dash.State("overview-commodity", "value"),
        dash.State("overview-region", "value"),
    )
    def _choices(
        dataset: str, stage: str, commodity: str | None, region: str | None
    ) -> tuple[Any, ...]:
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        options = _options(chain, stage)
        values = [o["value"] for o in options]
        if commodity not in values:
            commodity = DEFAULTS["commodity"] if DEFAULTS["commodity"] in values else values[0]
        regions = [
            {"label": f"{code} — {name}", "value": code}
            for code, name in zip(chain.regions, chain.region_names, strict=True)
        ] + [{"label": f"{g} (group)", "value": g} for g in chain.groups]
        if region not in chain.regions and region not in chain.groups:
            region = DEFAULTS["region"] if DEFAULTS["region"] in chain.regions else chain.regions[0]
        return options, commodity, regions, region

    @app.callback(
        Output("overview-map", "figure"),
        Output("overview-cards", "children"),
        Output("overview-note", "children"),
        Input("overview-dataset", "value"),
        Input("overview-commodity", "value"),
        Input("overview-region", "value"),
    )
    def _show(dataset: str, commodity: str | None, region: str | None) -> tuple[Any, ...]:
        if not commodity or not region:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        (conc,) = chain_concentration(chain, commodity)
        fig = figures.share_map(conc, chain)
        cards = [
            card(
                "HHI (concentration)",
                f"{conc.hhi:,.0f}",
                f"0–10,000; above 2,500 is highly concentrated. Top producer "
                f"{conc.top1_region} with {pct(conc.top1_share)}.",
                card_id="card-hhi",
            ),
            _reliance_card(chain, region, commodity),
            _exposure_card(chain, region, commodity),
        ]
        rest = [
            r
            for r, k in zip(chain.regions, chain.region_kinds, strict=True)
            if k == "aggregate" and conc.share_of(r) > 0
        ]
        note = (
            f"World output {conc.total:,.0f} {conc.unit}/yr in {conc.year}. "
            + (
                f"Not on the map: {', '.join(rest)} (rest of world, "
                f"{pct(conc.aggregate_share)} of output). "
                if rest
                else ""
            )
            + "Every figure's source is on the Data page."
        )
        return fig, cards, note


def _reliance_card(chain: Chain, region: str, commodity: str) -> html.Section:
    try:
        found = chain_reliance(chain, region, commodity)
    except ReechainError as exc:
        return card(f"Import reliance of {region}", "—", str(exc), card_id="card-reliance")
    if not found:
        return card(
            f"Import reliance of {region}",
            "—",
            f"{region} neither makes, imports nor uses {commodity}.",
            card_id="card-reliance",
        )
    r = found[0]
    return card(
        f"Net import reliance of {region}",
        pct(max(r.net_import_reliance, 0.0)),
        f"Production {r.production:,.0f}, imports {r.imports:,.0f}, exports "
        f"{r.exports:,.0f} {r.unit}/yr; {pct(r.supplier_share)} of its supply comes from "
        f"{r.supplier or 'the main supplier'}.",
        card_id="card-reliance",
    )


def _exposure_card(chain: Chain, region: str, commodity: str) -> html.Section:
    title = f"True-origin exposure of {region}"
    try:
        exposure = chain_exposure(chain, region, commodity)
    except ReechainError as exc:
        return card(title, "—", str(exc), card_id="card-exposure")
    home = set(np.flatnonzero(chain.region_mask(region)))
    rows = []
    worst, worst_at = 0.0, ""
    for s, stage in enumerate(exposure.stages):
        if exposure.stage_totals[s] <= 0:
            continue
        shares = exposure.stage_shares[s]
        top = int(shares.argmax())
        foreign = [r for r in np.argsort(-shares) if int(r) not in home and shares[r] > 0]
        if foreign and float(shares[foreign[0]]) > worst:
            worst = float(shares[foreign[0]])
            worst_at = f"{exposure.regions[int(foreign[0])]} at the {stage} stage"
        rows.append(html.Li(f"{stage}: {pct(float(shares[top]))} from {exposure.regions[top]}"))
    return card(
        title,
        pct(worst),
        [
            html.Span(
                f"largest share of its {commodity} supply traced to one other country"
                + (f" ({worst_at})" if worst_at else "")
                + "; top origin at each stage:"
            ),
            html.Ul(rows),
        ],
        card_id="card-exposure",
    )


PAGE = Page("overview", "/", "Overview", layout, register)
