"""The API refuses YAML past the loader's limits and keeps serving afterwards."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
