"""End to end through the UI: run and compare a scenario, a bad upload, downloads."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

import reechain
from reechain import workflows
from tests.web.conftest import Served, problems_of, screenshot, settled
from tests.web.live import PageWatch


def test_scenario_is_edited_run_and_compared(page: Page, served: Served, watch: PageWatch) -> None:
    runs_before = {r.id for r in served.store.list_runs("simulate", 1000)}
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)
    horizon = page.get_by_label("Horizon (months)")
    expect(horizon).to_be_visible()
    horizon.fill("18")
    horizon.press("Tab")
    page.get_by_role("button", name="Run scenario").click()
    status = page.locator("#scn-status")
    expect(status).to_contain_text("done", timeout=60_000)
    # the new run joins the comparison: three runs side by side, one of them the edit
    rows = page.locator("#scn-kpis tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#scn-kpis")).to_contain_text("-edit-")
    expect(page.locator("#scn-price .scatterlayer .trace")).to_have_count(4)  # + baseline
    expect(page.locator("#scn-progress")).to_have_attribute("value", "1")
    settled(page)
    screenshot(page, "scenario-compared")
    new = [r for r in served.store.list_runs("simulate", 1000) if r.id not in runs_before]
    assert len(new) == 1
    assert new[0].status == "done"
    assert "-edit-" in new[0].scenario
    assert new[0].params["months"] == 18
    saved = [s["name"] for s in served.store.list_scenarios()]
    assert new[0].scenario in saved
    assert problems_of(watch) == []


def test_briefing_downloads_from_the_scenario_page(page: Page, served: Served) -> None:
    page.goto(served.url + "/scenario")
    expect(page.locator("#scn-kpis tbody tr")).to_have_count(2)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download briefing of the first run").click()
    payload = Path(download.value.path()).read_bytes()
    assert payload.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def _bad_workbook(folder: Path) -> Path:
    path = workflows.export_dataset(reechain.load_dataset("sample"), folder / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["processes"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("region") + 1, value="XXX")
    sheet.cell(row=3, column=header.index("capacity_per_year") + 1, value=-5)
    book.save(path)
    return path


def test_bad_upload_shows_its_errors_and_imports_nothing(
    page: Page, served: Served, watch: PageWatch, tmp_path: Path
) -> None:
    before = [(d.name, d.content_hash) for d in served.store.list_datasets()]
    page.goto(served.url + "/data")
    expect(page.locator("#data-count")).to_contain_text("figures")
    page.set_input_files("#data-upload input[type=file]", str(_bad_workbook(tmp_path)))
    alert = page.locator("#data-upload-error")
    expect(alert).to_contain_text("was not imported")
    problems = page.locator("#data-problems tbody tr")
    expect(problems.first).to_be_visible()
    assert problems.count() >= 2
    expect(page.locator("#data-problems")).to_contain_text("XXX")
    expect(page.locator("#data-problems")).to_contain_text("-5")
    expect(page.locator("#data-problems")).to_contain_text("bad.xlsx")
    settled(page)
    screenshot(page, "data-bad-upload")
    assert [(d.name, d.content_hash) for d in served.store.list_datasets()] == before
    assert problems_of(watch) == []


def test_good_upload_is_imported(page: Page, served: Served, tmp_path: Path) -> None:
    path = workflows.export_dataset(reechain.load_dataset("sample"), tmp_path / "sample.xlsx")
    page.goto(served.url + "/data")
    expect(page.locator("#data-count")).to_contain_text("figures")
    page.get_by_label("replace a stored dataset of the same name").check()
    page.set_input_files("#data-upload input[type=file]", str(path))
    expect(page.locator("#data-upload-ok")).to_contain_text("Imported sample")
    assert "sample" in {d.name for d in served.store.list_datasets()}
