"""The store: migrations match the schema; imports are atomic; runs finish in one transaction."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reechain.data.dataset import Dataset
from reechain.errors import InputError, NotFoundError, StoreError
from reechain.store import Store, dataset_hash
from reechain.store.schema import metadata


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, on SQLite and on PostgreSQL: the same suite runs on both."""
    opened = Store.open(store_url)
    yield opened
    opened.close()


def test_migrations_create_exactly_the_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_store_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_reopening_a_store_keeps_its_data(store_url: str, sample_dataset: Dataset) -> None:
    url = store_url
    first = Store.open(url)
    first.add_dataset(sample_dataset)
    first.close()
    again = Store.open(url)
    assert [d.name for d in again.list_datasets()] == ["sample"]
    again.close()


def test_a_stored_dataset_reads_back_equal(store: Store, sample_dataset: Dataset) -> None:
    stored_hash = store.add_dataset(sample_dataset, origin="bundled")
    again = store.get_dataset("sample")
    assert dataset_hash(again) == stored_hash == dataset_hash(sample_dataset)
    assert again.lines == sample_dataset.lines
    info = store.list_datasets()[0]
    assert (info.name, info.base_year, info.origin) == ("sample", 2024, "bundled")
    assert info.row_count == sum(len(rows) for rows in sample_dataset.tables.values())


def test_importing_a_name_twice_needs_replace(store: Store, sample_dataset: Dataset) -> None:
    store.add_dataset(sample_dataset)
    with pytest.raises(InputError, match="already stored; use --replace"):
        store.add_dataset(sample_dataset)
    store.add_dataset(sample_dataset, replace=True)
    assert len(store.list_datasets()) == 1


def test_a_failure_midway_leaves_the_store_unchanged(
    store: Store, sample_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are written after the dataset record: a failure there rolls both back."""
    store.add_dataset(sample_dataset)
    before = store.get_dataset("sample")
    broken_rows = [{"not_a_column": 1}]
    from reechain.store import database

    original_insert = database.sa.insert

    def failing_insert(table: sa.Table) -> object:
        if table.name == "dataset_rows":
            return original_insert(table).values(broken_rows)
        return original_insert(table)

    monkeypatch.setattr(database.sa, "insert", failing_insert)
    with pytest.raises((StoreError, sa.exc.ArgumentError, sa.exc.CompileError)):
        store.add_dataset(sample_dataset, replace=True)
    monkeypatch.undo()
    assert dataset_hash(store.get_dataset("sample")) == dataset_hash(before)
    assert len(store.list_datasets()) == 1


def test_unknown_dataset_suggests_a_near_miss(store: Store, sample_dataset: Dataset) -> None:
    store.add_dataset(sample_dataset)
    with pytest.raises(NotFoundError, match="no stored dataset named 'sampel'; did you mean"):
        store.get_dataset("sampel")


def test_run_lifecycle_writes_results_with_the_final_status(store: Store) -> None:
    run = store.create_run(
        "simulate", "sample", scenario="baseline", seed=7, params={"horizon": 12}
    )
    assert store.get_run(run).status == "pending"
    store.start_run(run)
    store.set_progress(run, 0.5)
    assert store.get_run(run[:8]).progress == 0.5
    with pytest.raises(NotFoundError, match="is running: it has no results"):
        store.get_result(run, "kpis")
    store.finish_run(run, {"kpis": ("application/json", b'{"a": 1}')})
    info = store.get_run(run)
    assert (info.status, info.progress, info.seed, info.params) == ("done", 1.0, 7, {"horizon": 12})
    assert store.get_result(run, "kpis") == ("application/json", b'{"a": 1}')
    assert store.result_names(run) == ["kpis"]


def test_a_failed_run_keeps_no_results(store: Store) -> None:
    run = store.create_run("risk", "sample")
    store.start_run(run)
    store.fail_run(run, "worker died")
    info = store.get_run(run)
    assert (info.status, info.error) == ("failed", "worker died")
    with pytest.raises(NotFoundError, match="is failed"):
        store.get_result(run, "kpis")


def test_runs_are_listed_with_their_outputs_in_one_query(store: Store) -> None:
    """The API's listing: the runs of ``list_runs``, in its order, each with its outputs."""
    done = store.create_run("simulate", "sample")
    store.finish_run(done, {"stages": ("a", b"1"), "kpis": ("a", b"2"), "residuals": ("a", b"3")})
    empty = store.create_run("simulate", "sample")
    store.finish_run(empty, {})
    failed = store.create_run("risk", "sample")
    store.fail_run(failed, "worker died")
    store.create_run("simulate", "sample")  # pending
    store.finish_run(store.create_run("simulate", "sample", workspace="other"), {"x": ("a", b"")})
    queries: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    listed = store.list_runs_with_outputs()
    assert len([q for q in queries if q.lstrip().upper().startswith("SELECT")]) == 1
    expected = [(r.id, store.result_names(r.id)) for r in store.list_runs()]
    assert [(run.id, outputs) for run, outputs in listed] == expected
    assert dict(expected)[done] == ["kpis", "residuals", "stages"]
    assert [run for run, _ in listed] == store.list_runs()
    assert len(listed) == 4
    newest_simulation = store.list_runs_with_outputs("simulate", 1)
    assert [run for run, _ in newest_simulation] == store.list_runs("simulate", 1)
    assert [run.kind for run, _ in store.list_runs_with_outputs("risk")] == ["risk"]
    ((other, outputs),) = store.list_runs_with_outputs(workspace="other")
    assert (other.workspace, outputs) == ("other", ["x"])


def test_scenarios_are_saved_listed_and_deleted(store: Store) -> None:
    assert store.save_scenario("cut", "sample", "name: cut\n") is True
    assert store.save_scenario("cut", "sample", "name: cut\nhorizon: 12\n") is False
    assert [s["name"] for s in store.list_scenarios()] == ["cut"]
    assert store.get_scenario("cut").endswith("horizon: 12\n")
    store.delete_scenario("cut")
    with pytest.raises(NotFoundError):
        store.get_scenario("cut")


def test_an_unreachable_database_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot open the store"):
        Store.open(f"sqlite:///{blocker}/sub/store.sqlite")


WRITER = """
import sys
from reechain.store import Store
store = Store.open(sys.argv[1])
for i in range(20):
    run = store.create_run("simulate", "sample", params={"writer": sys.argv[2], "i": i})
    store.finish_run(run, {"out": ("text/plain", b"x")})
"""


def test_two_processes_write_at_once(store_url: str) -> None:
    """The CLI writes beside a running server (WAL mode on SQLite): no lost or failed writes."""
    url = store_url
    Store.open(url).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(w)]) for w in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store.open(url)
    runs = store.list_runs(limit=100)
    assert len(runs) == 40
    assert all(r.status == "done" for r in runs)
    store.close()


