"""What every request must pass before a route sees it: Host, Origin, CSRF and body limits.

One plain ASGI middleware, :class:`RequestGuard`, in front of the API and the dashboard
(Starlette's ``BaseHTTPMiddleware`` would cost every request a task and a queue, which
shows in the p99 latency under load). In order:

1. **Host.** The ``Host`` header must name a loopback host (``127.0.0.1``, ``localhost``,
   ``[::1]``, any port) or a host given with ``reechain serve --allowed-host`` (or
   ``REECHAIN_ALLOWED_HOSTS``), or the address the server is bound to; else 400. A web
   page cannot then reach a loopback server by rebinding its own name to 127.0.0.1.
2. **Origin.** A POST, PUT, PATCH or DELETE that carries ``Origin`` (or, without it,
   ``Referer``) must come from the request's own host and port, or from an allowed host
   named with ``--allowed-host``; else 403.
3. **Content type.** Without ``Authorization: Bearer``, such a request with a body must not
   be of a type a page may send to another site without asking first (``text/plain``,
   ``application/x-www-form-urlencoded``, ``multipart/form-data``, or none); else 415. The
   sign-in and sign-out forms are the exceptions.
4. **CSRF.** With auth on, a request signed in by the session cookie (no bearer) that
   changes something must repeat the ``_csrf_token`` cookie in an ``X-CSRFToken`` header
   (Dash's renderer does so by itself); else 403. A session without the cookie (signed in
   before it existed) gets one with its next page.
5. **Body.** At most ``max_bytes`` are read, whatever ``Content-Length`` says and chunked or
   not; past that the answer is 413. A JSON body nested deeper than :data:`MAX_JSON_DEPTH`
   is refused with 422 before any parser recurses into it.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Iterable
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reechain.names import names_only
from reechain.sessions import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_cookie

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
"""Host names always served (any port)."""
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
"""Bind addresses that name no host a client would use."""
FORM_PATHS = frozenset({"/login", "/logout"})
"""Plain HTML forms, exempt from the content-type and CSRF-header rules (not from Origin)."""
MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects accepted in a JSON body."""
CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
_HOST_NAME = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$|^[0-9a-f:.]+$"
)
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def host_name(name: str) -> str:
    """Return an allowed-host entry normalised (lower case, no brackets or final dot).

    Raises ``ValueError`` naming the entry when it is not a host name or address (a port or
    a scheme is not part of it).

    Examples
    --------
    >>> host_name("Reechain.Example.")
    'reechain.example'
    >>> host_name("[::1]")
    '::1'
    """
    found = name.strip().lower().rstrip(".")
    if found.startswith("[") and found.endswith("]"):
        found = found[1:-1]
    if not found or not _HOST_NAME.match(found):
        raise ValueError(
            f"allowed host: got {name!r}, expected a host name or address without scheme "
            "or port, e.g. reechain.example.org"
        )
    return found


def allowed_hosts(names: Iterable[str], bound: str | None = None) -> frozenset[str]:
    """Return the hosts a server answers to: loopback, ``names``, and ``bound`` if specific."""
    out = set(LOOPBACK_NAMES) | {host_name(n) for n in names if n.strip()}
    if bound is not None and bound.strip() not in ANY_ADDRESS:
        with suppress(ValueError):  # an address no Host header names (fe80::1%eth0)
            out.add(host_name(bound))
    return frozenset(out)


def split_names(text: str) -> list[str]:
    """Return the host names of ``REECHAIN_ALLOWED_HOSTS`` (comma- or space-separated)."""
    return [n for n in re.split(r"[,\s]+", text) if n]


def _split_host(value: str) -> tuple[str, int | None]:
    """Return a Host header's name (normalised) and port (None when absent or bad)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        name, _, port = value.partition(":")
    return name.rstrip("."), int(port) if port.isdigit() else None


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Return whether the JSON text ``body`` nests arrays and objects deeper than ``limit``.

    First a bound that ignores strings (brackets inside strings only add to it): innermost
    bracket pairs are removed ``limit`` times, at C speed. Only when something is left is
    the text parsed (the parser stops itself past the interpreter's recursion limit) and
    the parsed value measured. Text that is not JSON is not too deep (the route says why).

    Examples
    --------
    >>> json_too_deep(b'{"a": [[1]]}', limit=3), json_too_deep(b'[[[[1]]]]', limit=3)
    (False, True)
    """
    brackets = body.translate(_BRACKETS, _NOT_BRACKETS)
    for _ in range(limit):
        shorter = brackets.replace(b"[]", b"")
        if not shorter:
            return False
        if len(shorter) == len(brackets):
            break
        brackets = shorter
    try:
        value = json.loads(body)
    except RecursionError:
        return True
    except ValueError:
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in children)
    return False


