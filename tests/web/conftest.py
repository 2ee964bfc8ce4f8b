"""Fixtures for the browser tests: a served store with the main job done, and Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from reechain.server import create_server, prepare_main_job
from reechain.store import Store
from tests.web.live import CHROMIUM, CHROMIUM_FLAGS, SCREENSHOTS, LiveServer, PageWatch

expect.set_options(timeout=20_000)  # the first callbacks of a fresh server compile chains


@dataclass
class Served:
    """A running server and the store behind it."""

    url: str
    store: Store
    tokens: dict[str, str]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
        )
        yield found
        found.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The main job: default dataset and headline scenarios in a store, served without auth."""
    folder = tmp_path_factory.mktemp("served")
    store = Store.open(f"sqlite:///{folder / 'store.sqlite'}")
    prepare_main_job(store)
    app = create_server(store, auth=False)
    with LiveServer(app) as server:
        yield Served(server.url, store, {})
    store.close()


@pytest.fixture(scope="session")
def served_with_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A server with auth on: a viewer and an analyst in workspace ``team``."""
    folder = tmp_path_factory.mktemp("auth")
    store = Store.open(f"sqlite:///{folder / 'store.sqlite'}")
    tokens = {}
    for name, role in (("vera", "viewer"), ("ana", "analyst")):
        store.add_user(name, role, "team")
        tokens[role] = store.create_token(name)
    app = create_server(store, auth=True)
    with LiveServer(app) as server:
        yield Served(server.url, store, tokens)
    store.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page (own cookies), 1300 px wide."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, accept_downloads=True)
    found = context.new_page()
    found.set_default_timeout(20_000)
    yield found
    context.close()


@pytest.fixture
def watch(page: Page, served: Served) -> PageWatch:
    """What the page logs and where it sends requests."""
    return PageWatch(page, served.url)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under artifacts/screenshots and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def settled(page: Page) -> None:
    """Wait until Dash has no callback in flight."""
    page.wait_for_function(
        "() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=20_000
    )
    page.wait_for_timeout(300)


def problems_of(found: Any) -> list[str]:
    """Return a PageWatch's errors and off-site requests together (for one assert)."""
    return [*found.errors, *(f"off-site request: {u}" for u in found.offsite)]
