"""Risk: Monte Carlo disruption histories — distributions, exceedance curves, attribution.

Runs go through ``reechain.workflows.risk`` (the ``risk`` kind of run) in the server's job
runner; the page polls their progress (one step per finished chunk). Results are read from
the stored run: the summary tables and the per-history figures.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from typing import Any

import dash
import numpy as np
from dash import Input, Output, State, dcc, html

from reechain import workflows
from reechain.errors import ReechainError
from reechain.store import Store, User
from reechain.units import usd
from reechain.web import figures
from reechain.web.auth import can_run, request_user
from reechain.web.context import services
from reechain.web.focus import FOCUS
from reechain.web.jobs_ui import (
    alert,
    briefing_controls,
    done_runs,
    register_briefing,
    register_run_poll,
    run_controls,
)
from reechain.web.pages import Page
from reechain.web.ui import card, dropdown, field, fmt, graph, number, table, unavailable

MODULE = "reechain.workflows.risk"
KIND = "risk"


def available() -> bool:
    """Return whether the risk workflows are installed."""
    return find_spec(MODULE) is not None


def _scenarios() -> list[dict[str, str]]:
    return [
        {"label": f"{r['title']} ({r['name']}, {r['dataset']})", "value": str(r["name"])}
        for r in workflows.list_scenarios(None)
    ]


def layout(user: User | None) -> html.Div:
    """Return the page: run settings with progress, then the chosen run's results."""
    if not available():
        return unavailable(
            "Risk",
            "Monte Carlo risk runs (distributions of losses, exceedance curves, attribution) "
            "are not part of this build.",
            MODULE,
        )
    import reechain.workflows.risk  # noqa: F401  (registers the ``risk`` kind of run)

    workspace = user.workspace if user else "default"
    runs = done_runs(services().store, KIND, workspace)
    return html.Div(
        [
            html.H1("Risk"),
            html.P(
                "Many disruption histories drawn from calibrated event models on top of a "
                "scenario: how likely and how bad losses are, and what drives them.",
                className="lead",
            ),
            html.Section(
                [
                    html.H2("Set up"),
                    html.Div(
                        [
                            field(
                                "Base scenario", dropdown("risk-scenario", _scenarios(), "baseline")
                            ),
                            field(
                                "Histories",
                                number("risk-runs", 200, low=1, high=100_000),
                            ),
                            field("Seed", number("risk-seed", 1, low=0)),
                            field(
                                "Horizon (months)",
                                number("risk-horizon", 60, low=1, high=600),
                            ),
                        ],
                        className="form-grid",
                    ),
                    dcc.Checklist(
                        id="risk-sample",
                        options=[
                            {
                                "label": " also sample low-confidence inputs within their "
                                "bounds (shows which assumptions drive the tail)",
                                "value": "sample",
                            }
                        ],
                        value=[],
                    ),
                    *run_controls("risk", "Run risk analysis", user),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Results"),
                    field(
                        "Risk run",
                        dropdown("risk-choice", runs, runs[0]["value"] if runs else None),
                    ),
                    html.Div(id="risk-cards", className="cards"),
                    html.P(id="risk-precision", className="note"),
                    html.Div(id="risk-regions"),
                    graph("risk-distribution", "Distribution of value lost"),
                    graph("risk-exceedance", "Exceedance curves"),
                    graph("risk-attribution", "Attribution of tail losses"),
                    html.Div(id="risk-sensitivity"),
                    briefing_controls("risk"),
                    html.Div(
                        [
                            html.Button(
                                "Download risk tables (JSON)", id="risk-download-btn", type="button"
                            ),
                            dcc.Download(id="risk-download"),
                        ],
                        className="buttons",
                    ),
                ],
                className="card",
            ),
        ]
    )


