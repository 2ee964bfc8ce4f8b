"""The REST API for one analyst: datasets, scenarios and runs end to end, on both stores."""

from __future__ import annotations

import io
import time
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

import reechain
from reechain.store import Store
from tests.api.conftest import LOCAL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wait_for(client: TestClient, run_id: str, timeout: float = 300) -> dict[str, Any]:
    """Return the run once finished. The wait is long because a fresh checkout's first run
    compiles the engine's kernel (about 20 s alone, more beside other tests); it bounds a
    hang, it does not time anything."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run: dict[str, Any] = client.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("pending", "running"):
            return run
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} did not finish in {timeout} s")


def sample_json() -> dict[str, Any]:
    dataset = reechain.load_dataset("sample")
    return {
        "meta": dataset.meta.model_dump(mode="json"),
        "tables": {name: dataset.records(name) for name in dataset.tables},
    }


def test_health_names_the_database(client: TestClient, api_store: Store) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["auth"] is False
    assert body["database"] == api_store.dialect


def test_bundled_datasets_are_listed(client: TestClient) -> None:
    listed = {d["name"]: d for d in client.get("/api/datasets").json()}
    assert listed["sample"]["bundled"] is True
    assert listed["sample"]["stored"] is False


def test_import_a_dataset_as_json_then_read_it(client: TestClient) -> None:
    response = client.post("/api/datasets", json=sample_json())
    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 97
    rows = client.get(
        "/api/datasets/sample/rows", params={"table": "trade", "confidence": "low"}
    ).json()
    assert len(rows) == 4
    assert all(r["source"] for r in rows)
    again = client.post("/api/datasets", json=sample_json())
    assert again.status_code == 422
    assert "already stored; use --replace" in again.json()["detail"]
    assert (
        client.post("/api/datasets", params={"replace": True}, json=sample_json()).status_code
        == 201
    )


def test_a_bad_dataset_returns_every_problem_and_imports_nothing(client: TestClient) -> None:
    body = sample_json()
    body["tables"]["trade"][0]["importer"] = "CHM"
    body["tables"]["processes"][1]["capacity_per_year"] = -1
    response = client.post("/api/datasets", json=body)
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {(p["file"], p["column"], p["found"]) for p in problems} == {
        ("processes.csv", "capacity_per_year", "-1"),
        ("trade.csv", "importer", "CHM"),
    }
    assert next(p for p in problems if p["column"] == "importer")["hint"] == "did you mean 'CHN'?"
    assert [d for d in client.get("/api/datasets").json() if d["stored"]] == []


def test_import_a_workbook_upload(client: TestClient, tmp_path: Any) -> None:
    book = reechain.export_dataset(reechain.load_dataset("sample"), tmp_path / "s.xlsx")
    response = client.post(
        "/api/datasets/upload",
        content=book.read_bytes(),
        headers={"content-type": XLSX},
    )
    assert response.status_code == 201, response.text
    broken = client.post(
        "/api/datasets/upload", content=b"not a workbook", headers={"content-type": XLSX}
    )
    assert broken.status_code == 422
    assert broken.json()["problems"][0]["expected"] == "a readable .xlsx workbook"


def test_uploads_above_the_limit_are_refused(api_store: Store) -> None:
    from reechain.api import create_app

    with TestClient(create_app(api_store, max_upload_bytes=1000), base_url=LOCAL) as small:
        response = small.post(
            "/api/datasets/upload", content=b"x" * 2000, headers={"content-type": XLSX}
        )
    assert response.status_code == 413


def test_summary_by_stage(client: TestClient) -> None:
    stages = client.get("/api/datasets/sample/summary").json()
    assert [s["stage"] for s in stages] == ["mine", "separate", "metal", "magnet", "use"]
    missing = client.get("/api/datasets/sample/summary", params={"year": 2030})
    assert missing.status_code == 404
    assert missing.json()["detail"].startswith("dataset 'sample' has no data for 2030")


DY_CUT = """name: cut
dataset: sample
horizon_months: 12
events:
  - kind: export_restriction
    exporter: CHN
    commodities: [Dy_oxide]
    importers: [JPN]
    start: 2025-03
    duration_months: 3
    severity: 0.5
