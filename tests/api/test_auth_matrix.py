"""Who may do what: every endpoint × every role × own and other workspace.

Roles are ordered viewer < analyst < admin. Without a token a request is 401; with too
low a role it is 403; in another team's workspace a named resource does not exist (404).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import reechain
from reechain.api import create_app
from reechain.store import Store
from tests.api.conftest import LOCAL, Team

SCENARIO = "name: s1\ndataset: sample\nhorizon_months: 6\n"
ROLE_RANK = {None: -1, "viewer": 0, "analyst": 1, "admin": 2}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield store
    store.close()


def _team(store: Store) -> Team:
    tokens = {}
    for workspace in ("team-a", "team-b"):
        for role in ("viewer", "analyst", "admin"):
            store.add_user(f"{role}-{workspace}", role, workspace)
            tokens[f"{role}@{workspace}"] = store.create_token(f"{role}-{workspace}")
    return Team(tokens)


def _seed(store: Store, workspace: str) -> str:
    """Give a workspace a stored dataset, a scenario and a finished run; return the run id."""
    from reechain.workflows import jobs

    store.add_dataset(reechain.load_dataset("sample"), workspace=workspace, replace=True)
    store.save_scenario("s1", "sample", SCENARIO, workspace=workspace)
    run = jobs.start(store, "summary", "sample", workspace=workspace)
    jobs.execute(store, run)
    return run


def _endpoints(run: str) -> list[tuple[str, str, str, dict[str, object] | None]]:
    sample = reechain.load_dataset("sample")
    dataset_json = {
        "meta": sample.meta.model_dump(mode="json"),
        "tables": {n: sample.records(n) for n in sample.tables},
    }
    return [
        ("GET", "/api/datasets", "viewer", None),
        ("GET", "/api/datasets/sample/rows", "viewer", None),
        ("GET", "/api/datasets/sample/summary", "viewer", None),
        ("POST", "/api/datasets?replace=true", "analyst", dataset_json),
        ("GET", "/api/scenarios", "viewer", None),
        ("GET", "/api/scenarios/s1", "viewer", None),
        ("POST", "/api/scenarios/validate", "viewer", {"body": SCENARIO}),
        ("PUT", "/api/scenarios/s1", "analyst", {"body": SCENARIO}),
        ("POST", "/api/runs", "analyst", {"kind": "summary", "dataset": "sample"}),
        ("GET", "/api/runs", "viewer", None),
        ("GET", f"/api/runs/{run}", "viewer", None),
        ("GET", f"/api/runs/{run}/results/stages", "viewer", None),
        ("POST", f"/api/runs/{run}/cancel", "analyst", None),
        ("DELETE", "/api/scenarios/s1", "analyst", None),
        ("DELETE", "/api/datasets/sample", "admin", None),
    ]


def test_every_endpoint_checks_the_role(sqlite_store: Store) -> None:
    team = _team(sqlite_store)
    wrong = []
    with TestClient(create_app(sqlite_store, auth=True), base_url=LOCAL) as client:
        for role in (None, "viewer", "analyst", "admin"):
            run = _seed(sqlite_store, "team-a")
            for method, path, needed, body in _endpoints(run):
                _seed(sqlite_store, "team-a")
                headers = team.headers(f"{role}@team-a")
                response = client.request(method, path, json=body, headers=headers)
                if role is None:
                    expected = {401}
                elif ROLE_RANK[role] < ROLE_RANK[needed]:
                    expected = {403}
                else:
                    expected = {200, 201, 202, 204}
                if response.status_code not in expected:
                    wrong.append((role, method, path, response.status_code, response.text[:80]))
    assert wrong == []


def test_another_workspace_is_invisible(sqlite_store: Store) -> None:
    team = _team(sqlite_store)
    run_a = _seed(sqlite_store, "team-a")
    with TestClient(create_app(sqlite_store, auth=True), base_url=LOCAL) as client:
        b = team.headers("admin@team-b")
        assert client.get("/api/scenarios/s1", headers=b).status_code == 404
        assert client.get(f"/api/runs/{run_a}", headers=b).status_code == 404
        assert client.get(f"/api/runs/{run_a}/results/stages", headers=b).status_code == 404
        assert client.post(f"/api/runs/{run_a}/cancel", headers=b).status_code == 404
        assert client.get("/api/runs", headers=b).json() == []
        assert client.get("/api/scenarios", headers=b).json() == []
        stored = [d for d in client.get("/api/datasets", headers=b).json() if d["stored"]]
        assert stored == []
        assert client.delete("/api/datasets/sample", headers=b).status_code == 404
        a = team.headers("viewer@team-a")
        assert client.get(f"/api/runs/{run_a}", headers=a).status_code == 200


def test_revoked_and_unknown_tokens_are_refused(sqlite_store: Store) -> None:
    team = _team(sqlite_store)
    with TestClient(create_app(sqlite_store, auth=True), base_url=LOCAL) as client:
        headers = team.headers("viewer@team-a")
        assert client.get("/api/datasets", headers=headers).status_code == 200
        sqlite_store.revoke("viewer-team-a")
        assert client.get("/api/datasets", headers=headers).status_code == 401
        bogus = {"Authorization": "Bearer rc_not-a-token"}
        assert client.get("/api/datasets", headers=bogus).status_code == 401
        assert client.get("/api/health").status_code == 200
