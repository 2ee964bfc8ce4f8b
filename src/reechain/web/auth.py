"""Who is using the dashboard: the same tokens, roles and workspaces as the REST API.

With auth off (a server bound to loopback for one analyst), everyone is the local analyst
(``admin`` in the ``default`` workspace), exactly as in the API.

With auth on, the dashboard asks for an API token once, on ``/login`` (a plain HTML form,
so it works without JavaScript and with a password manager). The token is checked against
the store and kept in an HttpOnly, ``SameSite=Strict`` cookie (``Secure`` over HTTPS), so
page scripts cannot read it and other sites cannot send it. A request may instead carry
``Authorization: Bearer TOKEN``, as API clients do. Every dashboard request is refused
without a live token (pages redirect to ``/login``, callbacks get 401), and every callback
that changes something (starting a run, importing a dataset) checks the caller's role
again on the server: a viewer's page shows those controls disabled, and a viewer who
enables them anyway is still refused. ``POST /logout`` forgets the cookie.

Signing in also sets ``_csrf_token``, a random value the page can read (not HttpOnly, also
``SameSite=Strict``): Dash's renderer repeats it in an ``X-CSRFToken`` header on every
callback, and a request signed in by the cookie that changes something is refused without
that header (the server's request guard). Another site can neither read the
cookie nor set the header, so it cannot forge a callback even if the browser sent the cookie.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qs

import anyio
import flask
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reechain.sessions import CSRF_COOKIE, SESSION_COOKIE, SESSION_SECONDS, csrf_cookie
from reechain.store import DEFAULT_WORKSPACE, Store, User

COOKIE = SESSION_COOKIE
LOCAL_USER = User("local", "admin", DEFAULT_WORKSPACE)
"""The one analyst of a server without auth (the API's local user)."""


def token_from(cookies: dict[str, str] | object, authorization: str | None) -> str | None:
    """Return the token of a request: the Authorization bearer, else the login cookie."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    getter = getattr(cookies, "get", None)
    found = getter(COOKIE) if getter is not None else None
    return str(found) if found else None


def user_for(store: Store, auth: bool, token: str | None) -> User | None:
    """Return the user a request acts as, or None when auth is on and the token is bad."""
    if not auth:
        return LOCAL_USER
    if not token:
        return None
    return store.authenticate(token)


def request_user() -> User | None:
    """Return the user of the current dashboard request (inside a Dash callback)."""
    from reechain.web.context import services

    found = services()
    request = flask.request
    return user_for(
        found.store, found.auth, token_from(request.cookies, request.headers.get("authorization"))
    )


def can_run(user: User | None) -> bool:
    """Return whether ``user`` may start runs and import data (analyst or admin)."""
    return user is not None and user.can("analyst")


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>reechain · sign in</title>
<link rel="stylesheet" href="/assets/style.css"></head>
<body><main class="login">
<h1>reechain</h1>
<p>This server needs an API token. Ask an admin for one
(<code>reechain users token NAME</code>).</p>
<form method="post" action="/login">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
{error}
</main></body></html>
"""


def login_page(error: str = "") -> str:
    """Return the sign-in page, with ``error`` shown when not empty."""
    shown = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return LOGIN_PAGE.format(error=shown)


def add_login_routes(app: FastAPI) -> None:
    """Add ``GET/POST /login`` and ``POST /logout`` to the API app (not in the OpenAPI)."""

    @app.get("/login", include_in_schema=False)
    async def login_form() -> HTMLResponse:
        return HTMLResponse(login_page())

    async def login_post(request: Request) -> Response:
        store: Store = request.app.state.store
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token = (form.get("token") or [""])[0].strip()
        user = await anyio.to_thread.run_sync(store.authenticate, token) if token else None
        if user is None:
            return HTMLResponse(login_page("That token is not valid (or was revoked)."), 401)
        response = RedirectResponse("/", status_code=303)
        secure = request.url.scheme == "https"
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", secure=secure, max_age=SESSION_SECONDS
        )
        response.headers.append("set-cookie", csrf_cookie(secure=secure))  # Dash reads it
        return response

    async def logout(_request: Request) -> Response:
        response = RedirectResponse("/login", status_code=303)
        for name in (COOKIE, CSRF_COOKIE):
            response.delete_cookie(name, samesite="strict")
        return response

    app.add_route("/login", login_post, methods=["POST"], include_in_schema=False)
    app.add_route("/logout", logout, methods=["POST"], include_in_schema=False)
