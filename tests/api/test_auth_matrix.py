"""Who may do what: every operation of the OpenAPI × every caller × own and other workspace.

Roles are ordered viewer < analyst < admin (README): a viewer reads, an analyst also
imports data, saves scenarios and starts runs, an admin also deletes. Without a token, with
a token nobody issued, or with a revoked one a request is 401; with too low a role it is
403; in another team's workspace a stored thing does not exist (404). The operations are
read from the app's own OpenAPI, so a new route fails this test until it is given its
example request here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import reechain
from reechain.api import create_app
from reechain.data.dataset import Dataset
from reechain.store import Store
from reechain.workflows import jobs
from tests.api.conftest import LOCAL

SCENARIO = "name: s1\ndataset: sample\nhorizon_months: 6\n"
ROLE_RANK = {"viewer": 0, "analyst": 1, "admin": 2}
STORED = "teamdata"
"""A dataset stored in team-a only (not a bundled name, which every workspace sees)."""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def needed_role(method: str, path: str) -> str | None:
    """The README's rule: reads need a viewer, changes an analyst, deletions an admin."""
    if path == "/api/health":
        return None
    if method == "DELETE":
        return "admin"
    if method == "GET" or path == "/api/scenarios/validate":
        return "viewer"
    return "analyst"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield opened
    opened.close()


def _stored_dataset() -> Dataset:
    sample = reechain.load_dataset("sample")
    meta = sample.meta.model_copy(update={"name": STORED})
    return Dataset(meta, sample.tables, sample.lines, sample.source)


def _tokens(store: Store) -> dict[str, str]:
    tokens = {}
    for workspace in ("team-a", "team-b"):
        for role in ROLE_RANK:
            store.add_user(f"{role}-{workspace}", role, workspace)
            tokens[f"{role}@{workspace}"] = store.create_token(f"{role}-{workspace}")
    store.add_user("gone-team-a", "admin", "team-a")
    tokens["revoked"] = store.create_token("gone-team-a")
    store.revoke("gone-team-a")
    return tokens


def _seed(store: Store) -> str:
    """Give team-a a stored dataset, a scenario and a finished run; return the run id."""
    store.add_dataset(_stored_dataset(), workspace="team-a", replace=True)
    store.save_scenario("s1", "sample", SCENARIO, workspace="team-a")
    run = jobs.start(store, "summary", STORED, workspace="team-a")
    jobs.execute(store, run)
    return run


def _requests(run: str, workbook: bytes) -> dict[tuple[str, str], dict[str, Any]]:
    """One example request per operation: path, and json body or raw content."""
    sample = reechain.load_dataset("sample")
    dataset_json = {
        "meta": {**sample.meta.model_dump(mode="json"), "name": STORED},
        "tables": {n: sample.records(n) for n in sample.tables},
    }
    return {
        ("GET", "/api/health"): {"url": "/api/health"},
        ("GET", "/api/datasets"): {"url": "/api/datasets"},
        ("POST", "/api/datasets"): {"url": "/api/datasets?replace=true", "json": dataset_json},
        ("GET", "/api/datasets/{name}/rows"): {"url": f"/api/datasets/{STORED}/rows"},
        ("GET", "/api/datasets/{name}/summary"): {"url": f"/api/datasets/{STORED}/summary"},
        ("POST", "/api/datasets/upload"): {
            "url": "/api/datasets/upload?replace=true",
            "content": workbook,
            "headers": {"content-type": XLSX},
        },
        ("DELETE", "/api/datasets/{name}"): {"url": f"/api/datasets/{STORED}"},
        ("GET", "/api/scenarios"): {"url": "/api/scenarios"},
        ("POST", "/api/scenarios"): {
            "url": "/api/scenarios",
            "json": {"name": "s2", "body": SCENARIO.replace("s1", "s2")},
        },
        ("GET", "/api/scenarios/{name}"): {"url": "/api/scenarios/s1"},
        ("PUT", "/api/scenarios/{name}"): {"url": "/api/scenarios/s1", "json": {"body": SCENARIO}},
        ("DELETE", "/api/scenarios/{name}"): {"url": "/api/scenarios/s1"},
        ("POST", "/api/scenarios/validate"): {
            "url": "/api/scenarios/validate",
            "json": {"body": SCENARIO},
        },
        ("POST", "/api/runs"): {"url": "/api/runs", "json": {"kind": "summary", "dataset": STORED}},
        ("GET", "/api/runs"): {"url": "/api/runs"},
        ("GET", "/api/runs/{run_id}"): {"url": f"/api/runs/{run}"},
        ("POST", "/api/runs/{run_id}/cancel"): {"url": f"/api/runs/{run}/cancel"},
        ("GET", "/api/runs/{run_id}/results/{name}"): {"url": f"/api/runs/{run}/results/stages"},
        ("GET", "/api/metrics/concentration"): {
            "url": f"/api/metrics/concentration?dataset={STORED}"
        },
        ("GET", "/api/metrics/reliance"): {"url": f"/api/metrics/reliance?dataset={STORED}"},
        ("GET", "/api/metrics/exposure"): {
            "url": f"/api/metrics/exposure?dataset={STORED}&region=JPN"
        },
        ("GET", "/api/metrics/criticality"): {
            "url": f"/api/metrics/criticality?dataset={STORED}&region=JPN"
        },
        ("GET", "/api/metrics/outlook"): {
            "url": f"/api/metrics/outlook?dataset={STORED}&case=announced&first_year=2030"
            "&last_year=2030"
        },
    }


