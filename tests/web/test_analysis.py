"""Risk and Partnership pages: start a run through the UI, follow it, read its results."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import Served, problems_of, screenshot, settled
from tests.web.live import UNLABELLED_CONTROLS, PageWatch


def _number(page: Page, label: str, value: str) -> None:
    box = page.get_by_label(label)
    box.fill(value)
    box.press("Tab")


def test_risk_run_shows_distribution_exceedance_and_attribution(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/risk")
    _number(page, "Histories", "40")
    _number(page, "Horizon (months)", "24")
    page.get_by_role("button", name="Run risk analysis").click()
    expect(page.locator("#risk-status")).to_contain_text("done", timeout=90_000)
    expect(page.locator("#risk-mean .big")).to_contain_text("$")
    expect(page.locator("#risk-distribution .barlayer .trace")).to_have_count(1)
    assert page.locator("#risk-exceedance .scatterlayer .trace").count() >= 1
    expect(page.locator("#risk-attribution .barlayer .trace")).to_have_count(1)
    started = [r for r in served.store.list_runs("risk") if r.params.get("runs") == 40]
    assert [r.status for r in started] == ["done"]  # other modules may add runs of their own
    with page.expect_download(timeout=60_000) as briefing:
        page.get_by_role("button", name="Download briefing").click()
    assert Path(briefing.value.path()).read_bytes().startswith(b"%PDF")
    settled(page)
    screenshot(page, "risk")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert problems_of(watch) == []


def test_partnership_run_shows_portfolio_map_timeline_and_shares(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/partnership")
    _number(page, "Sampled disruptions", "2")
    _number(page, "Out-of-sample histories", "2")
    page.get_by_label("trace the cost–resilience frontier").uncheck()  # keeps the test short
    page.get_by_role("button", name="Run optimiser").click()
    expect(page.locator("#opt-status")).to_contain_text("done", timeout=120_000)
    expect(page.locator("#opt-summary-table")).to_contain_text("optimal")
    expect(page.locator("#opt-map .choroplethlocation").first).to_be_attached()
    expect(page.locator("#opt-timeline .barlayer .trace")).to_have_count(1)
    expect(page.locator("#opt-shares .barlayer .trace")).to_have_count(2)
    assert page.locator("#opt-portfolio-table tbody tr").count() > 0
    with page.expect_download(timeout=60_000) as briefing:
        page.get_by_role("button", name="Download briefing").click()
    assert Path(briefing.value.path()).read_bytes().startswith(b"%PDF")
    settled(page)
    screenshot(page, "partnership")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert problems_of(watch) == []
