"""``reechain risk`` through typer's CliRunner, on the ``reechain`` app."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reechain.cli import app
from reechain.scenario.library import library_path

runner = CliRunner()
BASE = str(library_path("baseline", "sample"))
ARGS = ["risk", BASE, "--runs", "6", "--seed", "3", "--horizon", "12", "--chunk-size", "2"]


def test_json_has_every_table_and_the_run_id(tmp_path: Path) -> None:
    result = runner.invoke(app, [*ARGS, "--format", "json", "--plot", str(tmp_path / "r.png")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert {"distribution", "exceedance", "attribution", "precision"} <= doc.keys()
    assert doc["run_id"]
    assert doc["meta"]["runs"] == 6
    assert (tmp_path / "r.png").stat().st_size > 1000


def test_table_and_csv(tmp_path: Path) -> None:
    result = runner.invoke(app, ARGS)
    assert result.exit_code == 0, result.output
    assert "cumulative value lost" in result.stdout
    assert "world" in result.stdout
    out = tmp_path / "exceedance.csv"
    result = runner.invoke(app, [*ARGS, "--format", "csv", "--table", "exceedance", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("dimension,key,measure,exceedance_probability,value")


def test_mistakes_are_one_line_and_exit_code_2() -> None:
    result = runner.invoke(app, [*ARGS, "--table", "tornado"])
    assert result.exit_code == 2
    assert "--table: got 'tornado'" in result.output
    result = runner.invoke(app, [*ARGS, "--workers", "2", "--scheduler", "tcp://x:1"])
    assert result.exit_code == 2
    assert "choose one" in result.output
    result = runner.invoke(app, ["risk", "no-such-scenario", "--runs", "2"])
    assert result.exit_code == 2
    assert "no scenario named" in result.output
