"""The Outlook page (issue 18): the top producer's share per case to 2035, with its range."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import Served, problems_of, screenshot, settled
from tests.web.live import UNLABELLED_CONTROLS, PageWatch


def test_outlook_draws_every_case_and_follows_the_stage(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/outlook")
    table = page.locator("#outlook-table")
    expect(table).to_contain_text("expected", timeout=60_000)
    expect(table).to_contain_text("operating-only")
    expect(table).to_contain_text("2035")
    expect(page.locator("#outlook-graph .gtitle")).to_contain_text("separate")
    assert page.locator("#outlook-graph .scatterlayer .trace").count() == 4  # 3 cases + range
    page.locator("#outlook-stage").click()
    page.get_by_role("option", name="magnet", exact=True).click()
    expect(page.locator("#outlook-graph .gtitle")).to_contain_text("magnet", timeout=60_000)
    settled(page)
    screenshot(page, "outlook")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert problems_of(watch) == []
