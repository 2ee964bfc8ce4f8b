"""With auth on: sign in with a token; a viewer sees runs but cannot start one."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.conftest import Served, screenshot, settled


def _sign_in(page: Page, served: Served, role: str) -> None:
    page.goto(served.url + "/scenario")
    expect(page).to_have_url(served.url + "/login")  # no token: the dashboard asks for one
    page.get_by_label("API token").fill(served.tokens[role])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".user-badge")).to_contain_text(f"{role} · workspace team")


def test_dashboard_refuses_requests_without_a_token(page: Page, served_with_auth: Served) -> None:
    response = page.request.post(served_with_auth.url + "/_dash-update-component", data={})
    assert response.status == 401
    page.goto(served_with_auth.url + "/login")
    page.get_by_label("API token").fill("rc_not-a-token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")


def test_viewer_cannot_start_runs(page: Page, served_with_auth: Served) -> None:
    store = served_with_auth.store
    before = len(store.list_runs(workspace="team"))
    _sign_in(page, served_with_auth, "viewer")
    page.goto(served_with_auth.url + "/scenario")
    run = page.get_by_role("button", name="Run scenario")
    expect(run).to_be_disabled()
    expect(page.locator("#scn-run-note")).to_contain_text("Viewers")
    expect(page.locator("#data-upload")).to_have_count(0)
    settled(page)
    screenshot(page, "scenario-viewer")
    # a tampered page that clicks anyway gets nowhere: the server checks the role again
    page.evaluate("() => window.dash_clientside.set_props('scn-run', {n_clicks: 1})")
    expect(page.locator("#scn-problems")).to_contain_text("needs the analyst role")
    assert len(store.list_runs(workspace="team")) == before
    # nor start a risk or optimiser run, nor import data
    for name, button in (("risk", "Run risk analysis"), ("partnership", "Run optimiser")):
        page.goto(f"{served_with_auth.url}/{name}")
        expect(page.get_by_role("button", name=button)).to_be_disabled()
    page.goto(served_with_auth.url + "/data")
    expect(page.locator("#data-upload .upload")).to_have_attribute("aria-disabled", "true")


def test_analyst_may_start_runs(page: Page, served_with_auth: Served) -> None:
    _sign_in(page, served_with_auth, "analyst")
    page.goto(served_with_auth.url + "/scenario")
    expect(page.get_by_role("button", name="Run scenario")).to_be_enabled()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(served_with_auth.url + "/login")
