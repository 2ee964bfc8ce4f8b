"""A dataset that validates can be read back: stored, loaded again and compiled.

Validation refuses what would import but fail later: a required table with no rows, no
processes for the base year, a name too long for a file, a column given twice. A file that
the OS cannot read (a folder, a dangling link, a loop of links, a name too long) is a
problem naming the path, never a traceback.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import reechain
from reechain.api import create_app
from reechain.chain import compile_chain
from reechain.cli import app
from reechain.data.dataset import load_dataset
from reechain.errors import DatasetError
from reechain.store import Store
from tests.helpers import copy_sample, read_table

HEADER_ONLY = ["regions", "stages", "commodities", "processes", "recipes"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample")


def problems(folder: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    return [str(p) for p in caught.value.problems]


def test_a_valid_dataset_is_stored_read_back_and_compiled(folder: Path, tmp_path: Path) -> None:
    dataset = load_dataset(folder)
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        store.add_dataset(dataset, origin="test")
        again = store.get_dataset("sample")
    finally:
        store.close()
    chain = compile_chain(again)
    assert again.meta == dataset.meta
    assert chain.base_year == dataset.meta.base_year


@pytest.mark.parametrize("table", HEADER_ONLY)
def test_a_required_table_with_a_header_only_is_refused(folder: Path, table: str) -> None:
    path = folder / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert f"{table}.csv: got 'no rows', expected at least one row" in problems(folder)


def test_processes_need_rows_for_the_base_year(folder: Path) -> None:
    meta = (folder / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(meta.replace("2024", "2023"), encoding="utf-8")
    assert (
        "processes.csv, column year: got '2024', expected rows for the base year 2023 "
        "(dataset.toml)" in problems(folder)
    )


@pytest.mark.parametrize("name", ["a" * 65, "a" * 300, "../x", "x/y"])
def test_a_dataset_name_that_cannot_be_a_file_name_is_refused(folder: Path, name: str) -> None:
    meta = (folder / "dataset.toml").read_text(encoding="utf-8")
    (folder / "dataset.toml").write_text(
        meta.replace('name = "sample"', f"name = {json.dumps(name)}"), encoding="utf-8"
    )
    found = problems(folder)
    assert found[0].startswith("dataset.toml, column name: got ")


def test_a_column_given_twice_is_refused(folder: Path) -> None:
    path = folder / "prices.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line + "," + line.split(",")[1] for line in lines]
    header = lines[0].split(",")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (
        f"prices.csv, line 1, column {header[1]}: got \"'{header[1]}' 2 times\", expected each "
        "column once (the last would silently win)" in problems(folder)
    )


def unreadable(folder: Path, how: str) -> Path:
    """Make ``prices.csv`` unreadable in one way; return the folder."""
    target = folder / "prices.csv"
    target.unlink()
    if how == "folder":
        target.mkdir()
    elif how == "dangling":
        target.symlink_to(folder / "nowhere.csv")
    elif how == "loop":
        os.symlink(folder / "loop.csv", folder / "loop2.csv")
        os.symlink(folder / "loop2.csv", folder / "loop.csv")
        target.symlink_to(folder / "loop.csv")
    return folder


@pytest.mark.parametrize("how", ["folder", "dangling", "loop"])
def test_a_csv_that_cannot_be_read_is_a_problem_naming_it(folder: Path, how: str) -> None:
    found = problems(unreadable(folder, how))
    assert any(p.startswith("prices.csv: got ") and "a readable file" in p for p in found), found


@pytest.mark.parametrize("how", ["folder", "dangling"])
def test_a_dataset_toml_that_cannot_be_read_is_a_problem(folder: Path, how: str) -> None:
    meta = folder / "dataset.toml"
    meta.unlink()
    if how == "folder":
        meta.mkdir()
    else:
        meta.symlink_to(folder / "nowhere.toml")
    found = problems(folder)
    assert any(p.startswith("dataset.toml: got ") and "a readable file" in p for p in found)


def test_a_path_too_long_is_one_line_on_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["data", "validate", str(tmp_path / ("d" * 5000))])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("error: ") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize("how", ["folder", "dangling", "loop"])
def test_the_cli_reports_an_unreadable_file_in_one_line(folder: Path, how: str) -> None:
    result = CliRunner().invoke(app, ["data", "validate", str(unreadable(folder, how))])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_the_api_refuses_empty_processes_and_a_long_name(tmp_path: Path) -> None:
    sample = reechain.bundled_path("sample")
    tables = {
        name: read_table(sample, name) for name in [*HEADER_ONLY, "trade", "sectors", "prices"]
    }
    meta = {"name": "api-sample", "title": "x", "base_year": 2024}
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite'}")
    try:
        with TestClient(create_app(store, auth=False), base_url="http://127.0.0.1") as client:
            empty = client.post(
                "/api/datasets", json={"meta": meta, "tables": {**tables, "processes": []}}
            )
            assert empty.status_code == 422
            assert "expected at least one row" in empty.text
            long = client.post(
                "/api/datasets", json={"meta": {**meta, "name": "n" * 300}, "tables": tables}
            )
            assert long.status_code == 422
            assert long.json()["problems"][0]["column"] == "name"
            assert client.get("/api/datasets").status_code == 200
            assert "api-sample" not in client.get("/api/datasets").text
    finally:
        store.close()
