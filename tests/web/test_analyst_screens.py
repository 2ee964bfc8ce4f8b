"""What an analyst needs from the dashboard (issue 21): a country focus that holds across
pages, an Overview that shows the exposure that matters, risk by region with P50/P95/P99,
numbers people can read, maps that show every producer, forms in words, tables that fit,
exports of every table and chart, and a default comparison that shows something."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import Served, problems_of, settled
from tests.web.live import PageWatch

RAW_NUMBER = re.compile(r"\d{5,}|\d\.\d{4,}")
"""Five digits in a row (no thousands mark) or four decimals: a number nobody formatted."""
NUMBER_CELLS = """() => Array.from(document.querySelectorAll('#page td, #page .card .big'))
    .filter(el => el.offsetParent !== null)
    .map(el => el.innerText.trim())
    .filter(t => /^[-+~]?\\$?\\d[\\d.,]*( [^\\d]*)?$/.test(t))"""
"""JavaScript: the visible table cells and key numbers that start with a number."""
FIGURE = "(id) => document.getElementById(id).querySelector('.js-plotly-plot')"


@pytest.fixture(scope="module")
def risk_run(served: Served) -> str:
    """A small finished risk run on the baseline (made here, not through the page)."""
    import reechain.workflows.risk  # noqa: F401  (registers the risk kind)
    from reechain.workflows import jobs

    run_id = jobs.start(
        served.store,
        "risk",
        "default",
        scenario="baseline",
        params={"runs": 20, "seed": 3, "horizon_months": 12, "sample_inputs": False},
        seed=3,
    )
    jobs.run_here(served.store, run_id)
    assert served.store.get_run(run_id).status == "done"
    return run_id


def _focus(page: Page, label: str) -> None:
    page.locator("#focus-region").click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(page.locator("#focus-region")).to_contain_text(label)


def _csv(path: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))


def test_country_focus_holds_across_pages_and_reloads(
    page: Page, served: Served, watch: PageWatch, risk_run: str
) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#focus-region")).to_contain_text("Japan (JPN)")  # the default
    expect(page.locator("#card-origin h3")).to_contain_text("JPN")
    _focus(page, "United States (USA)")
    expect(page.locator("#card-origin h3")).to_contain_text("USA")
    expect(page.locator("#card-reliance h3")).to_contain_text("USA")

    page.locator("#nav-chain").click()
    expect(page.locator("#focus-region")).to_contain_text("United States (USA)")
    expect(page.locator("#chain-sankey .gtitle")).to_contain_text("USA")

    page.locator("#nav-scenario").click()
    expect(page.locator("#scn-region")).to_contain_text("United States (USA)")
    expect(page.locator("#scn-kpis th").filter(has_text="output lost in USA")).to_have_count(1)

    page.locator("#nav-risk").click()
    page.locator("#risk-choice").click()
    page.get_by_role("option", name=re.compile(risk_run[:8])).click()
    expect(page.locator("#risk-focus h3")).to_contain_text("USA")
    expect(page.locator("#risk-regions-table tbody tr").first).to_contain_text("USA")

    page.locator("#nav-data").click()
    expect(page.locator("#data-count")).to_contain_text("figures")
    page.get_by_label("only figures about the focus country").check()
    expect(page.locator("#data-count")).to_contain_text("about USA")
    expect(page.locator("#data-rows caption")).to_contain_text("USA")

    page.reload()  # kept for the browser session
    expect(page.locator("#focus-region")).to_contain_text("United States (USA)")
    page.goto(served.url + "/?region=DEU")  # and set by a link
    expect(page.locator("#focus-region")).to_contain_text("Germany (DEU)")
    expect(page.locator("#card-origin h3")).to_contain_text("DEU")
    assert problems_of(watch) == []


def test_overview_opens_on_the_true_origin_of_japans_dysprosium(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/")
    first = page.locator("#overview-cards .card").first
    expect(first).to_have_id("card-origin")
    expect(first.locator("h3")).to_have_text("True origin of the Dy in JPN's end products")
    expect(first.locator(".big")).to_have_text(re.compile(r"^\d+\.\d %$"))
    assert float(first.locator(".big").inner_text().split()[0]) > 50  # not "safe on Dy"
    expect(first.locator(".detail")).to_contain_text("CHN")
    origin = page.locator("#overview-origin-table")
    for stage in ("separate", "metal", "magnet"):
        expect(origin.locator("tbody")).to_contain_text(stage)
    # the direct import reliance is still there, but says what it counts
    expect(page.locator("#card-reliance h3")).to_have_text(
        "Direct import reliance of JPN, Dy2O3 only"
    )
    assert problems_of(watch) == []


def test_risk_page_shows_percentiles_by_region(
    page: Page, served: Served, watch: PageWatch, risk_run: str
) -> None:
    page.goto(served.url + "/risk")
    page.locator("#risk-choice").click()
    page.get_by_role("option", name=re.compile(risk_run[:8])).click()
    expect(page.locator("#risk-p99 h3")).to_contain_text("P99")
    expect(page.locator("#risk-focus h3")).to_have_text("Value lost in JPN: P50 / P95 / P99")
    regions = page.locator("#risk-regions-table")
    headings = regions.locator("th").all_inner_texts()
    for wanted in ("p50 (USD)", "p95 (USD)", "p99 (USD)"):
        assert wanted in headings
    expect(regions.locator("tbody tr").first).to_contain_text("Japan (JPN) ◀ focus")
    assert regions.locator("tbody tr").count() > 5
    assert problems_of(watch) == []


def _numbers(page: Page, name: str) -> None:
    settled(page)
    texts = page.evaluate(NUMBER_CELLS)
    assert texts, name
    raw = [t for t in texts if RAW_NUMBER.search(t)]
    assert raw == [], f"{name}: {raw[:5]}"


def test_numbers_are_formatted_on_every_page(
    page: Page, served: Served, watch: PageWatch, risk_run: str
) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#card-hhi .big")).to_contain_text(",")
    _numbers(page, "overview")
    page.goto(served.url + "/chain")
    page.locator("#chain-sankey .sankey-node").filter(has_text="separate · CHN").first.locator(
        "rect.node-rect"
    ).click()
    expect(page.locator("#chain-detail tbody tr").first).to_be_visible()
    _numbers(page, "chain")
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)
    _numbers(page, "scenario")
    page.goto(served.url + "/data")
    expect(page.locator("#data-rows tbody tr").first).to_be_visible()
    _numbers(page, "data")
    page.goto(served.url + "/risk")
    page.locator("#risk-choice").click()
    page.get_by_role("option", name=re.compile(risk_run[:8])).click()
    expect(page.locator("#risk-mean .big")).to_contain_text("$")
    _numbers(page, "risk")
    assert problems_of(watch) == []


def test_world_map_colours_every_producer_on_a_log_scale(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/")
    expect(page.locator("#overview-map .choroplethlocation").first).to_be_attached()
    settled(page)
    trace = page.evaluate(
        f"""(id) => {{ const gd = ({FIGURE})(id);
        const t = gd.data.find(d => d.showscale !== false);
        return {{z: Array.from(t.z), zmin: t.zmin, zmax: t.zmax,
                 title: t.colorbar.title.text, locations: Array.from(t.locations)}}; }}""",
        "overview-map",
    )
    assert "log" in trace["title"]
    # Dy oxide: China makes 99.4 %, Japan 0.6 %; Japan must not get the empty colour
    japan = trace["z"][trace["locations"].index("JPN")]
    assert (japan - trace["zmin"]) / (trace["zmax"] - trace["zmin"]) > 0.2
    assert problems_of(watch) == []


def test_scenario_form_and_choices_speak_in_words(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/scenario")
    labels = page.locator("#scn-form label")
    expect(labels.first).to_be_visible()
    texts = labels.all_inner_texts()
    assert not [t for t in texts if "_" in t or "Policie" in t]
    assert "Event 1 · export restriction (CHN): licensing, processing (working days)" in texts
    assert any(t.startswith("Policy 1 · new capacity") for t in texts)
    expect(page.locator("#scn-region")).to_contain_text("Japan (JPN)")
    expect(page.locator("#scn-commodity")).to_contain_text(re.compile(r"^[a-z].* \(\w+\)\s*$"))
    assert "_" not in page.locator("#scn-sector").inner_text().split("(")[0]
    assert problems_of(watch) == []


def test_tables_show_every_column_or_scroll_within_the_page(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)
    settled(page)
    wide, shown = page.evaluate(
        "() => { const w = document.querySelector('#scn-kpis .table-wrap');"
        " return [w.scrollWidth, w.clientWidth]; }"
    )
    assert wide <= shown  # headings wrap: no column hidden past the right edge at 1300 px
    page.set_viewport_size({"width": 900, "height": 900})
    page.goto(served.url + "/data")
    expect(page.locator("#data-rows tbody tr").first).to_be_visible()
    settled(page)
    fit = page.evaluate(
        """() => {
        const doc = document.documentElement;
        const wraps = Array.from(document.querySelectorAll('.table-wrap'));
        return {page: doc.scrollWidth - doc.clientWidth,
                wraps: wraps.map(w => ({right: w.getBoundingClientRect().right,
                    overflow: getComputedStyle(w).overflowX}))}; }"""
    )
    assert fit["page"] <= 0  # nothing sticks out of the page on the right
    assert fit["wraps"]
    for wrap in fit["wraps"]:  # a table too wide for the screen scrolls inside its frame
        assert wrap["right"] <= 900
        assert wrap["overflow"] in ("auto", "scroll")
    assert problems_of(watch) == []


def test_tables_and_charts_export_csv_and_png(page: Page, served: Served, watch: PageWatch) -> None:
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)
    with page.expect_download() as table_file:
        page.locator("#scn-kpis").get_by_role("button", name="Download table (CSV)").click()
    assert table_file.value.suggested_filename == "scn-kpi-table.csv"
    rows = _csv(table_file.value.path())
    assert rows[0][:2] == ["run", "dataset"]
    assert len(rows) == 3
    expect(page.locator("#scn-price .scatterlayer .trace").first).to_be_attached()
    chart = page.get_by_role("group", name="Monthly price against the baseline run")
    with page.expect_download() as chart_file:
        chart.get_by_role("button", name="Download chart data (CSV)").click()
    assert chart_file.value.suggested_filename == "scn-price.csv"
    rows = _csv(chart_file.value.path())
    assert rows[0] == ["series", "month", "USD/kg"]
    assert len(rows) > 12

    page.goto(served.url + "/")
    expect(page.locator("#overview-map .choroplethlocation").first).to_be_attached()
    settled(page)
    with page.expect_download() as map_file:
        page.get_by_role("group", name="World map of production shares").get_by_role(
            "button", name="Download chart data (CSV)"
        ).click()
    rows = _csv(map_file.value.path())
    assert rows[0][:3] == ["region", "name", "share_pct"]
    assert rows[1][0] == "CHN"
    assert float(rows[1][2]) > 90
    page.locator("#overview-map").hover()
    with page.expect_download() as png:
        page.locator("#overview-map .modebar-btn[data-title^='Download plot']").click()
    assert png.value.suggested_filename == "overview-map.png"
    assert Path(png.value.path()).read_bytes()[:4] == b"\x89PNG"
    assert problems_of(watch) == []


def test_scenario_page_compares_an_event_with_the_baseline_run(
    page: Page, served: Served, watch: PageWatch
) -> None:
    page.goto(served.url + "/scenario")
    rows = page.locator("#scn-kpis tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_contain_text("cn-2025-april")
    expect(rows.nth(1).locator("td").first).to_contain_text("baseline")
    lost = rows.nth(0).locator("td").nth(2).inner_text()
    assert lost.startswith("$")
    assert lost not in ("$0", "$0.00")
    assert problems_of(watch) == []
