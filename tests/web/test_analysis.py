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
    # the bill split: bill, avoided loss, net benefit and standalone cost per partner
    expect(page.locator("#opt-shares .barlayer .trace")).to_have_count(4)
    expect(page.locator("#opt-bill-table tbody tr")).to_have_count(2)
    expect(page.locator("#opt-bill-table")).to_contain_text("standalone net benefit (USD)")
    assert page.locator("#opt-portfolio-table tbody tr").count() > 0
    expect(page.locator("#opt-portfolio-table")).to_contain_text("purchase (USD)")
    # the engine's check in and out of sample, with intervals, and the engine loop
    expect(page.locator("#opt-check-table")).to_contain_text("out-of-sample, engine")
    expect(page.locator("#opt-check-table")).to_contain_text("expected loss high (USD)")
    assert page.locator("#opt-loop-table tbody tr").count() >= 1
    with page.expect_download(timeout=60_000) as briefing:
        page.get_by_role("button", name="Download briefing").click()
    assert Path(briefing.value.path()).read_bytes().startswith(b"%PDF")
    settled(page)
    screenshot(page, "partnership")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert problems_of(watch) == []


def test_partnership_page_shows_the_warning_of_a_run_whose_checks_disagree(
    page: Page, served: Served, watch: PageWatch
) -> None:
    """A finished run whose out-of-sample estimate lies outside the in-sample interval: the
    page opens on it and shows the warning above its numbers, and the check's intervals."""
    import json

    store = served.store
    run_id = store.create_run("optimize", "default", scenario="us-japan", params={})
    store.start_run(run_id)
    warning = "out-of-sample expected loss USD 90.00 bn is higher than in sample"
    check = [
        {
            "evaluation": label,
            "histories": n,
            "expected_loss_usd": mean,
            "expected_loss_low_usd": mean - 5e9,
            "expected_loss_high_usd": mean + 5e9,
            "p95_lost_output_usd": 1e11,
        }
        for label, n, mean in (
            ("in-sample, engine", 200, 40e9),
            ("out-of-sample, engine", 500, 90e9),
        )
    ]
    tables = {
        "summary": [{"quantity": "status", "value": "optimal", "unit": ""}],
        "portfolio": [],
        "out_of_sample": check,
        "warnings": [{"warning": warning}],
    }
    store.finish_run(
        run_id,
        {name: ("application/json", json.dumps(rows).encode()) for name, rows in tables.items()},
    )
    page.goto(served.url + "/partnership")
    expect(page.locator("#opt-warning")).to_contain_text(warning, timeout=30_000)
    expect(page.locator("#opt-warning [role=alert]")).to_have_text("Warning")
    expect(page.locator("#opt-check-table tbody tr")).to_have_count(2)
    expect(page.locator("#opt-summary-table")).not_to_contain_text(warning)
    settled(page)
    assert problems_of(watch) == []


def test_partnership_page_shows_the_focus_countrys_part_of_the_bill(
    page: Page, served: Served, watch: PageWatch
) -> None:
    """The header's country focus holds on the Partnership page: the chosen run's bill
    shows the focus country's part, and a country outside the partnership is told so."""
    import json

    store = served.store
    run_id = store.create_run("optimize", "default", scenario="us-japan", params={})
    store.start_run(run_id)
    bill = [
        {"partner": partner, "bill_usd": pay, "bill_share": share, "avoided_loss_usd": avoided,
         "net_benefit_usd": avoided - pay, "standalone_cost_usd": alone,
         "standalone_net_benefit_usd": alone_net, "rule": "Shapley value"}
        for partner, pay, share, avoided, alone, alone_net in (
            ("USA", 3e8, 0.6, 5e9, 4e8, 4.1e9),
            ("JPN", 2e8, 0.4, 8e9, 3e8, 7.2e9),
        )
    ]  # fmt: skip
    tables = {
        "summary": [{"quantity": "status", "value": "optimal", "unit": ""}],
        "portfolio": [],
        "bill": bill,
    }
    store.finish_run(
        run_id,
        {name: ("application/json", json.dumps(rows).encode()) for name, rows in tables.items()},
    )
    page.goto(served.url + "/partnership?region=USA")
    focus = page.locator("#opt-focus-table")
    expect(focus).to_contain_text("United States in this partnership", timeout=30_000)
    expect(page.locator("#opt-focus-table tbody tr")).to_have_count(1)
    expect(focus).to_contain_text("$300.0 m")
    page.goto(served.url + "/partnership?region=DEU")
    expect(page.locator("#opt-focus")).to_contain_text("Germany is not a partner in this run")
    settled(page)
    assert problems_of(watch) == []
