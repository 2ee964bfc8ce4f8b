"""The dashboard's scenario YAML box reads YAML within limits: an alias bomb is one problem."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.scenario.test_yaml_limits import alias_bomb
from tests.web.conftest import Served, problems_of
from tests.web.live import PageWatch


def test_an_alias_bomb_in_the_yaml_box_is_shown_as_a_problem(
    page: Page, served: Served, watch: PageWatch
) -> None:
    runs_before = {r.id for r in served.store.list_runs("simulate", 1000)}
    page.goto(served.url + "/scenario")
    box = page.locator("#scn-yaml")
    expect(box).not_to_have_value("", timeout=30_000)
    page.get_by_text("Edit the scenario file (YAML)").click()
    box.fill(alias_bomb())
    page.get_by_role("button", name="Run scenario").click()
    expect(page.locator("#scn-problems")).to_contain_text(
        "expected at most 100000 values", timeout=30_000
    )
    assert {r.id for r in served.store.list_runs("simulate", 1000)} == runs_before
    assert problems_of(watch) == []
