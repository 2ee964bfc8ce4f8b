"""The API refuses YAML past the loader's limits and keeps serving afterwards."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

import reechain
from tests.helpers import read_table
from tests.scenario.test_yaml_limits import RECURSIVE, VERY_DEEP, alias_bomb


def test_the_api_refuses_an_alias_bomb_and_keeps_serving(client: TestClient) -> None:
    for text in (alias_bomb(), RECURSIVE, VERY_DEEP):
        verdict = client.post("/api/scenarios/validate", json={"body": text})
        assert verdict.status_code == 200
        assert verdict.json()["valid"] is False
        assert "expected YAML with" in verdict.json()["problems"][0]
        saved = client.post("/api/scenarios", json={"name": "bomb", "body": text})
        assert saved.status_code == 422
    assert client.get("/api/datasets").status_code == 200
    assert client.get("/api/scenarios").status_code == 200


def test_non_finite_numbers_in_a_request_are_422(client: TestClient) -> None:
    run = client.post(
        "/api/runs",
        content='{"kind": "simulate", "dataset": "sample", "params": {"rate": NaN}}',
        headers={"Content-Type": "application/json"},
    )
    assert run.status_code == 422
    assert "params.rate: got NaN or infinity" in run.text
    row: dict[str, object] = dict(read_table(reechain.bundled_path("sample"), "prices")[0])
    row["price_usd_per_kg"] = float("inf")
    tables = {"prices": [row]}
    body = json.dumps({"meta": {"name": "x", "base_year": 2024}, "tables": tables})
    imported = client.post(
        "/api/datasets", content=body, headers={"Content-Type": "application/json"}
    )
    assert imported.status_code == 422
    assert any(
        p["column"] == "price_usd_per_kg" and p["found"] == "inf"
        for p in imported.json()["problems"]
    ), imported.json()
    assert client.get("/api/datasets").status_code == 200