"""


def test_scenarios_create_read_update_delete(client: TestClient) -> None:
    created = client.post("/api/scenarios", json={"name": "cut", "body": DY_CUT})
    assert created.status_code == 201, created.text
    assert created.json()["dataset"] == "sample"
    assert client.post("/api/scenarios", json={"name": "cut", "body": DY_CUT}).status_code == 409
    assert [s["name"] for s in client.get("/api/scenarios").json()] == ["cut"]
    longer = DY_CUT.replace("horizon_months: 12", "horizon_months: 24")
    updated = client.put("/api/scenarios/cut", json={"body": longer})
    assert "horizon_months: 24" in updated.json()["body"]
    assert client.delete("/api/scenarios/cut").status_code == 204
    assert client.get("/api/scenarios/cut").status_code == 404


def test_a_bad_scenario_names_line_and_field(client: TestClient) -> None:
    bad = DY_CUT.replace("importers: [JPN]", "importers: [JNP]")
    verdict = client.post("/api/scenarios/validate", json={"body": bad}).json()
    assert verdict["valid"] is False
    assert verdict["problems"] == [
        "scenario (unsaved), line 8, events[0].importers[0]: got 'JNP', expected a region or group "
        "of dataset 'sample'; did you mean 'JPN'?"
    ]
    saved = client.post("/api/scenarios", json={"name": "cut", "body": bad})
    assert saved.status_code == 422
    assert saved.json()["problems"][0]["column"] == "events[0].importers[0]"
    renamed = client.put("/api/scenarios/other", json={"body": DY_CUT})
    assert renamed.status_code == 422
    assert "expected the name it is saved under, 'other'" in renamed.json()["detail"]


def test_scenario_yaml_is_parsed_safely(client: TestClient) -> None:
    evil = "!!python/object/apply:os.system ['echo hacked']\n"
    verdict = client.post("/api/scenarios/validate", json={"body": evil})
    assert verdict.json()["valid"] is False
    saved = client.post("/api/scenarios", json={"name": "evil", "body": evil})
    assert saved.status_code == 422


def test_a_simulation_runs_in_the_background(client: TestClient) -> None:
    assert client.post("/api/scenarios", json={"name": "cut", "body": DY_CUT}).status_code == 201
    started = client.post(
        "/api/runs", json={"kind": "simulate", "dataset": "sample", "scenario": "cut"}
    )
    run = wait_for(client, started.json()["id"])
    assert run["status"] == "done", run["error"]
    assert "kpis_sector" in run["outputs"]
    assert "monthly_commodity.parquet" in run["outputs"]
    kpis = client.get(f"/api/runs/{run['id']}/results/kpis_sector").json()
    assert {k["region"] for k in kpis} <= {"CHN", "AUS", "JPN", "USA"}
    table = client.get(f"/api/runs/{run['id']}/results/monthly_commodity.parquet")
    frame = pd.read_parquet(io.BytesIO(table.content))
    assert set(frame["region"]) == {"CHN", "AUS", "JPN", "USA"}


def test_a_run_goes_from_pending_to_done_with_its_outputs(client: TestClient) -> None:
    started = client.post("/api/runs", json={"kind": "summary", "dataset": "sample"})
    assert started.status_code == 202
    run = wait_for(client, started.json()["id"])
    assert run["status"] == "done"
    assert run["outputs"] == ["commodities", "residuals", "stages"]
    assert run["progress"] == 1.0
    stages = client.get(f"/api/runs/{run['id']}/results/stages").json()
    assert stages[0]["stage"] == "mine"
    csv = client.get(f"/api/runs/{run['id']}/results/stages", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("stage,")
    parquet = client.get(f"/api/runs/{run['id']}/results/stages", params={"format": "parquet"})
    assert list(pd.read_parquet(io.BytesIO(parquet.content))["stage"])[:2] == ["mine", "separate"]


def test_runs_are_listed_newest_first_with_their_outputs(client: TestClient) -> None:
    body = {"kind": "summary", "dataset": "sample"}
    ids = [client.post("/api/runs", json=body).json()["id"] for _ in range(3)]
    runs = [wait_for(client, run_id) for run_id in ids]
    listed = client.get("/api/runs").json()
    assert sorted(r["id"] for r in listed) == sorted(ids)
    newest_first = sorted((r["created_at"] for r in runs), reverse=True)
    assert [r["created_at"] for r in listed] == newest_first
    assert all(r["outputs"] == ["commodities", "residuals", "stages"] for r in listed)
    assert {r["id"]: r for r in listed} == {r["id"]: r for r in runs}
    assert len(client.get("/api/runs", params={"limit": 2}).json()) == 2
    assert client.get("/api/runs", params={"kind": "simulate"}).json() == []


def test_a_failed_run_says_why(client: TestClient) -> None:
    started = client.post("/api/runs", json={"kind": "summary", "dataset": "nope"})
    run = wait_for(client, started.json()["id"])
    assert run["status"] == "failed"
    assert run["error"].startswith("no dataset named 'nope'")
    assert client.get(f"/api/runs/{run['id']}/results/stages").status_code == 404


def test_an_unknown_kind_is_refused(client: TestClient) -> None:
    response = client.post("/api/runs", json={"kind": "sumary", "dataset": "sample"})
    assert response.status_code == 422
    assert "did you mean 'summary'" in response.json()["detail"]


def test_cancelling_a_finished_run_changes_nothing(client: TestClient) -> None:
    run = wait_for(
        client, client.post("/api/runs", json={"kind": "summary", "dataset": "sample"}).json()["id"]
    )
    assert client.post(f"/api/runs/{run['id']}/cancel").json()["status"] == "done"


@pytest.mark.parametrize("note", ["=cmd|' /C calc'!A0", "+SUM(1)", "@foo", "-2+3"])
def test_csv_downloads_neutralise_formulas(client: TestClient, note: str) -> None:
    body = sample_json()
    body["tables"]["trade"][0]["note"] = note
    assert client.post("/api/datasets", json=body).status_code == 201
    run = wait_for(
        client, client.post("/api/runs", json={"kind": "summary", "dataset": "sample"}).json()["id"]
    )
    assert run["status"] == "done"
    from reechain.exporting import records_csv

    text = records_csv([{"note": note}])
    assert text.splitlines()[1].startswith("'")


def test_workbook_sheets_are_read(tmp_path: Any) -> None:
    book = reechain.export_dataset(reechain.load_dataset("sample"), tmp_path / "s.xlsx")
    assert "dataset" in openpyxl.load_workbook(book).sheetnames


def test_concurrent_runs_and_requests_keep_the_store_whole(client: TestClient) -> None:
    """Many runs started at once, read while they run: every one ends done, with all outputs."""
    from concurrent.futures import ThreadPoolExecutor

    def start(_: int) -> str:
        response = client.post("/api/runs", json={"kind": "summary", "dataset": "sample"})
        assert response.status_code == 202
        return str(response.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(start, range(16)))
        listings = list(pool.map(lambda _: client.get("/api/runs").status_code, range(16)))
    assert set(listings) == {200}
    runs = [wait_for(client, run_id) for run_id in ids]
    assert {r["status"] for r in runs} == {"done"}
    assert all(r["outputs"] == ["commodities", "residuals", "stages"] for r in runs)
    first = client.get(f"/api/runs/{ids[0]}/results/stages").json()
    assert all(client.get(f"/api/runs/{i}/results/stages").json() == first for i in ids)


def test_metrics_over_http_match_the_python_api(client: TestClient) -> None:
    from reechain.workflows import metrics as wm

    hhi = client.get(
        "/api/metrics/concentration", params={"dataset": "sample", "commodity": "NdPr_oxide"}
    ).json()
    expected = wm.records(wm.concentration("sample", commodity="NdPr_oxide"))
    assert hhi == expected
    assert hhi[0]["top1_region"] == "CHN"
    reliance = client.get(
        "/api/metrics/reliance", params={"dataset": "sample", "region": "JPN", "commodity": "NdFeB"}
    ).json()
    assert reliance[0]["region"] == "JPN"
    exposure = client.get(
        "/api/metrics/exposure", params={"dataset": "sample", "region": "JPN", "commodity": "NdFeB"}
    ).json()
    assert exposure
    bad = client.get("/api/metrics/exposure", params={"dataset": "sample", "region": "JNP"})
    assert bad.status_code == 404
    assert "did you mean 'JPN'" in bad.json()["detail"]
