"""Overview: how exposed the focus country is, and where a commodity is made (world map).

The page opens on what matters for the focus country: the true origin of an element (Dy by
default) in its end products, stage by stage — through imported metal and magnets too — so
a country that buys little oxide directly does not read as safe. The direct import reliance
for one commodity follows, labelled as such.
"""

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
from reechain.web.flows import ALL, families, in_family
from reechain.web.focus import FOCUS, members, valid
from reechain.web.pages import Page
from reechain.web.ui import aria, card, dropdown, field, fmt, graph, pct, table

DEFAULTS = {"stage": "separate", "commodity": "Dy2O3", "family": "Dy"}


def layout(user: User | None) -> html.Div:
    """Return the page: controls, map and cards (filled by the callback)."""
    workspace = user.workspace if user else "default"
    found = services()
    datasets = found.dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    chain = found.chain(dataset, workspace)
    stage = DEFAULTS["stage"] if DEFAULTS["stage"] in chain.stages else chain.stages[0]
    elements = [f for f in families(chain) if f != ALL]
    family = DEFAULTS["family"] if DEFAULTS["family"] in elements else elements[0]
    return html.Div(
        [
            html.H1("Overview"),
            html.P(
                "Where the focus country's rare earths really come from — traced through "
                "every stage, including what arrives inside imported metal and magnets — "
                "then where each commodity is made and how concentrated that is. Baseline "
                "year of the chosen dataset; choose the country at the top of the page.",
                className="lead",
            ),
            html.Div(
                [
                    field("Dataset", dropdown("overview-dataset", datasets, dataset)),
                    field(
                        "Element",
                        dropdown(
                            "overview-family",
                            [{"label": f, "value": f} for f in elements],
                            family,
                        ),
                        "Traced through the focus country's end products.",
                    ),
                    field("Stage", dropdown("overview-stage", list(chain.stages[:-1]), stage)),
                    field("Commodity", dropdown("overview-commodity", [], None)),
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
            html.Div(id="overview-origin"),
            graph("overview-map", "World map of production shares"),
            html.P(id="overview-note", className="note"),
        ]
    )


def _options(chain: Chain, stage: str) -> list[dict[str, str]]:
    s = chain.stage_index(stage)
    return [
        {"label": f"{name} ({code})", "value": code}
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
        Input("overview-dataset", "value"),
        Input("overview-stage", "value"),
        dash.State("overview-commodity", "value"),
    )
    def _choices(dataset: str, stage: str, commodity: str | None) -> tuple[Any, ...]:
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        options = _options(chain, stage)
        values = [o["value"] for o in options]
        if commodity not in values:
            commodity = DEFAULTS["commodity"] if DEFAULTS["commodity"] in values else values[0]
        return options, commodity

    @app.callback(
        Output("overview-map", "figure"),
        Output("overview-cards", "children"),
        Output("overview-note", "children"),
        Output("overview-origin", "children"),
        Input("overview-dataset", "value"),
        Input("overview-commodity", "value"),
        Input(FOCUS, "value"),
        Input("overview-family", "value"),
    )
    def _show(
        dataset: str, commodity: str | None, focus: str | None, family: str | None
    ) -> tuple[Any, ...]:
        if not commodity:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        chain = services().chain(dataset, user.workspace if user else "default")
        region = valid(chain, focus)
        (conc,) = chain_concentration(chain, commodity)
        fig = figures.share_map(conc, chain)
        origin_card, origin_table = _origin(chain, region, family or DEFAULTS["family"])
        cards = [
            origin_card,
            card(
                f"Concentration of {commodity} output (HHI)",
                fmt(conc.hhi),
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
            f"World output of {commodity} {fmt(conc.total, conc.unit + '/yr')} in {conc.year}. "
            + (
                f"Not on the map: {', '.join(rest)} (rest of world, "
                f"{pct(conc.aggregate_share)} of output). "
                if rest
                else ""
            )
            + "Every figure's source is on the Data page."
        )
        return fig, cards, note, origin_table


def _origin(chain: Chain, region: str, family: str) -> tuple[html.Section, Any]:
    """Return the true-origin card and table of ``family`` in ``region``'s end use."""
    title = f"True origin of the {family} in {region}'s end products"
    try:
        exposure = chain_exposure(chain, region)
    except ReechainError as exc:
        return card(title, "—", str(exc), card_id="card-origin"), None
    home = set(members(chain, region))
    wanted = set(family.split())
    rows: list[dict[str, Any]] = []
    worst: tuple[float, str, str, str] = (0.0, "", "", "")
    for s, stage in enumerate(chain.stages[:-1]):
        picked = [
            c
            for c in in_family(chain, family)
            if int(chain.commodity_stage[c]) == s
            and (set(chain.commodity_elements[c].split()) <= wanted or stage == "magnet")
        ]
        content = exposure.content[picked].sum(axis=0) if picked else np.zeros(1)
        total = float(content.sum())
        if total <= 0:
            continue
        order = [int(r) for r in np.argsort(-content) if content[int(r)] > 0]
        foreign = [r for r in order if chain.regions[r] not in home]
        made_home = sum(float(content[r]) for r in order if chain.regions[r] in home) / total
        top = foreign[0] if foreign else None
        top_share = float(content[top]) / total if top is not None else 0.0
        names = ", ".join(chain.commodities[c] for c in picked if exposure.content[c].sum() > 0)
        unit = chain.commodity_units[picked[0]]
        if top is not None and top_share > worst[0]:
            worst = (top_share, chain.regions[top], stage, names)
        rows.append(
            {
                "stage": stage,
                "commodities": names,
                "embodied_per_year": fmt(total, unit.replace("_", " ") + "/yr"),
                "share_made_at_home": made_home,
                "largest_foreign_origin": chain.regions[top] if top is not None else "—",
                "its_share_of_the_stage": top_share,
            }
        )
    if not rows:
        return card(
            title, "—", f"{region}'s end products use no {family}.", card_id="card-origin"
        ), None
    share, origin, stage, names = worst
    detail = (
        f"of the {family} in {region}'s end products was made in {origin} at the {stage} "
        f"stage ({names}), counting what arrives inside imported metal and magnets — the "
        f"exposure direct import shares hide."
        if origin
        else f"{region} makes all the {family} its end products use."
    )
    shown = table(
        "overview-origin-table",
        rows,
        caption=f"Where the {family} in {region}'s end products was made, stage by stage "
        "(true origin: proportional sourcing through trade and recipes)",
    )
    return card(title, pct(share), detail, card_id="card-origin"), shown


def _reliance_card(chain: Chain, region: str, commodity: str) -> html.Section:
    try:
        found = chain_reliance(chain, region, commodity)
    except ReechainError as exc:
        return card(
            f"Direct import reliance of {region}, {commodity} only",
            "—",
            str(exc),
            card_id="card-reliance",
        )
    if not found:
        return card(
            f"Direct import reliance of {region}, {commodity} only",
            "—",
            f"{region} neither makes, imports nor uses {commodity}.",
            card_id="card-reliance",
        )
    r = found[0]
    unit = f"{r.unit}/yr".replace("_", " ")
    return card(
        f"Direct import reliance of {region}, {commodity} only",
        pct(max(r.net_import_reliance, 0.0)),
        f"Production {fmt(r.production, unit)}, imports {fmt(r.imports, unit)}, exports "
        f"{fmt(r.exports, unit)}; {pct(r.supplier_share)} of its supply comes from "
        f"{r.supplier or 'the main supplier'}. Counts trade in this one commodity only: "
        "material bought inside metal and magnets is in the true origin above.",
        card_id="card-reliance",
    )


def _exposure_card(chain: Chain, region: str, commodity: str) -> html.Section:
    title = f"True-origin exposure of {region}'s {commodity} supply"
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
