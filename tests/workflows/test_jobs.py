"""A run carried out here is recorded, and what stopped it is raised as what it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reechain.errors import InputError, RunFailedError
from reechain.store import Store
from reechain.workflows import jobs
from reechain.workflows.jobs import JobContext, Outputs


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield opened
    opened.close()


def _broken(ctx: JobContext) -> Outputs:
    raise ZeroDivisionError("a bug")


def _mistaken(ctx: JobContext) -> Outputs:
    raise InputError("scenario.yaml, line 3, severity: got 1.7, expected a fraction")


def test_a_run_that_fails_inside_is_a_failed_run_not_an_input_error(store: Store) -> None:
    run_id = jobs.start(store, "summary", "sample")
    with pytest.raises(RunFailedError, match="failed: internal error: ZeroDivisionError") as info:
        jobs.run_here(store, run_id, _broken)
    assert not isinstance(info.value, InputError)
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    run = store.get_run(run_id)
    assert run.status == "failed"
    assert run.error == "internal error: ZeroDivisionError: a bug"


def test_a_users_mistake_found_while_running_is_raised_as_itself(store: Store) -> None:
    run_id = jobs.start(store, "summary", "sample")
    with pytest.raises(InputError, match=r"severity: got 1\.7"):
        jobs.run_here(store, run_id, _mistaken)
    assert store.get_run(run_id).status == "failed"


def test_execute_records_the_failure_and_returns_the_status(store: Store) -> None:
    run_id = jobs.start(store, "summary", "sample")
    assert jobs.execute(store, run_id, _broken) == "failed"
    assert jobs.execute(store, jobs.start(store, "summary", "sample")) == "done"


def test_every_kind_is_in_one_static_table() -> None:
    assert set(jobs.KINDS) == {"summary", "simulate", "risk", "optimize"}
    for kind in jobs.KINDS:
        assert callable(jobs.job_for(kind))
