"""Partnership: the optimiser — warnings first, the frontier, the chosen portfolio with what it
costs on a map and a timeline, the engine's check in and out of sample with intervals, the
engine loop, and the bill split between partners.

Runs go through ``reechain.workflows.optimize`` (the ``optimize`` kind of run) in the
server's job runner, with the same parameters ``optimize_partnership`` records; the page
polls their progress and reads the stored result tables.
"""

from __future__ import annotations

import json
from importlib.util import find_spec
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from reechain.errors import ReechainError
from reechain.store import Store, User
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
from reechain.web.ui import dropdown, field, graph, number, table, unavailable

MODULE = "reechain.workflows.optimize"
KIND = "optimize"


def available() -> bool:
    """Return whether the optimisation workflows are installed."""
    return find_spec(MODULE) is not None


def layout(user: User | None) -> html.Div:
    """Return the page: optimiser settings with progress, then the chosen run's results."""
    if not available():
        return unavailable(
            "Partnership",
            "Portfolio optimisation for a partnership (the cost–resilience frontier, the "
            "chosen portfolio on a map and a timeline, partners' cost shares) is not part of "
            "this build.",
            MODULE,
        )
    from reechain.optimize.partnership import bundled_partnerships

    workspace = user.workspace if user else "default"
    runs = done_runs(services().store, KIND, workspace)
    names = list(bundled_partnerships())
    return html.Div(
        [
            html.H1("Partnership"),
            html.P(
                "Which stockpiles, allied projects, recycling and substitution give a "
                "partnership the most resilience per dollar, and how the partners share the "
                "bill (Shapley value).",
                className="lead",
            ),
            html.Section(
                [
                    html.H2("Set up"),
                    html.Div(
                        [
                            field(
                                "Partnership",
                                dropdown("opt-partnership", names, names[0] if names else None),
                            ),
                            field(
                                "Sampled disruptions",
                                number("opt-scenarios", 8, low=1, high=500),
                            ),
                            field(
                                "Out-of-sample histories",
                                number("opt-oos", 8, low=0, high=2000),
                            ),
                            field(
                                "Budget (USD, empty: the partnership's)",
                                number("opt-budget", None, low=0),
                            ),
                        ],
                        className="form-grid",
                    ),
                    dcc.Checklist(
                        id="opt-options",
                        options=[
                            {"label": " trace the cost–resilience frontier", "value": "frontier"},
                            {
                                "label": " split the bill between partners (Shapley)",
                                "value": "shares",
                            },
                            {
                                "label": " allow side payments (negative bills)",
                                "value": "side_payments",
                            },
                        ],
                        value=["frontier", "shares"],
                    ),
                    *run_controls("opt", "Run optimiser", user),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Results"),
                    field(
                        "Optimiser run",
                        dropdown("opt-choice", runs, runs[0]["value"] if runs else None),
                    ),
                    html.Div(id="opt-warnings"),
                    html.Div(id="opt-focus"),
                    html.Div(id="opt-summary"),
                    html.Div(id="opt-check"),
                    graph("opt-frontier", "Cost–resilience frontier"),
                    graph("opt-map", "Chosen portfolio on a map"),
                    graph("opt-timeline", "Chosen portfolio over time"),
                    html.Div(id="opt-portfolio"),
                    graph("opt-shares", "The bill split between partners"),
                    html.Div(id="opt-bill"),
                    html.Div(id="opt-loop"),
                    briefing_controls("opt"),
                ],
                className="card",
            ),
        ]
    )


def _tables(store: Store, run_id: str, workspace: str) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name in store.result_names(run_id, workspace=workspace):
        media, payload = store.get_result(run_id, name, workspace=workspace)
        if media == "application/json":
            out[name] = json.loads(payload)
    return out


