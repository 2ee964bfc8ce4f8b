"""The store: migrations match the schema; imports are atomic; runs finish in one transaction."""

from __future__ import annotations

import subprocess
import sys
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
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield opened
    opened.close()


def test_migrations_create_exactly_the_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_sqlite_store_runs_in_wal_mode(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"


def test_reopening_a_store_keeps_its_data(tmp_path: Path, sample_dataset: Dataset) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
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


def test_scenarios_are_saved_listed_and_deleted(store: Store) -> None:
    store.save_scenario("cut", "sample", "name: cut\n")
    store.save_scenario("cut", "sample", "name: cut\nhorizon: 12\n")
    assert store.list_scenarios() == ["cut"]
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


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    """WAL mode lets the CLI write beside a running server: no lost or failed writes."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    Store.open(url).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(w)]) for w in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = Store.open(url)
    runs = store.list_runs(limit=100)
    assert len(runs) == 40
    assert all(r.status == "done" for r in runs)
    store.close()
