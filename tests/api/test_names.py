"""A name is a name: no request to the server reads a file or folder of the server's disk.

Every operation of the REST API and every callback of the dashboard is tried with the
places a secret could be read from — an absolute path to a secret file, to a scenario file,
to a valid dataset folder, and a *name* that happens to be a folder in the server's working
directory — wherever it takes a value. The secret must never come back: not in a response,
not in a stored run's error. The operations and callbacks are read from the app itself, so
a new route or callback is covered without being listed here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reechain.server import create_server
from reechain.store import Store
from tests.api.conftest import LOCAL
from tests.helpers import copy_sample

SECRET = "TOP-SECRET-b41c7e0d"
NAMEISH = {"name", "dataset", "scenario", "partnership", "policy", "demand", "table"}
"""Parameters and fields that name something stored or bundled."""


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The values to try: paths to secret files and folders, and a name that is a folder in
    the server's working directory."""
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(
        f"name: s\ndataset: sample\ntitle: {SECRET}\nhorizon_months: 6\n", encoding="utf-8"
    )
    folder = copy_sample(tmp_path / "secretdata")
    meta = (folder / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(
        meta.replace('name = "sample"', 'name = "secretdata"').replace(
            'title = "', f'title = "{SECRET} '
        ),
        encoding="utf-8",
    )
    (tmp_path / "secret.csv").write_text(f"a,b\n{SECRET},1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # "secretdata" is also a folder where the server runs
    return [
        str(tmp_path / "secret.txt"),
        str(tmp_path / "secret.yaml"),
        str(folder),
        "secretdata",
        "secret.yaml",
        "../" + tmp_path.name + "/secret.txt",
    ]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with TestClient(create_server(store), base_url=LOCAL) as found:
        yield found
    store.close()


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [(m.upper(), path, op) for path, ops in spec["paths"].items() for m, op in ops.items()]


def _bodies(value: str) -> dict[str, list[dict[str, Any]]]:
    """JSON bodies that carry ``value`` where a name goes, by operation path."""
    scenario = f"name: s\ndataset: {value}\nhorizon_months: 6\n"
    with_demand = f"name: s\ndataset: sample\ndemand: {value}\nhorizon_months: 6\n"
    partnership = (
        f"name: p\ndataset: sample\npartners: [USA, JPN]\ncandidates: {value}\nhorizon_years: 2\n"
    )
    runs = [
        {"kind": kind, "dataset": value, "scenario": ""} for kind in ("summary", "simulate")
    ] + [
        {"kind": "simulate", "dataset": "sample", "scenario": value},
        {"kind": "risk", "dataset": "sample", "scenario": value, "params": {"runs": 2}},
        {"kind": "risk", "dataset": "sample", "params": {"runs": 2, "policy": value}},
        {"kind": "risk", "dataset": "sample", "params": {"runs": 2, "demand": value}},
        {"kind": "simulate", "dataset": "sample", "scenario": "s", "params": {"demand": value}},
        {"kind": "optimize", "dataset": "sample", "params": {"partnership_yaml": partnership}},
        {
            "kind": "optimize",
            "dataset": "sample",
            "params": {"partnership_yaml": partnership, "candidates_file": value},
        },
    ]
    return {
        "/api/runs": runs,
        "/api/scenarios": [
            {"name": value, "body": scenario},
            {"name": "s", "body": scenario},
            {"name": "s", "body": with_demand},
        ],
        "/api/scenarios/validate": [{"body": scenario}, {"body": with_demand}],
        "/api/scenarios/{name}": [{"body": scenario}],
        "/api/datasets": [{"meta": {"name": value}, "tables": {}}],
    }


def _finished_runs(client: TestClient) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 300  # the first simulation compiles the kernel
    while time.monotonic() < deadline:
        runs: list[dict[str, Any]] = client.get("/api/runs?limit=500").json()
        if all(r["status"] not in ("pending", "running") for r in runs):
            return runs
        time.sleep(0.1)
    raise AssertionError("runs did not finish")


def test_no_api_operation_reads_a_path_it_is_given(client: TestClient, secrets: list[str]) -> None:
    leaks = []
    tried = 0
    for method, path, op in _operations(client):
        params = [p for p in op.get("parameters", []) if p["name"] in NAMEISH]
        for value in secrets:
            for param in params:
                url = path
                query: dict[str, str] = {}
                for p in op.get("parameters", []):
                    filled = value if p is param else ("sample" if p["in"] == "path" else None)
                    if p["name"] == "region" and p.get("required"):
                        filled = "JPN"
                    if filled is None:
                        continue
                    if p["in"] == "path":
                        url = url.replace("{" + p["name"] + "}", filled.replace("/", "%2F"))
                    else:
                        query[p["name"]] = filled
                url = url.replace("{run_id}", "x")
                body = {"body": "name: s\ndataset: sample\n"} if method == "PUT" else None
                response = client.request(method, url, params=query, json=body)
                tried += 1
                found_it = method == "GET" and response.status_code == 200
                if SECRET in response.text or found_it:
                    leaks.append((method, url, query, response.status_code, response.text[:120]))
            for body in _bodies(value).get(path, []) if method in ("POST", "PUT") else []:
                url = path.replace("{name}", "s")
                response = client.request(method, url, json=body)
                tried += 1
                if SECRET in response.text:
                    leaks.append((method, url, body, response.status_code, response.text[:120]))
    for run in _finished_runs(client):
        if SECRET in json.dumps(run) or run["status"] == "done":  # each names a secret
            leaks.append(("run", run["kind"], run["dataset"], run["scenario"], run["error"]))
    assert tried > 100
    assert leaks == []


def _callbacks(client: TestClient) -> list[tuple[str, dict[str, Any]]]:
    dash = client.app.state.dashboard  # type: ignore[attr-defined]
    return list(dash.callback_map.items())


def _outputs(key: str) -> list[dict[str, str]] | dict[str, str]:
    parts = [p for p in key.split("@")[0].strip(".").split("...") if p]
    found = [dict(zip(("id", "property"), p.rsplit(".", 1), strict=True)) for p in parts]
    return found if key.startswith("..") else found[0]


def _value(prop: str, value: str) -> Any:
    if prop in ("n_clicks", "n_intervals"):
        return 1
    if prop == "contents":
        return None
    return value


def test_no_dashboard_callback_reads_a_path_it_is_given(
    client: TestClient, secrets: list[str]
) -> None:
    leaks = []
    tried = 0
    for key, spec in _callbacks(client):
        fields = [*spec["inputs"], *spec.get("state", [])]
        if any(f["id"].startswith("{") for f in fields):
            continue  # pattern-matching ids (the scenario form's parameters) carry numbers
        for value in secrets:
            body = {
                "output": key,
                "outputs": _outputs(key),
                "inputs": [{**f, "value": _value(f["property"], value)} for f in spec["inputs"]],
                "state": [
                    {**f, "value": _value(f["property"], value)} for f in spec.get("state", [])
                ],
                "changedPropIds": [f"{f['id']}.{f['property']}" for f in spec["inputs"]],
            }
            response = client.post("/_dash-update-component", json=body)
            tried += 1
            if SECRET in response.text:
                leaks.append((key, value, response.text[:160]))
    assert tried > 50
    assert leaks == []


def test_a_partnership_name_that_is_a_file_here_is_not_read(secrets: list[str]) -> None:
    from reechain.errors import NotFoundError
    from reechain.names import names_only
    from reechain.workflows.optimize import partnership_source

    with names_only(), pytest.raises(NotFoundError) as info:
        partnership_source("secret.yaml")  # a valid name, and a file in the working directory
    assert SECRET not in str(info.value)
