"""A real server on a free loopback port, and headless Chromium to drive it."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def free_port() -> int:
    """Return a TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """uvicorn serving ``app`` in a thread, for as long as the ``with`` block lasts."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


class PageWatch:
    """Console errors, uncaught page errors and requests that left loopback, of one page."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.errors: list[str] = []
        self.offsite: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("request", self._request)
        self.base_url = base_url

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _request(self, request: Any) -> None:
        url: str = request.url
        if not (url.startswith(self.base_url) or url.startswith(("data:", "blob:"))):
            self.offsite.append(url)


UNLABELLED_CONTROLS = """() => Array.from(
    document.querySelectorAll('input, select, textarea, button')
).filter(el => el.offsetParent !== null && el.type !== 'hidden'
    && el.getAttribute('aria-hidden') !== 'true').filter(el => {
    const named = (el.labels && el.labels.length > 0)
        || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
        || el.getAttribute('title') || (el.innerText || '').trim();
    return !named;
}).map(el => el.outerHTML.slice(0, 160))"""
"""JavaScript listing visible form controls that have no accessible name."""