REFUSALS: dict[str, tuple[str, str]] = {
    "400": ("every", "The Host header names a host this server does not serve."),
    "403": ("changing", "A request from another site, or without the session's CSRF token."),
    "409": ("stored", "The request conflicts with the data (a ReechainError)."),
    "413": ("body", "The body is larger than the server accepts."),
    "415": ("body", "A content type another site may send is refused without a bearer token."),
    "422": ("body", "The body is not valid: every problem is listed."),
    "503": ("stored", "The store cannot be reached."),
}
"""The answers of this module and of the app's error handlers, documented on each operation
they can come from: every one, those that change something, those that read or write the
store (they already document 404), those with a body."""


def document_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the OpenAPI ``schema`` with :data:`REFUSALS` documented where they can happen."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            where = {
                "every",
                *(("changing",) if method.upper() in CHANGING else ()),
                *(("stored",) if "404" in responses else ()),
                *(("body",) if "requestBody" in operation else ()),
            }
            for code, (applies, description) in REFUSALS.items():
                if applies in where and code not in responses:
                    responses[code] = {"description": description, "content": error}
    return schema


def _problem(detail: str, status: int, column: str, found: str, expected: str) -> JSONResponse:
    """Return an error in the API's problem shape (``ErrorOut``)."""
    problem = {
        "file": "request",
        "line": None,
        "column": column,
        "found": found,
        "expected": expected,
        "hint": None,
    }
    return JSONResponse({"detail": detail, "problems": [problem]}, status_code=status)


