"""Stored runs: chunks are kept as they finish, an interrupted run resumes from them, and
a partial result is never shown as final."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reechain.errors import NotFoundError
from reechain.scenario.library import library_path
from reechain.store import Store
from reechain.workflows import jobs
from reechain.workflows.risk import RUN_KIND, run_risk_analysis, stored_chunks
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
    assert sorted(stored_chunks(store, run.id)) == [0, 1]
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
