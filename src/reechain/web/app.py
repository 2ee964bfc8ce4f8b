"""The Dash app, its page shell, and how it is mounted into the API app.

:func:`mount_dashboard` serves the dashboard at ``/`` of the API app: the API keeps
``/api``, ``/docs`` and ``/openapi.json``; everything else goes to Dash (a Flask app, run
through a2wsgi), behind the same auth (:mod:`reechain.web.auth`). Every asset, plotly.js
and the world map's topojson included, is served by this process: the dashboard works
without the internet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import dash
import flask
from a2wsgi import WSGIMiddleware
from dash import dcc, html
from fastapi import FastAPI
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import Receive, Scope, Send

from reechain.store import Store
from reechain.version import __version__
from reechain.web import focus
from reechain.web.auth import add_login_routes, request_user, token_from, user_for
from reechain.web.context import SERVICES_KEY, Runner, Services, services
from reechain.web.pages import all_pages, page_for
from reechain.web.ui import aria, register_exports

ASSETS = Path(__file__).with_name("assets")
TOPOJSON_URL = "/assets/topojson/"
"""Where Plotly finds ``world_110m.json`` (shipped with the package; see figures.py)."""
API_PREFIXES = ("/api/", "/api", "/docs", "/redoc", "/openapi.json")


def create_dashboard(store: Store, runner: Runner, *, auth: bool = False) -> dash.Dash:
    """Return the Dash app for ``store``; runs it starts go to ``runner``."""
    app = dash.Dash(
        "reechain.web",
        assets_folder=str(ASSETS),
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="reechain",
        update_title="",
        compress=False,
    )
    server: flask.Flask = app.server
    server.config[SERVICES_KEY] = Services(store, runner, auth)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = _shell
    for page in all_pages():
        page.register(app)
    register_exports(app)
    focus.register(app)

    @app.callback(
        dash.Output("page", "children"),
        dash.Output("user-badge", "children"),
        dash.Input("url", "pathname"),
    )
    def _route(pathname: str | None) -> tuple[Any, Any]:
        user = request_user()
        page = page_for(pathname or "/")
        badge: list[Any] = []
        if user is not None:
            badge = [html.Span(f"{user.name} · {user.role} · workspace {user.workspace}")]
            if server.config[SERVICES_KEY].auth:
                badge.append(
                    html.Form(
                        html.Button("Sign out", type="submit", className="link"),
                        method="post",
                        action="/logout",
                        className="inline",
                    )
                )
        if page is None:
            return html.Div(
                [html.H1("Not found"), html.P(f"No page at {pathname}.")], className="card"
            ), badge
        return page.layout(user), badge

    return app


def _focus_control() -> Any:
    user = request_user()
    workspace = user.workspace if user else "default"
    found = services()
    datasets = found.dataset_names(workspace)
    dataset = "default" if "default" in datasets else datasets[0]
    return focus.control(found.chain(dataset, workspace))


def _shell() -> html.Div:
    nav = [
        dcc.Link(page.TITLE, href=page.PATH, className="nav-link", id=f"nav-{page.NAME}")
        for page in all_pages()
    ]
    return html.Div(
        [
            html.A("Skip to content", href="#page", className="skip-link"),
            html.Header(
                [
                    html.Div(
                        [html.Strong("reechain"), html.Span(f" {__version__}")], className="brand"
                    ),
                    html.Nav(nav, **aria(label="Pages")),
                    html.Div(_focus_control(), className="focus-bar"),
                    html.Div(id="user-badge", className="user-badge"),
                ],
                className="top",
            ),
            dcc.Location(id="url"),
            html.Main(id="page", tabIndex="-1"),
        ]
    )


class DashboardGate:
    """ASGI app in front of the Dash WSGI app: 404 for API paths, auth for the rest."""

    def __init__(self, dash_app: dash.Dash, store: Store, auth: bool) -> None:
        self.wsgi = WSGIMiddleware(dash_app.server)
        self.store = store
        self.auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope.get("path", "/")
        if path.startswith(API_PREFIXES):
            await JSONResponse({"detail": "Not Found"}, status_code=404)(scope, receive, send)
            return
        if self.auth and not path.startswith("/assets/"):
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            token = token_from(_cookies(headers.get("cookie", "")), headers.get("authorization"))
            user = await anyio.to_thread.run_sync(user_for, self.store, True, token)
            if user is None:
                if scope.get("method") == "GET" and "_dash" not in path:
                    response: Any = RedirectResponse("/login", status_code=303)
                else:
                    response = JSONResponse({"detail": "sign in first"}, status_code=401)
                await response(scope, receive, send)
                return
        await self.wsgi(scope, receive, send)  # type: ignore[arg-type]


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard at ``/`` of the API app ``app`` (call it last in create_app).

    Uses the app's store, job runner and auth setting. Calling it twice does nothing.
    """
    if getattr(app.state, "dashboard", None) is not None:
        return
    store: Store = app.state.store
    auth = bool(app.state.auth)
    dashboard = create_dashboard(store, app.state.runner, auth=auth)
    app.state.dashboard = dashboard
    add_login_routes(app)
    app.mount("/", DashboardGate(dashboard, store, auth), name="dashboard")
