"""Shared pieces of pages that start background runs: progress widgets and polling."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from reechain.store import RunInfo, Store, User
from reechain.web.auth import can_run
from reechain.web.ui import aria

POLL_MS = 500


def run_controls(prefix: str, label: str, user: User | None) -> list[Any]:
    """Return the run button (disabled for viewers), progress bar, status and poller."""
    allowed = can_run(user)
    return [
        html.Div(
            [
                html.Button(
                    label,
                    id=f"{prefix}-run",
                    type="button",
                    disabled=not allowed,
                    className="primary",
                ),
                html.Span(
                    "" if allowed else "Viewers can look at runs but not start them.",
                    className="hint",
                    id=f"{prefix}-run-note",
                ),
            ],
            className="buttons",
        ),
        html.Div(
            [
                html.Label("Run progress", htmlFor=f"{prefix}-progress"),
                html.Progress(id=f"{prefix}-progress", value="0", max="1"),
                html.Span(id=f"{prefix}-status", role="status"),
            ],
            className="progress",
        ),
        html.Div(id=f"{prefix}-problems", **aria(live="polite")),
        dcc.Store(id=f"{prefix}-active"),
        dcc.Interval(id=f"{prefix}-poll", interval=POLL_MS, disabled=True),
    ]


def progress_of(run: RunInfo) -> tuple[str, str, bool]:
    """Return (progress value, status text, whether polling should stop) of ``run``."""
    if run.status in ("pending", "running"):
        fraction = max(run.progress, 0.02 if run.status == "running" else 0.0)
        return str(fraction), f"{run.scenario}: {run.status} ({100 * fraction:.0f} %)", False
    if run.status == "done":
        return "1", f"{run.scenario}: done (run {run.id[:8]})", True
    return "0", f"{run.scenario}: {run.status}: {run.error}", True


def done_runs(store: Store, kind: str, workspace: str) -> list[dict[str, str]]:
    """Return the finished runs of ``kind`` as dropdown options, newest first."""
    return [
        {
            "label": f"{r.scenario} · {r.dataset} · {r.created_at:%Y-%m-%d %H:%M} · {r.id[:8]}",
            "value": r.id,
        }
        for r in store.list_runs(kind, 200, workspace=workspace)
        if r.status == "done"
    ]


def alert(messages: list[str], what: str = "The run was not started:") -> html.Div:
    """Return an inline alert listing ``messages``."""
    return html.Div(
        [html.P(what, className="error", role="alert"), html.Ul([html.Li(m) for m in messages])]
    )


def briefing_controls(prefix: str) -> html.Div:
    """Return the briefing download controls: format, button, download, status."""
    from reechain.web.ui import dropdown, field

    return html.Div(
        [
            field(
                "Briefing format",
                dropdown(
                    f"{prefix}-report-format",
                    [{"label": "PDF", "value": "pdf"}, {"label": "HTML", "value": "html"}],
                    "pdf",
                ),
            ),
            html.Button("Download briefing", id=f"{prefix}-report", type="button"),
            dcc.Download(id=f"{prefix}-report-file"),
            html.Span(id=f"{prefix}-report-status", role="status"),
        ],
        className="buttons",
    )


def register_briefing(app: Any, prefix: str, run_choice: str) -> None:
    """Add the callback that sends the briefing of the run chosen in ``run_choice``."""
    from dash import Input, Output, State
    from dash import no_update as unchanged

    from reechain.web.auth import request_user
    from reechain.web.context import services
    from reechain.web.results import report_bytes
    from reechain.web.ui import download

    @app.callback(  # type: ignore[untyped-decorator]
        Output(f"{prefix}-report-file", "data"),
        Output(f"{prefix}-report-status", "children"),
        Input(f"{prefix}-report", "n_clicks"),
        State(run_choice, "value"),
        State(f"{prefix}-report-format", "value"),
        prevent_initial_call=True,
    )
    def _report(_clicks: int, run_id: str | None, fmt: str) -> tuple[Any, str]:
        if not run_id:
            return unchanged, "Choose a finished run first."
        user = request_user()
        name, payload = report_bytes(services(), run_id, fmt, user.workspace if user else "default")
        return download(payload, name), f"Briefing {name} ready."


def register_run_poll(app: dash.Dash, prefix: str, kind: str) -> None:
    """Poll the page's active run: progress and status while it runs; when it ends, stop
    polling and offer it (with the other finished runs of ``kind``) in ``<prefix>-choice``."""
    from reechain.web.auth import request_user
    from reechain.web.context import services

    @app.callback(
        Output(f"{prefix}-progress", "value"),
        Output(f"{prefix}-status", "children"),
        Output(f"{prefix}-poll", "disabled", allow_duplicate=True),
        Output(f"{prefix}-choice", "options"),
        Output(f"{prefix}-choice", "value"),
        Input(f"{prefix}-poll", "n_intervals"),
        Input(f"{prefix}-active", "data"),
        prevent_initial_call=True,
    )
    def _poll(_n: int | None, run_id: str | None) -> tuple[Any, ...]:
        if not run_id:
            raise dash.exceptions.PreventUpdate
        user = request_user()
        workspace = user.workspace if user else "default"
        store = services().store
        value, text, stop = progress_of(store.get_run(run_id, workspace=workspace))
        if not stop:
            return value, text, False, dash.no_update, dash.no_update
        options = done_runs(store, kind, workspace)
        chosen = run_id if any(o["value"] == run_id for o in options) else dash.no_update
        return value, text, True, options, chosen