def _tables(store: Store, run_id: str, workspace: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in store.result_names(run_id, workspace=workspace):
        media, payload = store.get_result(run_id, name, workspace=workspace)
        if media == "application/json":
            out[name] = json.loads(payload)
        elif name == "figures.npz":
            from reechain.risk import ChunkSummary

            out[name] = ChunkSummary.from_bytes(payload)
    return out


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""
    if not available():
        return

    @app.callback(
        Output("risk-active", "data"),
        Output("risk-problems", "children"),
        Output("risk-poll", "disabled"),
        Input("risk-run", "n_clicks"),
        State("risk-scenario", "value"),
        State("risk-runs", "value"),
        State("risk-seed", "value"),
        State("risk-horizon", "value"),
        State("risk-sample", "value"),
        prevent_initial_call=True,
    )
    def _start(
        clicks: int | None, scenario: str, runs: Any, seed: Any, horizon: Any, sample: list[str]
    ) -> tuple[Any, Any, bool]:
        if not clicks:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        if not can_run(user):
            return None, alert(["Starting a run needs the analyst role."]), True
        assert user is not None
        try:
            numbers = [int(runs), int(seed), int(horizon)]
        except (TypeError, ValueError):
            return None, alert(["Histories, seed and horizon must be whole numbers."]), True
        if numbers[0] < 1 or numbers[2] < 1 or numbers[1] < 0:
            return None, alert(["Histories and horizon must be at least 1, seed 0 or more."]), True
        found = services()
        try:
            base = workflows.validate_scenario(scenario, found.store, workspace=user.workspace)
            from reechain.workflows import jobs

            run_id = jobs.start(
                found.store,
                KIND,
                base.dataset,
                scenario=scenario,
                params={
                    "runs": numbers[0],
                    "seed": numbers[1],
                    "horizon_months": numbers[2],
                    "sample_inputs": "sample" in (sample or []),
                },
                seed=numbers[1],
                workspace=user.workspace,
            )
        except ReechainError as exc:
            return None, alert([str(exc)]), True
        found.runner.submit(run_id)
        return run_id, None, False

    register_run_poll(app, "risk", KIND)

    @app.callback(
        Output("risk-cards", "children"),
        Output("risk-precision", "children"),
        Output("risk-distribution", "figure"),
        Output("risk-exceedance", "figure"),
        Output("risk-attribution", "figure"),
        Output("risk-sensitivity", "children"),
        Output("risk-regions", "children"),
        Input("risk-choice", "value"),
        Input(FOCUS, "value"),
    )
    def _show(run_id: str | None, focus: str | None) -> tuple[Any, ...]:
        blank = figures.empty("Run a risk analysis, or choose a finished run")
        if not run_id:
            return [], "", blank, blank, blank, None, None
        user = request_user()
        workspace = user.workspace if user else "default"
        found = services()
        tables = _tables(found.store, run_id, workspace)
        run = found.store.get_run(run_id, workspace=workspace)
        chain = found.chain(run.dataset, workspace)
        places = chain.groups.get(str(focus), (str(focus),)) if focus else ()
        names = dict(zip(chain.regions, chain.region_names, strict=True))
        cards, *rest = _results(tables, run.scenario, tuple(places))
        dist = tables.get("distribution", [])
        return (
            [*cards, *_focus_cards(dist, str(focus or ""), tuple(places))],
            *rest,
            _by_region(dist, tuple(places), names),
        )

    register_briefing(app, "risk", "risk-choice")

    @app.callback(
        Output("risk-download", "data"),
        Input("risk-download-btn", "n_clicks"),
        State("risk-choice", "value"),
        prevent_initial_call=True,
    )
    def _download(_clicks: int, run_id: str | None) -> Any:
        if not run_id:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        tables = _tables(services().store, run_id, user.workspace if user else "default")
        tables.pop("figures.npz", None)
        from reechain.web.ui import download

        return download(json.dumps(tables, indent=1), f"risk-{run_id[:8]}.json")


def _results(
    tables: dict[str, Any], scenario: str, places: tuple[str, ...] = ()
) -> tuple[Any, ...]:
    dist = tables.get("distribution", [])
    world = next(
        (
            r
            for r in dist
            if r["dimension"] == "world" and r["measure"] == "cumulative_value_lost_usd"
        ),
        None,
    )
    cards = []
    if world:
        cards = [
            card(
                "Expected value lost",
                usd(world["mean"]),
                f"mean over {world['n']} histories on top of {scenario}",
                card_id="risk-mean",
            ),
            card(
                "1-in-20 loss (P95)",
                usd(world["p95"]),
                f"expected shortfall beyond it: {usd(world['es95'])}",
                card_id="risk-p95",
            ),
            card(
                "1-in-100 loss (P99)",
                usd(world["p99"]),
                f"median (P50) {usd(world['p50'])}; expected shortfall beyond P99: "
                f"{usd(world['es99'])}",
                card_id="risk-p99",
            ),
            card(
                "Chance of any loss",
                f"{100 * world['prob_positive']:.0f} %",
                "share of histories with some end-use output lost",
                card_id="risk-prob",
            ),
        ]
    precision = " ".join(str(r.get("warning") or "") for r in tables.get("precision", []))
    summary = tables.get("figures.npz")
    if summary is not None:
        by_region = np.asarray(summary.value_region_year).sum(axis=1)  # (K, R)
        total = by_region.sum(axis=1)
        dist_fig = figures.histogram(
            total / 1e9, "World value lost over the horizon", "billion USD"
        )
        regions = [
            str(r["key"])
            for r in dist
            if r["dimension"] == "region" and r["measure"] == "cumulative_value_lost_usd"
        ]
        means = {
            str(r["key"]): float(r["mean"])
            for r in dist
            if r["dimension"] == "region" and r["measure"] == "cumulative_value_lost_usd"
        }
        shown = [p for p in places if p in regions]  # the focus country's curve first
        top = (
            shown
            + sorted((r for r in regions if r not in shown), key=lambda k: -means.get(k, 0.0))[
                : max(5 - len(shown), 2)
            ]
        )
        curves = {"world": total / 1e9}
        for name in top:
            i = regions.index(name)
            if i < by_region.shape[1] and means.get(name, 0.0) > 0:
                curves[name] = by_region[:, i] / 1e9
        exc_fig = figures.exceedance(curves, "Chance that losses exceed a level", "billion USD")
    else:
        dist_fig = exc_fig = figures.empty("This run has no per-history figures")
    attribution = [r for r in tables.get("attribution", []) if r.get("basis") == "tail_p95"]
    attribution = attribution or tables.get("attribution", [])
    if attribution:
        labels = [f"{r['dimension'].replace('_', ' ')}: {r['key']}" for r in attribution]
        att_fig = figures.bars(
            labels,
            {"share of tail losses": [100 * r["share"] for r in attribution]},
            "What the worst 5 % of histories are made of",
            "%",
        )
    else:
        att_fig = figures.empty("No losses to attribute")
    sens = tables.get("sensitivity", [])
    sensitivity = (
        table("risk-sensitivity-table", sens[:15], caption="Inputs that move the tail most")
        if sens
        else None
    )
    return cards, precision, dist_fig, exc_fig, att_fig, sensitivity


LOSS = "cumulative_value_lost_usd"


def _focus_cards(
    dist: list[dict[str, Any]], focus: str, places: tuple[str, ...]
) -> list[html.Section]:
    """Return the focus country's (or group's) card: its P50, P95 and P99 loss."""
    rows = [r for r in dist if r["dimension"] == "region" and r["measure"] == LOSS]
    mine = [r for r in rows if r["key"] in places]
    if not focus:
        return []
    if not mine:
        return [
            card(
                f"Value lost in {focus}",
                "—",
                f"{focus} has no end-use output in this run.",
                card_id="risk-focus",
            )
        ]
    if len(mine) == 1:
        r = mine[0]
        return [
            card(
                f"Value lost in {focus}: P50 / P95 / P99",
                f"{usd(r['p50'])} / {usd(r['p95'])} / {usd(r['p99'])}",
                f"mean {usd(r['mean'])}; chance of any loss {fmt(r['prob_positive'], 'share')}",
                card_id="risk-focus",
            )
        ]
    return [
        card(
            f"Value lost in {focus} (members' sum of means)",
            usd(sum(float(r["mean"]) for r in mine)),
            "per-member P50 / P95 / P99 in the table below; percentiles do not add up",
            card_id="risk-focus",
        )
    ]


def _by_region(dist: list[dict[str, Any]], places: tuple[str, ...], names: dict[str, str]) -> Any:
    """Return the table of loss percentiles by region, the focus country's rows first."""
    rows = [r for r in dist if r["dimension"] == "region" and r["measure"] == LOSS]
    if not rows:
        return None
    rows.sort(key=lambda r: (r["key"] not in places, -float(r["mean"])))
    shown = [
        {
            "region": f"{names.get(str(r['key']), r['key'])} ({r['key']})"
            + (" ◀ focus" if r["key"] in places else ""),
            "mean_usd": r["mean"],
            "p50_usd": r["p50"],
            "p95_usd": r["p95"],
            "p99_usd": r["p99"],
            "loss_probability": r["prob_positive"],
        }
        for r in rows
    ]
    return table(
        "risk-regions-table",
        shown,
        caption="Value of end-use output lost over the horizon, by region: mean and "
        "percentiles across histories (P99: the 1-in-100 history)",
    )


PAGE = Page("risk", "/risk", "Risk", layout, register)
