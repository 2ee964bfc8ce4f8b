"""Each page renders with data, offline, with no console error and every control labelled."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.conftest import Served, problems_of, screenshot, settled
from tests.web.live import UNLABELLED_CONTROLS, PageWatch


def _check(page: Page, watch: PageWatch, name: str) -> None:
    settled(page)
    screenshot(page, name)
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert problems_of(watch) == []


def test_overview_shows_map_and_cards(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#card-hhi .big")).to_have_text(re.compile(r"^\d[\d,]*$"))
    expect(page.locator("#card-reliance .big")).to_contain_text("%")
    expect(page.locator("#card-exposure .big")).to_contain_text("%")
    # the map's countries are drawn from the bundled topojson, not fetched from the internet
    expect(page.locator("#overview-map .choroplethlocation").first).to_be_attached()
    assert page.locator("#overview-map .choroplethlocation").count() > 10
    _check(page, watch, "overview")


def test_overview_follows_its_controls(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#overview-map .gtitle")).to_contain_text("Dy2O3")
    page.locator("#overview-stage").click()
    page.get_by_role("option", name="magnet", exact=True).click()
    expect(page.locator("#overview-map .gtitle")).to_contain_text("magnet")
    assert problems_of(watch) == []


def test_chain_sankey_click_shows_provenance(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/chain")
    nodes = page.locator("#chain-sankey .sankey-node")
    expect(nodes.first).to_be_attached()
    assert nodes.count() > 10
    nodes.filter(has_text="separate · CHN").first.locator("rect.node-rect").click()
    expect(page.locator("#chain-detail-title")).to_contain_text("separate · CHN")
    table = page.locator("#chain-detail")
    expect(table.locator("th").filter(has_text="confidence")).to_have_count(1)
    expect(table).to_contain_text(re.compile(r"high|medium|low"))  # from the rows' provenance
    assert table.locator("tbody tr").count() > 1
    _check(page, watch, "chain")


def test_scenario_page_charts_headline_runs(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)  # two headline runs
    for graph in ("scn-shortfall", "scn-price", "scn-output"):
        expect(page.locator(f"#{graph} .scatterlayer .trace").first).to_be_attached()
    _check(page, watch, "scenario")


def test_data_page_searches_every_figure(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/data")
    count = page.locator("#data-count")
    expect(count).to_contain_text("figures")
    total = int(count.inner_text().split()[0].replace(",", ""))
    assert total > 1000
    page.get_by_label("Search").fill("Lynas")
    page.get_by_label("Search").press("Enter")
    expect(count).not_to_have_text(f"{total:,} figures")
    found = int(count.inner_text().split()[0].replace(",", ""))
    assert 0 < found < total
    expect(page.locator("#data-table")).to_contain_text("Lynas")
    _check(page, watch, "data")


def test_data_downloads_csv_and_xlsx(page: Page, served: Served) -> None:
    page.goto(served.url + "/data")
    expect(page.locator("#data-count")).to_contain_text("figures")
    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("table,line,key")
    assert "confidence" in text.splitlines()[0]
    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Download XLSX").click()
    assert Path(xlsx_download.value.path()).read_bytes()[:2] == b"PK"


def test_keyboard_reaches_every_page(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#card-hhi")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    for _ in range(6):  # Overview, Chain, Scenario, Risk, Partnership, Data
        page.keyboard.press("Tab")
    expect(page.locator("#nav-data")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(served.url + "/data")
    expect(page.locator("#data-count")).to_contain_text("figures")
    search = page.get_by_label("Search")
    search.focus()
    search.fill("Dy2O3")  # the whole text at once: keystrokes typed one by one can be
    page.keyboard.press("Enter")  # split across callbacks on a loaded machine
    expect(search).to_have_value("Dy2O3")
    expect(page.locator("#data-table")).to_contain_text("Dy2O3")
    # a dropdown opens and picks with the keyboard alone: any, high, medium, low
    page.locator("#data-confidence").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("option", name="low", exact=True)).to_be_visible()
    for _ in range(8):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(100)
        if page.evaluate("() => document.activeElement.value") == "low":
            break
    page.keyboard.press("Enter")
    expect(page.locator("#data-confidence")).to_contain_text("low")
    expect(page.locator("#data-rows tbody")).not_to_contain_text("high")
    assert problems_of(watch) == []