def _params(
    name: str, scenarios: int, oos: int, budget: float | None, options: list[str]
) -> tuple[str, str, int, dict[str, Any]]:
    """Return (dataset, partnership name, seed, run params) as optimize_partnership records."""
    from pathlib import Path

    from reechain.optimize.partnership import parse_partnership
    from reechain.workflows.optimize import partnership_source

    file, text = partnership_source(name)
    partnership = parse_partnership(text, file)
    params = {
        "partnership": partnership.name,
        "partnership_yaml": text,
        "horizon_years": partnership.horizon_years,
        "scenarios": scenarios,
        "out_of_sample": oos,
        "budget_usd": budget,
        "frontier": "frontier" in options,
        "shares": "shares" in options,
        "side_payments": "side_payments" in options,
        "gap_histories": 0,
        "candidates_file": "default"
        if partnership.candidates == "default"
        else str(Path(file).parent / partnership.candidates),
    }
    return partnership.dataset, partnership.name, partnership.seed, params


FOCUS_COLUMNS = (
    "partner",
    "bill_usd",
    "bill_share",
    "avoided_loss_usd",
    "net_benefit_usd",
    "standalone_cost_usd",
    "standalone_net_benefit_usd",
)


def focus_part(run_id: str | None, focus: str | None) -> Any:
    """The header's focus country's (or group's members') part of the chosen run's bill:
    what it pays, what it avoids losing, and its standalone alternative; or a line saying
    it is not a partner of that run."""
    if not run_id or not focus:
        return None
    user = request_user()
    workspace = user.workspace if user else "default"
    store = services().store
    bill = _tables(store, run_id, workspace).get("bill", [])
    if not bill:
        return None
    chain = services().chain(store.get_run(run_id, workspace=workspace).dataset, workspace)
    places = chain.groups.get(focus, (focus,))
    label = chain.region_names[chain.regions.index(focus)] if focus in chain.regions else focus
    mine = [r for r in bill if r.get("partner") in places]
    if not mine:
        return html.P(f"{label} is not a partner in this run.", className="note")
    return table(
        "opt-focus-table",
        mine,
        FOCUS_COLUMNS,
        caption=f"{label} in this partnership: its bill, the loss it avoids, and going alone",
    )


