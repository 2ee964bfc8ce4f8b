"""``reechain demand`` through typer's CliRunner, on the ``reechain`` app itself."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from reechain.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["demand", *args])
    return result.exit_code, result.stdout, result.stderr


def test_project_json_records_carry_year_region_sector_element_and_unit_keys() -> None:
    code, out, _ = run(
        "project", "--scenario", "accelerated", "--element", "Nd", "--region", "JPN",
        "--sector", "ev_traction_motor", "--from", "2030", "--to", "2031", "--format", "json",
    )  # fmt: skip
    assert code == 0
    records = json.loads(out)
    assert [r["year"] for r in records] == [2030, 2031]
    first = records[0]
    assert (first["region"], first["sector"], first["element"]) == (
        "JPN",
        "ev_traction_motor",
        "Nd",
    )
    assert set(first) >= {"demand_t_per_year", "secondary_t_per_year", "in_use_t"}
    assert first["demand_t_per_year"] > 0


def test_totals_sum_over_the_named_dimensions() -> None:
    code, out, _ = run(
        "project", "--element", "Dy", "--total", "region", "--total", "sector",
        "--from", "2024", "--to", "2024", "--format", "json",
    )  # fmt: skip
    assert code == 0
    (record,) = json.loads(out)
    assert (record["region"], record["sector"]) == ("all", "all")


def test_recycling_csv_and_table(tmp_path: Path) -> None:
    code, out, _ = run("recycling", "--element", "Nd", "--total", "region", "--format", "csv")
    assert code == 0
    header = out.splitlines()[0]
    assert header == (
        "year,region,sector,element,end_of_life_t_per_year,secondary_t_per_year,recovered_share"
    )
    code, out, _ = run("recycling", "--element", "Tb", "--total", "region", "--total", "sector")
    assert code == 0
    assert "secondary" in out


def test_xlsx_and_plot_files(tmp_path: Path) -> None:
    book, chart = tmp_path / "demand.xlsx", tmp_path / "demand.png"
    code, _, _ = run(
        "project", "--element", "Nd", "--total", "region", "--format", "xlsx",
        "--out", str(book), "--plot", str(chart),
    )  # fmt: skip
    assert code == 0
    sheet = openpyxl.load_workbook(book).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "year"
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_scenario_from_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nbased_on: accelerated\n", encoding="utf-8")
    code, out, _ = run("project", "--scenario", str(path), "--element", "Pr", "--format", "json")
    assert code == 0
    assert json.loads(out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["project", "--element", "Ndd"], "error: element 'Ndd' is not in the demand data"),
        (["project", "--region", "JAP"], "error: region 'JAP' is not in the demand data"),
        (["project", "--scenario", "fast"], "error: demand scenario 'fast' not found"),
        (["project", "--from", "2040", "--to", "2030"], "error: years out of order"),
        (["project", "--total", "country"], "error: total over 'country'"),
        (["project", "--format", "xlsx"], "error: --format xlsx writes a file"),
        (["recycling", "--scenario", "missing.yaml"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args: list[str], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_yaml_value_is_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\nrecycling:\n  ev_traction_motor: {recovery_rate: {2030: 2}}\n", "utf-8"
    )
    code, _, err = run("recycling", "--scenario", str(path))
    assert code == 2
    assert "bad.yaml, line 3, recycling.ev_traction_motor.recovery_rate.2030: got 2" in err


def test_scenarios_lists_the_families() -> None:
    code, out, _ = run("scenarios", "--format", "json")
    assert code == 0
    assert [r["name"] for r in json.loads(out)] == ["stated", "accelerated"]
