"""Future years over HTTP (issue 18): the metrics routes take ``case``; ``/outlook``."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_concentration_of_a_future_year_in_the_expected_case_has_its_range(
    client: TestClient,
) -> None:
    response = client.get(
        "/api/metrics/concentration",
        params={"stage": "separate", "per": "stage", "year": 2030, "case": "expected"},
    )
    assert response.status_code == 200, response.text
    (record,) = response.json()
    assert record["year"] == 2030
    assert record["top1_share_p10"] <= record["top1_share_p90"]


def test_the_outlook_route_answers_per_case_and_year(client: TestClient) -> None:
    response = client.get(
        "/api/metrics/outlook",
        params={"case": "announced", "first_year": 2030, "last_year": 2030, "stage": "mine"},
    )
    assert response.status_code == 200, response.text
    (row,) = response.json()
    assert (row["case"], row["year"], row["stage"]) == ("announced", 2030, "mine")


def test_an_unknown_case_is_a_422(client: TestClient) -> None:
    response = client.get("/api/metrics/concentration", params={"year": 2030, "case": "x"})
    assert response.status_code == 422