def _operations(client: TestClient) -> set[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}


def _workbook(tmp_path: Path) -> bytes:
    out = reechain.export_dataset(_stored_dataset(), tmp_path / "teamdata.xlsx")
    return Path(out).read_bytes()


def _send(client: TestClient, request: dict[str, Any], headers: dict[str, str]) -> Any:
    method_headers = {**request.get("headers", {}), **headers}
    kwargs = {k: request[k] for k in ("json", "content") if k in request}
    return client.request(request["method"], request["url"], headers=method_headers, **kwargs)


def test_every_operation_is_in_the_matrix(store: Store, tmp_path: Path) -> None:
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        assert _operations(client) == set(_requests("r", b""))


@pytest.mark.parametrize(
    "caller", ["no token", "unknown token", "revoked", "viewer", "analyst", "admin"]
)
def test_every_operation_checks_the_caller(store: Store, tmp_path: Path, caller: str) -> None:
    tokens = _tokens(store)
    workbook = _workbook(tmp_path)
    bearer = {
        "no token": None,
        "unknown token": "rc_not-a-token",
        "revoked": tokens["revoked"],
    }.get(caller, tokens.get(f"{caller}@team-a"))
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    wrong = []
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        for (method, path), request in _requests(_seed(store), workbook).items():
            run = _seed(store)  # each request on a fresh team-a (deletions, cancels)
            request = {**_requests(run, workbook)[method, path], "method": method}
            response = _send(client, request, headers)
            needed = needed_role(method, path)
            if needed is None:
                expected = {200}
            elif caller not in ROLE_RANK:
                expected = {401}
            elif ROLE_RANK[caller] < ROLE_RANK[needed]:
                expected = {403}
            else:
                expected = {200, 201, 202, 204}
            if response.status_code not in expected:
                wrong.append((method, path, response.status_code, response.text[:100]))
    assert wrong == []


def test_another_workspace_sees_nothing_of_team_a(store: Store, tmp_path: Path) -> None:
    """Reads, deletions and cancels that name team-a's things find nothing from team-b;
    lists show none of them. (A POST or PUT from team-b acts in team-b's own workspace.)"""
    tokens = _tokens(store)
    workbook = _workbook(tmp_path)
    other = {"Authorization": f"Bearer {tokens['admin@team-b']}"}
    own = {"Authorization": f"Bearer {tokens['viewer@team-a']}"}
    wrong = []
    with TestClient(create_app(store, auth=True), base_url=LOCAL) as client:
        for (method, path), request in _requests(_seed(store), workbook).items():
            if method in ("POST", "PUT") and not path.endswith("/cancel"):
                continue
            request = {**_requests(_seed(store), workbook)[method, path], "method": method}
            response = _send(client, request, other)
            names_team_a = "{" in path or STORED in request["url"]
            if names_team_a and response.status_code != 404:
                wrong.append((method, path, response.status_code, response.text[:100]))
            elif not names_team_a and path != "/api/health":
                listed = {str(r.get("name", r.get("id"))) for r in response.json()}
                if listed & {STORED, "s1"} or any(r.get("stored") for r in response.json()):
                    wrong.append((method, path, "lists team-a's", sorted(listed)[:5]))
            if method == "GET" and names_team_a:  # while team-a still sees its own
                assert _send(client, request, own).status_code == 200, (method, path)
    assert wrong == []
