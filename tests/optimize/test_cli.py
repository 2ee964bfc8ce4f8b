"""``reechain optimize`` through the ``reechain`` app, on a private store."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from reechain.cli import app
from reechain.workflows import jobs, open_store
from reechain.workflows.optimize import RUN_KIND

runner = CliRunner()

SMALL = """\
name: small
members: [USA, JPN]
dataset: default
horizon_years: 2
scenarios: 2
out_of_sample: 1
seed: 3
budget_usd: 1.0e+9
days_of_cover:
  - {holder: JPN, commodity: Dy_metal, days: 60}
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["optimize", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_has_every_table_and_the_run_is_stored(small: Path, tmp_path: Path) -> None:
    code, out, err = run(
        str(small), "--gap-histories", "1", "--format", "json", "--plot", str(tmp_path / "f.png")
    )
    assert code == 0, err
    tables = json.loads(out)
    assert set(tables) == {
        "summary",
        "portfolio",
        "engine_loop",
        "out_of_sample",
        "warnings",
        "gap",
        "bill",
    }
    rows = {r["evaluation"] for r in tables["out_of_sample"]}
    assert rows == {
        "in-sample, optimiser's surrogate",
        "in-sample, engine",
        "out-of-sample, engine",
    }
    for r in tables["out_of_sample"]:
        assert r["expected_loss_low_usd"] <= r["expected_loss_usd"] <= r["expected_loss_high_usd"]
    bill = sum(r["bill_usd"] for r in tables["portfolio"] if r["chosen"])
    assert sum(r["bill_usd"] for r in tables["bill"]) == pytest.approx(bill, rel=1e-6, abs=1.0)
    for r in tables["bill"]:
        assert r["bill_usd"] >= 0
        assert r["bill_usd"] <= r["standalone_cost_usd"] + 1e-6
        assert r["net_benefit_usd"] == pytest.approx(r["avoided_loss_usd"] - r["bill_usd"])
    assert [r["iteration"] for r in tables["engine_loop"]] == list(
        range(len(tables["engine_loop"]))
    )
    assert (tmp_path / "f.png").exists()
    assert (tmp_path / "f.svg").exists()
    store = open_store()
    (stored,) = store.list_runs(RUN_KIND)
    assert stored.status == "done"
    _, payload = store.get_result(stored.id, "portfolio")
    assert json.loads(payload) == tables["portfolio"]
    assert RUN_KIND in jobs.KINDS


def test_frontier_csv_and_xlsx(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    code, _, err = run(
        str(small),
        "--frontier",
        "--no-shares",
        "--gap-histories",
        "0",
        "--out-of-sample",
        "0",
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert out.read_text().startswith("candidate,kind,place")
    frontier = (tmp_path / "p-frontier.csv").read_text().splitlines()
    assert frontier[0].startswith("limit,first_stage_cost_usd")
    assert len(frontier) == 1 + 6
    totals = [float(line.split(",")[4]) for line in frontier[1:]]
    assert totals[-1] <= totals[0] * (1 + 1e-3)  # the largest budget is never worse
    book = tmp_path / "p.xlsx"
    code, _, err = run(
        str(small),
        "--no-shares",
        "--gap-histories",
        "0",
        "--out-of-sample",
        "0",
        "--format",
        "xlsx",
        "--out",
        str(book),
    )
    assert code == 0, err
    assert openpyxl.load_workbook(book).sheetnames == [
        "summary",
        "portfolio",
        "engine_loop",
        "warnings",
    ]


def test_table_shows_chosen_projects(small: Path) -> None:
    code, out, err = run(
        str(small), "--no-shares", "--gap-histories", "0", "--out-of-sample", "0", "--budget", "5e8"
    )
    assert code == 0, err
    assert "portfolio" in out
    assert "summary" in out


def test_infeasible_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tight.yaml"
    path.write_text(SMALL.replace("1.0e+9", "1.0e+5"), encoding="utf-8")
    code, _, err = run(str(path), "--no-shares", "--gap-histories", "0", "--out-of-sample", "0")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert "budget" in lines[0]
    assert "days-of-cover[JPN,Dy_metal]" in lines[0]


def test_unknown_partnership_is_one_line() -> None:
    code, _, err = run("us-japn")
    assert code == 2
    assert "did you mean" in err
    assert len(err.strip().splitlines()) == 1


def test_a_loop_that_does_not_converge_is_a_warning_on_stderr(small: Path) -> None:
    """One engine-loop iteration and a 0.1 % tolerance: the surrogate cannot be shown to
    agree, so the run says so on stderr (and in its summary and warnings tables)."""
    code, out, err = run(
        str(small),
        "--no-shares",
        "--gap-histories",
        "0",
        "--max-iterations",
        "1",
        "--tolerance",
        "0.001",
        "--format",
        "json",
    )
    assert code == 0, err
    assert "warning: surrogate NOT within 0% of the engine after 1 iterations" in err
    tables = json.loads(out)
    assert tables["warnings"][0]["warning"].startswith("surrogate NOT within")
    assert any(r["quantity"] == "warning" for r in tables["summary"])


def test_a_stored_run_with_a_bad_option_fails_naming_it(small: Path) -> None:
    """A run started through the job table (as the REST API does) with tolerance 0: the
    run fails with the field named, before any solve."""
    from reechain.errors import InputError
    from reechain.workflows.optimize import partnership_source

    store = open_store()
    _, text = partnership_source(small)
    run_id = jobs.start(
        store, RUN_KIND, "default", params={"partnership_yaml": text, "tolerance": 0}
    )
    with pytest.raises(InputError, match=r"tolerance: got 0"):
        jobs.run_here(store, run_id, jobs.job_for(RUN_KIND))
    assert store.get_run(run_id).status == "failed"