class RequestGuard:
    """Check Host, Origin, content type and CSRF token, and limit the body (see module)."""

    def __init__(self, app: ASGIApp, *, hosts: frozenset[str], auth: bool, max_bytes: int) -> None:
        self.app = app
        self.hosts = hosts
        self.named = hosts - LOOPBACK_NAMES
        self.auth = auth
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        with names_only():  # a request names stored or bundled things, never a path
            await self._guard(scope, receive, send)

    async def _guard(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            headers.setdefault(key.decode("latin-1"), value.decode("latin-1"))
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await refusal(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] in CHANGING:
            await _LimitedBody(self.app, self.max_bytes, headers)(scope, receive, send)
            return
        if self.auth and scope["type"] == "http" and scope["method"] == "GET":
            cookies = _cookies(headers.get("cookie", ""))
            if SESSION_COOKIE in cookies and CSRF_COOKIE not in cookies:
                send = _with_csrf_cookie(send, secure=scope.get("scheme") == "https")
        await self.app(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> JSONResponse | None:
        """Return the response refusing the request, or None when it may go on."""
        host, port = _split_host(headers.get("host", ""))
        if host not in self.hosts:
            return _problem(
                f"host {host or '(none)'!r} is not served here; start the server with "
                "--allowed-host NAME to serve it",
                400,
                "header Host",
                host,
                "a loopback host or one given with --allowed-host",
            )
        if scope["type"] != "http" or scope["method"] not in CHANGING:
            return None
        origin = headers.get("origin") or headers.get("referer")
        if origin is not None and not self._same_site(origin, scope, host, port):
            return _problem(
                "cross-site request refused: it comes from another site",
                403,
                "header Origin",
                origin[:200],
                f"this server's own origin ({host}{'' if port is None else f':{port}'})",
            )
        scheme, _, token = headers.get("authorization", "").partition(" ")
        bearer = scheme.lower() == "bearer" and bool(token.strip())
        path: str = scope["path"]
        if bearer or path in FORM_PATHS:
            return None
        kind = headers.get("content-type", "").partition(";")[0].strip().lower()
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        if has_body and (kind in SIMPLE_TYPES or not kind):
            return _problem(
                f"content type {kind or '(none)'!r} is refused without a bearer token: "
                "send application/json (a workbook as its own xlsx type)",
                415,
                "header Content-Type",
                kind or "(none)",
                "application/json, or the xlsx type for an upload",
            )
        cookies = _cookies(headers.get("cookie", ""))
        if self.auth and SESSION_COOKIE in cookies:
            expected = cookies.get(CSRF_COOKIE, "")
            given = headers.get(CSRF_HEADER, "")
            if not expected or not hmac.compare_digest(expected, given):
                return _problem(
                    "missing or wrong CSRF token: reload the page (or sign in again)",
                    403,
                    "header X-CSRFToken",
                    "(none)" if not given else "a token that does not match",
                    "the value of the _csrf_token cookie",
                )
        return None

    def _same_site(self, origin: str, scope: Scope, host: str, port: int | None) -> bool:
        """Return whether ``origin`` (an Origin or Referer) is this server or a named host."""
        try:
            parts = urlsplit(origin)
            their_port = parts.port
        except ValueError:
            return False
        name = (parts.hostname or "").rstrip(".")
        if not name or parts.scheme not in ("http", "https"):
            return False  # "null" (a sandboxed frame, a file) among them
        if name in self.named:
            return True
        default = {"http": 80, "https": 443}
        ours = port if port is not None else default.get(scope.get("scheme", "http"), 80)
        theirs = their_port if their_port is not None else default[parts.scheme]
        return name == host and theirs == ours


def _with_csrf_cookie(send: Send, *, secure: bool) -> Send:
    """Return ``send`` adding a CSRF token cookie to the response (a session signed in
    before the token existed gets one with its next page)."""

    async def send_with_cookie(message: Message) -> None:
        if message["type"] == "http.response.start":
            cookie = (b"set-cookie", csrf_cookie(secure=secure).encode("latin-1"))
            message = {**message, "headers": [*message.get("headers", []), cookie]}
        await send(message)

    return send_with_cookie


def _cookies(header: str) -> dict[str, str]:
    """Return the cookies of a ``Cookie`` header by name."""
    out: dict[str, str] = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out.setdefault(name, value)
    return out


class _LimitedBody:
    """One request whose body is counted as it is read (413 past ``max_bytes``).

    A JSON body is gathered first and its nesting checked (422 when too deep), then handed
    on in one piece: the routes read a JSON body whole anyway.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, headers: dict[str, str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        kind = headers.get("content-type", "").partition(";")[0].strip().lower()
        self.json = kind == "application/json" or kind.endswith("+json")
        self.declared = headers.get("content-length")
        self.read = 0
        self.answered = False
        self.started = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.declared is not None and (
            not self.declared.isdigit() or int(self.declared) > self.max_bytes
        ):
            await self._too_large()(scope, receive, send)
            return
        self.scope, self.outer_receive, self.outer_send = scope, receive, send
        inner_receive: Receive = self._receive
        if self.json:
            first = await self._gather()
            if first is None:
                return
            inner_receive = self._replay(first)
        try:
            await self.app(scope, inner_receive, self._send)
        except Exception:
            if not self.answered:  # not a consequence of the disconnect this class made up
                raise

    def _too_large(self) -> JSONResponse:
        return _problem(
            f"request body too large: at most {self.max_bytes} bytes",
            413,
            "body",
            "more bytes" if self.declared is None else f"{self.declared} bytes",
            f"at most {self.max_bytes} bytes",
        )

    async def _answer(self, response: JSONResponse) -> None:
        """Send ``response`` now, unless the app has started its own; drop what follows."""
        if not self.started and not self.answered:
            await response(self.scope, self.outer_receive, self.outer_send)
        self.answered = True

    async def _receive(self) -> Message:
        if self.answered:
            return {"type": "http.disconnect"}
        message = await self.outer_receive()
        if message["type"] == "http.request":
            self.read += len(message.get("body", b""))
            if self.read > self.max_bytes:
                await self._answer(self._too_large())
                return {"type": "http.disconnect"}
        return message

    async def _gather(self) -> bytes | None:
        """Return the whole JSON body, or None when it was refused (and answered)."""
        chunks = []
        while True:
            message = await self._receive()
            if message["type"] != "http.request":
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_too_deep(body):
            await self._answer(
                _problem(
                    f"body: JSON nested more than {MAX_JSON_DEPTH} levels deep",
                    422,
                    "body",
                    f"more than {MAX_JSON_DEPTH} levels",
                    f"at most {MAX_JSON_DEPTH} levels of arrays and objects",
                )
            )
            return None
        return body

    def _replay(self, body: bytes) -> Receive:
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await self.outer_receive()  # waits for the disconnect

        return receive

    async def _send(self, message: Message) -> None:
        if self.answered:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self.outer_send(message)
