"""Other web sites cannot use the browser against a local server: not by posting to it, and
not by rebinding their own name to 127.0.0.1 (both in real Chromium)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

import reechain
from tests.web.conftest import Served
from tests.web.live import CHROMIUM, CHROMIUM_FLAGS

ATTACK = """async (args) => {
    const bytes = Uint8Array.from(atob(args.book), c => c.charCodeAt(0));
    try {
        await fetch(args.url, {method: 'POST', mode: 'no-cors',
                               body: new Blob([bytes], {type: 'text/plain'})});
    } catch (e) { return 'failed: ' + e; }
    return 'sent';
}"""
"""What a page on any site can do without asking first: a text/plain POST, no preflight."""


@pytest.fixture(scope="module")
def open_browser(browser: Browser) -> Iterator[Browser]:
    """Chromium as an attacker finds it: resolving ``rebound.example`` to 127.0.0.1 (as after a
    DNS rebinding) and, like Firefox and Safari, letting public pages reach loopback."""
    found = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_FLAGS,
            "--host-resolver-rules=MAP rebound.example 127.0.0.1",
            "--disable-features=PrivateNetworkAccessRespectPreflightResults,"
            "BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks",
        ],
        headless=True,
    )
    yield found
    found.close()


def test_a_page_on_another_site_cannot_replace_a_dataset(
    open_browser: Browser, served: Served, tmp_path: Path
) -> None:
    context = open_browser.new_context()
    page = context.new_page()
    book = reechain.export_dataset(reechain.load_dataset("sample"), tmp_path / "s.xlsx")
    page.route(
        "http://attacker.example/",
        lambda route: route.fulfill(body="<html><body>cute cats</body></html>"),
    )
    page.goto("http://attacker.example/")
    sent = page.evaluate(
        ATTACK,
        {
            "url": served.url + "/api/datasets/upload?replace=true",
            "book": base64.b64encode(book.read_bytes()).decode(),
        },
    )
    assert sent == "sent"  # the browser sent it; the server refused it
    page.wait_for_timeout(500)
    context.close()
    assert "sample" not in {d.name for d in served.store.list_datasets(workspace="default")}


def test_a_rebound_name_is_not_served(open_browser: Browser, served: Served) -> None:
    port = served.url.rsplit(":", 1)[1]
    context = open_browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(f"http://rebound.example:{port}/")
        assert response is not None
        assert response.status == 400
        assert "is not served here" in page.content()
        assert page.goto(f"{served.url}/api/health").status == 200  # type: ignore[union-attr]
    finally:
        context.close()
