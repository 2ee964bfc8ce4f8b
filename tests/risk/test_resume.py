"""Stored runs: chunks are kept as they finish, an interrupted run resumes from them, and
a partial result is never shown as final."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reechain.errors import NotFoundError
from reechain.risk.checkpoint import Checkpoint
from reechain.scenario.library import library_path
from reechain.store import Store
from reechain.workflows import jobs
from reechain.workflows.risk import RUN_KIND, run_risk_analysis
from tests.risk.conftest import assert_identical

BASE = str(library_path("baseline", "sample"))
KW: dict[str, Any] = {"runs": 12, "seed": 4, "horizon_months": 12, "chunk_size": 3}


class Interrupted(BaseException):
    """Stands for Ctrl-C or a killed process: not an error the run records."""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield s
    s.close()


def test_an_interrupted_run_resumes_from_its_stored_chunks(store: Store) -> None:
    def stop_after_two_chunks(done: int, total: int) -> None:
        if done >= 6:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_risk_analysis(BASE, store, progress=stop_after_two_chunks, **KW)
    (run,) = store.list_runs(RUN_KIND)
    assert run.status == "running"
    assert sorted(Checkpoint(store, run.id).load()) == [0, 1]
    with pytest.raises(NotFoundError, match="running"):
        store.get_result(run.id, "distribution")  # nothing partial is reported

    seen: list[int] = []
    resumed = run_risk_analysis(BASE, store, progress=lambda d, t: seen.append(d), **KW)
    assert resumed.run_id == run.id
    assert resumed.resumed_chunks == 2
    assert seen[0] == 6  # only the missing histories were run
    fresh = run_risk_analysis(BASE, None, **KW)
    assert_identical(fresh.result, resumed.result)
    assert resumed.tables == fresh.tables

    done = store.get_run(run.id)
    assert done.status == "done"
    names = store.result_names(run.id)
    assert "distribution" in names
    assert "figures.npz" in names
    assert not [n for n in names if n.startswith("chunk-")]


def test_a_resumed_run_keeps_the_chunk_size_it_started_with(store: Store) -> None:
    def stop(done: int, total: int) -> None:
        if done >= 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_risk_analysis(BASE, store, progress=stop, **KW)
    other: dict[str, Any] = {**KW, "chunk_size": 5}
    resumed = run_risk_analysis(BASE, store, **other)
    assert resumed.resumed_chunks == 1
    assert_identical(run_risk_analysis(BASE, None, **KW).result, resumed.result)


def test_the_risk_kind_runs_as_a_stored_job(store: Store) -> None:
    run_id = jobs.start(
        store,
        RUN_KIND,
        "sample",
        scenario="baseline",
        params={"runs": 4, "seed": 1, "horizon_months": 12, "chunk_size": 2},
    )
    assert jobs.execute(store, run_id) == "done"
    assert "precision" in store.result_names(run_id)


def _as_if_its_process_died(store: Store, run_id: str) -> None:
    import socket

    import sqlalchemy as sa

    from reechain.store.schema import runs

    with store.engine.begin() as conn:
        conn.execute(
            sa.update(runs)
            .where(runs.c.id == run_id)
            .values(worker=f"{socket.gethostname()}:999999999")
        )


def test_a_run_failed_by_recovery_keeps_its_chunks_and_resumes(store: Store) -> None:
    """A server's start-up recovery fails an interrupted run but keeps its chunks (nothing
    is served from them); the same analysis started again resumes and ends done."""

    def stop_after_two_chunks(done: int, total: int) -> None:
        if done >= 6:
            raise Interrupted

    with pytest.raises(Interrupted):
        run_risk_analysis(BASE, store, progress=stop_after_two_chunks, **KW)
    (run,) = store.list_runs(RUN_KIND)
    _as_if_its_process_died(store, run.id)
    assert store.recover_interrupted() == [run.id]
    failed = store.get_run(run.id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "2 stored chunk(s) are kept" in failed.error
    assert sorted(Checkpoint(store, run.id).load()) == [0, 1]
    with pytest.raises(NotFoundError, match="failed"):
        store.get_result(run.id, "distribution")

    resumed = run_risk_analysis(BASE, store, **KW)
    assert resumed.run_id == run.id
    assert resumed.resumed_chunks == 2
    assert_identical(run_risk_analysis(BASE, None, **KW).result, resumed.result)
    done = store.get_run(run.id)
    assert done.status == "done"
    assert done.error is None


def test_the_server_resumes_an_interrupted_risk_run_on_start(store: Store) -> None:
    """kill -9 of a server mid-run, then start: a risk run with stored chunks is queued
    again and finishes from them; results as if it had never stopped."""
    from fastapi.testclient import TestClient

    from reechain.api import create_app

    params = {"runs": 12, "seed": 4, "horizon_months": 12, "chunk_size": 3}
    run_id = jobs.start(store, RUN_KIND, "sample", scenario="baseline", params=params)

    class Stopping(jobs.JobContext):
        def progress(self, fraction: float) -> None:
            if fraction >= 0.99 * 6 / 12:  # after two chunks of three histories
                raise Interrupted

    def stop_after_two_chunks(ctx: jobs.JobContext) -> jobs.Outputs:
        fields = jobs.JobContext.__dataclass_fields__
        return jobs.job_for(RUN_KIND)(Stopping(*(getattr(ctx, f) for f in fields)))

    with pytest.raises(Interrupted):
        jobs.execute(store, run_id, stop_after_two_chunks)
    _as_if_its_process_died(store, run_id)
    assert sorted(Checkpoint(store, run_id).load()) == [0, 1]

    with TestClient(create_app(store), base_url="http://127.0.0.1") as client:
        client.app.state.runner.wait(run_id, timeout=120)  # type: ignore[attr-defined]
        run = client.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "done", run
    assert "distribution" in run["outputs"]
    fresh = jobs.start(store, RUN_KIND, "sample", scenario="baseline", params=params)
    assert jobs.execute(store, fresh) == "done"
    for name in ("distribution", "figures.npz"):
        assert store.get_result(run_id, name) == store.get_result(fresh, name), name