def register(app: dash.Dash) -> None:
    """Add the page's callbacks to ``app``."""
    if not available():
        return

    @app.callback(
        Output("opt-active", "data"),
        Output("opt-problems", "children"),
        Output("opt-poll", "disabled"),
        Input("opt-run", "n_clicks"),
        State("opt-partnership", "value"),
        State("opt-scenarios", "value"),
        State("opt-oos", "value"),
        State("opt-budget", "value"),
        State("opt-options", "value"),
        prevent_initial_call=True,
    )
    def _start(
        clicks: int | None, name: str, scenarios: Any, oos: Any, budget: Any, options: list[str]
    ) -> tuple[Any, Any, bool]:
        if not clicks:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        if not can_run(user):
            return None, alert(["Starting a run needs the analyst role."]), True
        assert user is not None
        try:
            n, m = int(scenarios), int(oos)
            cap = None if budget in (None, "") else float(budget)
        except (TypeError, ValueError):
            return None, alert(["Disruptions and histories must be whole numbers."]), True
        if n < 1 or m < 0 or (cap is not None and cap < 0):
            return (
                None,
                alert(["Use at least 1 disruption, 0 or more histories, a budget ≥ 0."]),
                True,
            )
        found = services()
        try:
            import reechain.workflows.optimize  # noqa: F401  (registers the kind of run)
            from reechain.workflows import jobs

            dataset, partnership, seed, params = _params(name, n, m, cap, options or [])
            run_id = jobs.start(
                found.store,
                KIND,
                dataset,
                scenario=partnership,
                params=params,
                seed=seed,
                workspace=user.workspace,
            )
        except ReechainError as exc:
            return None, alert([str(exc)]), True
        found.runner.submit(run_id)
        return run_id, None, False

    register_run_poll(app, "opt", KIND)

    register_briefing(app, "opt", "opt-choice")

    app.callback(
        Output("opt-focus", "children"),
        Input("opt-choice", "value"),
        Input(FOCUS, "value"),
    )(focus_part)

    @app.callback(
        Output("opt-warnings", "children"),
        Output("opt-summary", "children"),
        Output("opt-check", "children"),
        Output("opt-frontier", "figure"),
        Output("opt-map", "figure"),
        Output("opt-timeline", "figure"),
        Output("opt-shares", "figure"),
        Output("opt-portfolio", "children"),
        Output("opt-bill", "children"),
        Output("opt-loop", "children"),
        Input("opt-choice", "value"),
    )
    def _show(run_id: str | None) -> tuple[Any, ...]:
        blank = figures.empty("Run the optimiser, or choose a finished run")
        if not run_id:
            return None, None, None, blank, blank, blank, blank, None, None, None
        user = request_user()
        workspace = user.workspace if user else "default"
        tables = _tables(services().store, run_id, workspace)
        chain_name = services().store.get_run(run_id, workspace=workspace).dataset
        chain = services().chain(chain_name, workspace)
        chosen = [r for r in tables.get("portfolio", []) if r.get("chosen")]
        summary = table(
            "opt-summary-table",
            [r for r in tables.get("summary", []) if r.get("quantity") != "warning"],
            caption="The chosen portfolio in numbers",
        )
        frontier = tables.get("frontier", [])
        frontier_fig = (
            figures.frontier(frontier)
            if frontier
            else figures.empty("No frontier in this run (tick 'trace the frontier')")
        )
        map_fig = figures.portfolio_map(chosen, chain)
        timeline_fig = figures.portfolio_timeline(chosen)
        bill = tables.get("bill", [])
        bill_fig = (
            figures.bars(
                [str(r["partner"]) for r in bill],
                {
                    "bill": [float(r["bill_usd"]) / 1e9 for r in bill],
                    "avoided loss": [float(r["avoided_loss_usd"]) / 1e9 for r in bill],
                    "net benefit": [float(r["net_benefit_usd"]) / 1e9 for r in bill],
                    "standalone cost": [float(r["standalone_cost_usd"]) / 1e9 for r in bill],
                },
                "The bill split: what each partner pays and gets",
                "billion USD",
            )
            if bill
            else figures.empty("No bill split in this run")
        )
        portfolio = table(
            "opt-portfolio-table",
            chosen,
            (
                "candidate",
                "kind",
                "place",
                "partner",
                "size_t",
                "capex_discounted_usd",
                "purchase_usd",
                "running_usd",
                "bill_usd",
                "first_year",
                "chance_of_success",
                "confidence",
            ),
            caption=f"Chosen interventions ({len(chosen)}) and what each costs (USD, discounted)",
        )
        bill_table = (
            table(
                "opt-bill-table",
                bill,
                (
                    "partner",
                    "bill_usd",
                    "bill_share",
                    "avoided_loss_usd",
                    "net_benefit_usd",
                    "standalone_cost_usd",
                    "standalone_net_benefit_usd",
                    "rule",
                ),
                caption="Who pays: bill, avoided loss, net benefit and the standalone alternative",
            )
            if bill
            else None
        )
        check = tables.get("out_of_sample", [])
        check_table = (
            table(
                "opt-check-table",
                check,
                (
                    "evaluation",
                    "histories",
                    "expected_loss_usd",
                    "expected_loss_low_usd",
                    "expected_loss_high_usd",
                    "p95_lost_output_usd",
                ),
                caption="In sample against out of sample: expected loss with its 95 % interval",
            )
            if check
            else html.P("No out-of-sample check in this run.", id="opt-check-none")
        )
        loop = tables.get("engine_loop", [])
        loop_table = (
            table(
                "opt-loop-table",
                loop,
                (
                    "iteration",
                    "surrogate_expected_loss_usd",
                    "engine_expected_loss_usd",
                    "relative_gap",
                    "first_stage_cost_usd",
                ),
                caption="The engine in the loop: optimiser against engine, each iteration",
            )
            if loop
            else None
        )
        warnings = [str(r["warning"]) for r in tables.get("warnings", [])]
        warning_box = (
            html.Div(
                [
                    html.P("Warning", className="error", role="alert"),
                    html.Ul([html.Li(w) for w in warnings]),
                ],
                id="opt-warning",
                className="card",
            )
            if warnings
            else None
        )
        return (
            warning_box,
            summary,
            check_table,
            frontier_fig,
            map_fig,
            timeline_fig,
            bill_fig,
            portfolio,
            bill_table,
            loop_table,
        )


PAGE = Page("partnership", "/partnership", "Partnership", layout, register)
