"""Scenario: pick or edit a scenario, run it with progress, compare runs against baseline."""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc, html

from reechain import workflows
from reechain.errors import ReechainError
from reechain.scenario import ScenarioError
from reechain.store import User
from reechain.web import scenarios
from reechain.web.auth import can_run, request_user
from reechain.web.context import services
from reechain.web.focus import FOCUS
from reechain.web.pages import Page
from reechain.web.results import compare_figures, comparison, report_bytes
from reechain.web.ui import aria, download, dropdown, field, graph, table

POLL_MS = 500


def layout(user: User | None) -> html.Div:
    """Return the page: scenario form, run controls, charts and the comparison."""
    workspace = user.workspace if user else "default"
    store = services().store
    options = scenarios.scenario_choices(store, workspace)
    chosen = scenarios.default_scenario()
    runs = scenarios.done_runs(store, workspace)
    allowed = can_run(user)
    return html.Div(
        [
            html.H1("Scenario"),
            html.P(
                "Run a disruption (and the policies that answer it) month by month against "
                "the baseline run, and compare scenarios.",
                className="lead",
            ),
            html.Section(
                [
                    html.H2("Set up"),
                    field("Scenario", dropdown("scn-choice", options, chosen)),
                    html.Div(id="scn-form", className="form-grid"),
                    html.Details(
                        [
                            html.Summary("Edit the scenario file (YAML)"),
                            field(
                                "Scenario YAML",
                                dcc.Textarea(id="scn-yaml", value="", rows=14, spellCheck=False),
                                "Fields above override the same fields here.",
                            ),
                        ]
                    ),
                    html.Div(
                        [
                            html.Button(
                                "Run scenario",
                                id="scn-run",
                                type="button",
                                disabled=not allowed,
                                className="primary",
                            ),
                            html.Span(
                                "" if allowed else "Viewers can look at runs but not start them.",
                                className="hint",
                                id="scn-run-note",
                            ),
                        ],
                        className="buttons",
                    ),
                    html.Div(
                        [
                            html.Label("Run progress", htmlFor="scn-progress"),
                            html.Progress(id="scn-progress", value="0", max="1"),
                            html.Span(id="scn-status", role="status"),
                        ],
                        className="progress",
                    ),
                    html.Div(id="scn-problems", **aria(live="polite")),
                    dcc.Store(id="scn-active"),
                    dcc.Interval(id="scn-poll", interval=POLL_MS, disabled=True),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Results and comparison"),
                    html.Div(
                        [
                            field(
                                "Runs to compare",
                                dropdown(
                                    "scn-compare",
                                    runs,
                                    scenarios.default_comparison(store, workspace, chosen),
                                    multi=True,
                                    clearable=True,
                                ),
                            ),
                            field("Region", dropdown("scn-region", [], None)),
                            field("Commodity", dropdown("scn-commodity", [], None)),
                            field("End-use sector", dropdown("scn-sector", [], None)),
                        ],
                        className="controls",
                        role="group",
                        **aria(label="What to chart"),
                    ),
                    html.Div(id="scn-kpis"),
                    graph("scn-shortfall", "Monthly shortfall against the baseline run"),
                    graph("scn-price", "Monthly price against the baseline run"),
                    graph("scn-output", "Monthly end-use output against the baseline run"),
                    graph("scn-lost", "Value of output lost by sector"),
                    html.Div(
                        [
                            field(
                                "Briefing format",
                                dropdown(
                                    "scn-report-format",
                                    [
                                        {"label": "PDF", "value": "pdf"},
                                        {"label": "HTML", "value": "html"},
                                    ],
                                    "pdf",
                                ),
                            ),
                            html.Button(
                                "Download briefing of the first run",
                                id="scn-report",
                                type="button",
                            ),
                            dcc.Download(id="scn-report-file"),
                            html.Span(id="scn-report-status", role="status"),
                        ],
                        className="buttons",
                    ),
                ],
                className="card",
            ),
        ]
    )


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""

    @app.callback(
        Output("scn-yaml", "value"),
        Output("scn-form", "children"),
        Input("scn-choice", "value"),
    )
    def _load(name: str | None) -> tuple[str, Any]:
        if not name:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        workspace = user.workspace if user else "default"
        _, text = workflows.scenario_source(name, services().store, workspace=workspace)
        inputs = []
        for path, label, value in scenarios.editable_fields(text):
            control_id = {"type": "scn-param", "path": path}
            numeric = isinstance(value, int | float)
            inputs.append(
                html.Div(
                    [
                        html.Label(
                            label,
                            htmlFor=json.dumps(control_id, sort_keys=True, separators=(",", ":")),
                        ),
                        dcc.Input(
                            id=control_id,
                            type="number" if numeric else "text",
                            value=value,
                            debounce=True,
                            step="any" if numeric else None,
                        ),
                    ],
                    className="field",
                )
            )
        return text, inputs

    @app.callback(
        Output("scn-active", "data"),
        Output("scn-problems", "children"),
        Output("scn-poll", "disabled"),
        Input("scn-run", "n_clicks"),
        State("scn-yaml", "value"),
        State("scn-choice", "value"),
        State({"type": "scn-param", "path": ALL}, "value"),
        State({"type": "scn-param", "path": ALL}, "id"),
        prevent_initial_call=True,
    )
    def _run(
        clicks: int | None, text: str, base: str, values: list[Any], ids: list[dict[str, str]]
    ) -> tuple[Any, Any, bool]:
        if not clicks:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        if not can_run(user):
            return None, _alert(["Starting a run needs the analyst role."]), True
        assert user is not None
        try:
            edited, _ = scenarios.apply_fields(
                text or "", {i["path"]: v for i, v in zip(ids, values, strict=True)}
            )
            run_id = scenarios.start_run(services(), edited, base, user.workspace)
        except ScenarioError as exc:
            return None, _alert([str(p) for p in exc.problems]), True
        except ReechainError as exc:
            return None, _alert([str(exc)]), True
        return run_id, None, False

    @app.callback(
        Output("scn-progress", "value"),
        Output("scn-status", "children"),
        Output("scn-poll", "disabled", allow_duplicate=True),
        Output("scn-compare", "options"),
        Output("scn-compare", "value"),
        Input("scn-poll", "n_intervals"),
        Input("scn-active", "data"),
        State("scn-compare", "value"),
        prevent_initial_call=True,
    )
    def _poll(_n: int | None, run_id: str | None, selected: list[str] | None) -> tuple[Any, ...]:
        if not run_id:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        workspace = user.workspace if user else "default"
        store = services().store
        run = store.get_run(run_id, workspace=workspace)
        if run.status in ("pending", "running"):
            fraction = max(run.progress, 0.05 if run.status == "running" else 0.0)
            text = f"{run.scenario}: {run.status} ({100 * fraction:.0f} %)"
            return str(fraction), text, False, dash.no_update, dash.no_update
        options = scenarios.done_runs(store, workspace)
        if run.status != "done":
            return "0", f"{run.scenario}: {run.status}: {run.error}", True, options, selected
        chosen = [*(selected or []), run_id]
        return "1", f"{run.scenario}: done (run {run_id[:8]})", True, options, chosen

    @app.callback(
        Output("scn-region", "options"),
        Output("scn-region", "value"),
        Output("scn-commodity", "options"),
        Output("scn-commodity", "value"),
        Output("scn-sector", "options"),
        Output("scn-sector", "value"),
        Input("scn-compare", "value"),
        Input(FOCUS, "value"),
        State("scn-region", "value"),
        State("scn-commodity", "value"),
        State("scn-sector", "value"),
    )
    def _choices(
        selected: list[str] | None,
        focus: str | None,
        region: str | None,
        commodity: str | None,
        sector: str | None,
    ) -> tuple[Any, ...]:
        user = request_user()
        workspace = user.workspace if user else "default"
        tables = comparison(services(), selected or [], workspace)
        if not tables:
            return [], None, [], None, [], None
        first = tables[0]
        regions = sorted(first.monthly_commodity["region"].unique())
        commodities = sorted(first.monthly_commodity["commodity"].unique())
        sectors = sorted(first.monthly_sector["sector"].unique())
        ks, kc = first.kpis_sector, first.kpis_commodity
        if focus in regions and (dash.ctx.triggered_id == FOCUS or region not in regions):
            region = focus
        if region not in regions:
            lost = ks.groupby("region")["cumulative_value_lost_usd"].sum().sort_values()
            region = (
                str(lost.index[-1])
                if len(lost) and lost.iloc[-1] > 0
                else ("JPN" if "JPN" in regions else regions[0])
            )
        if commodity not in commodities:
            mine = kc[kc["region"] == region].sort_values(
                ["peak_shortfall_pct", "cumulative_shortfall_t"], ascending=False
            )
            commodity = str(mine.iloc[0]["commodity"]) if len(mine) else commodities[0]
        if sector not in sectors:
            mine = ks[ks["region"] == region].sort_values(
                "cumulative_value_lost_usd", ascending=False
            )
            sector = str(mine.iloc[0]["sector"]) if len(mine) else sectors[0]
        chain = services().chain(first.dataset, workspace)
        return (
            named(regions, chain.regions, chain.region_names),
            region,
            named(commodities, chain.commodities, chain.commodity_names),
            commodity,
            named(sectors, chain.sectors, chain.sector_names),
            sector,
        )

    @app.callback(
        Output("scn-kpis", "children"),
        Output("scn-shortfall", "figure"),
        Output("scn-price", "figure"),
        Output("scn-output", "figure"),
        Output("scn-lost", "figure"),
        Input("scn-compare", "value"),
        Input("scn-region", "value"),
        Input("scn-commodity", "value"),
        Input("scn-sector", "value"),
    )
    def _charts(
        selected: list[str] | None, region: str | None, commodity: str | None, sector: str | None
    ) -> tuple[Any, ...]:
        user = request_user()
        tables = comparison(services(), selected or [], user.workspace if user else "default")
        rows, shortfall, price, output, lost = compare_figures(
            services(), tables, region, commodity, sector, user.workspace if user else "default"
        )
        kpis = table("scn-kpi-table", rows, caption="Runs compared") if rows else None
        return kpis, shortfall, price, output, lost

    @app.callback(
        Output("scn-report-file", "data"),
        Output("scn-report-status", "children"),
        Input("scn-report", "n_clicks"),
        State("scn-compare", "value"),
        State("scn-report-format", "value"),
        prevent_initial_call=True,
    )
    def _report(_clicks: int, selected: list[str] | None, fmt: str) -> tuple[Any, str]:
        if not selected:
            return dash.no_update, "Choose a run to brief on first."
        user = request_user()
        name, payload = report_bytes(
            services(), selected[0], fmt, user.workspace if user else "default"
        )
        return download(payload, name), f"Briefing {name} ready."


def named(codes: list[str], known: tuple[str, ...], names: tuple[str, ...]) -> list[Any]:
    """Return dropdown options that show each code's display name: ``Japan (JPN)``."""
    found = dict(zip(known, names, strict=True))
    return [
        {"label": f"{found[c]} ({c})" if found.get(c) and found[c] != c else c, "value": c}
        for c in codes
    ]


def _alert(messages: list[str]) -> html.Div:
    return html.Div(
        [
            html.P("The scenario was not run:", className="error", role="alert"),
            html.Ul([html.Li(m) for m in messages], id="scn-problem-list"),
        ]
    )


PAGE = Page("scenario", "/scenario", "Scenario", layout, register)