def test_workspaces_do_not_see_each_other(store: Store, sample_dataset: Dataset) -> None:
    store.add_dataset(sample_dataset, workspace="team-a")
    store.add_dataset(sample_dataset, workspace="team-b")
    store.save_scenario("cut", "sample", "x: 1\n", workspace="team-a")
    run = store.create_run("simulate", "sample", workspace="team-a")
    assert [d.name for d in store.list_datasets(workspace="team-b")] == ["sample"]
    assert store.list_datasets() == []
    assert store.list_scenarios(workspace="team-b") == []
    with pytest.raises(NotFoundError):
        store.get_scenario("cut", workspace="team-b")
    with pytest.raises(NotFoundError):
        store.get_run(run, workspace="team-b")
    assert store.get_run(run, workspace=None).workspace == "team-a"


def test_cancelled_run_stays_cancelled_when_its_job_finishes(store: Store) -> None:
    run = store.create_run("simulate", "sample")
    store.start_run(run)
    assert store.cancel_run(run).status == "cancelled"
    store.finish_run(run, {"kpis": ("application/json", b"{}")})
    assert store.get_run(run).status == "cancelled"
    assert store.result_names(run) == []


def test_runs_of_a_dead_process_are_failed_on_recovery(store: Store) -> None:
    """A server killed mid-run leaves the run failed, never half-written and shown as done."""
    alive = store.create_run("simulate", "sample")
    store.start_run(alive)
    orphan = store.create_run("simulate", "sample")
    from reechain.store.schema import runs

    with store.engine.begin() as conn:  # as if started by a process that has since died
        conn.execute(
            sa.update(runs)
            .where(runs.c.id == orphan)
            .values(status="running", worker=f"{__import__('socket').gethostname()}:999999999")
        )
    assert store.recover_interrupted() == [orphan]
    assert store.get_run(orphan).status == "failed"
    assert store.get_run(orphan).error == "interrupted: the process running it stopped"
    assert store.get_run(alive).status == "running"


def test_users_tokens_and_revocation(store: Store) -> None:
    store.add_user("ana", "analyst", "team-a")
    token = store.create_token("ana")
    assert token.startswith("rc_")
    user = store.authenticate(token)
    assert user is not None
    assert (user.name, user.role, user.workspace) == (
        "ana",
        "analyst",
        "team-a",
    )
    assert user.can("viewer")
    assert user.can("analyst")
    assert not user.can("admin")
    assert store.authenticate(token + "x") is None
    assert store.revoke("ana") == 1
    assert store.authenticate(token) is None
    assert store.list_users()[0]["tokens"] == 0


def test_only_token_hashes_are_stored(store: Store) -> None:
    store.add_user("ana", "viewer", "team-a")
    token = store.create_token("ana")
    from reechain.store.schema import api_tokens

    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(sa.select(api_tokens))]
    assert all(token not in str(r) for r in stored)


def test_bad_user_input_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="role: got 'boss', expected one of viewer, analyst"):
        store.add_user("ana", "boss", "team-a")
    with pytest.raises(InputError, match="workspace: got 'Team A'"):
        store.add_user("ana", "viewer", "Team A")
    store.add_user("ana", "viewer", "team-a")
    with pytest.raises(InputError, match="a user named 'ana' exists"):
        store.add_user("ana", "viewer", "team-a")
