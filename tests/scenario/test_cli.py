"""``reechain scenario`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reechain.cli import app

runner = CliRunner()
BAD = """name: bad
dataset: sample
events:
  - kind: demand_shock
    sectors: [ev_motr]
    change: 0.1
    start: 2025-13
"""


def test_list_shows_the_bundled_library() -> None:
    result = runner.invoke(app, ["scenario", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    names = {r["name"] for r in json.loads(result.stdout)}
    assert {"baseline", "dy-restriction", "magnet-ban", "sep-outage"} <= names


def test_show_prints_the_yaml() -> None:
    result = runner.invoke(app, ["scenario", "show", "dy-restriction"])
    assert result.exit_code == 0
    assert "kind: export_restriction" in result.stdout
    result = runner.invoke(app, ["scenario", "show", "magnet-ban", "--format", "json"])
    assert [r["kind"] for r in json.loads(result.stdout)] == [
        "export_restriction",
        "stockpile",
        "partner_preference",
    ]


def test_validate_a_good_file() -> None:
    result = runner.invoke(app, ["scenario", "validate", "sep-outage"])
    assert result.exit_code == 0
    assert "valid scenario 'sep-outage' on dataset 'sample'" in result.stdout


def test_validate_a_bad_file_lists_problems_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    result = runner.invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}, line 7, events[0].start: got '2025-13', expected a month" in result.stderr
    result = runner.invoke(app, ["scenario", "validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)[0]["field"] == "events[0].start"


def test_validate_checks_names_against_the_dataset(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD.replace("2025-13", "2025-03"))
    result = runner.invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 2
    assert "events[0].sectors[0]: got 'ev_motr'" in result.stderr
    assert "did you mean 'ev_motor'?" in result.stderr


def test_unknown_scenario_is_one_line_and_exit_2() -> None:
    result = runner.invoke(app, ["scenario", "show", "dy-restrictoin"])
    assert result.exit_code == 2
    assert "did you mean 'dy-restriction'?" in result.stderr


def test_save_then_list_and_run(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        Path(__file__)
        .parent.joinpath("../../src/reechain/scenario/library/sample/sep-outage.yaml")
        .read_text()
        .replace("name: sep-outage", "name: mine")
    )
    assert runner.invoke(app, ["scenario", "save", str(path)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["scenario", "list", "-f", "json"]).stdout)
    assert {"name": "mine", "origin": "stored"}.items() <= next(
        r for r in listed if r["name"] == "mine"
    ).items()
    out = tmp_path / "results"
    result = runner.invoke(
        app,
        [
            "scenario",
            "run",
            "mine",
            "--months",
            "12",
            "-f",
            "json",
            "--results",
            str(out),
            "--results-format",
            "parquet",
        ],
    )
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)
    assert any(k["peak_shortfall_pct"] > 0 for k in kpis)
    assert (out / "kpis_sector.parquet").is_file()
