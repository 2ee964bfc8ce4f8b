"""``reechain data``: every subcommand end to end through the CLI, on a private store."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from reechain.cli import app
from reechain.workflows import open_store
from tests.helpers import copy_sample, set_cell

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_then_list_shows_the_stored_dataset() -> None:
    code, out, _ = run("data", "import", "sample")
    assert (code, out) == (0, "imported 'sample': 97 rows, base year 2024\n")
    code, out, _ = run("data", "list", "--format", "json")
    listed = {d["name"]: d for d in json.loads(out)}
    assert listed["sample"]["stored"] is True
    assert listed["sample"]["rows"] == 97


def test_validate_passes_on_the_sample(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    code, out, _ = run("data", "validate", str(folder))
    assert code == 0
    assert "valid dataset 'sample', 97 rows in 16 tables, years 2024; baseline balances" in out


def test_validate_reports_every_problem_in_one_line_each(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "trade", 2, "importer", "CHM")
    set_cell(folder, "processes", 3, "capacity_per_year", "-1")
    code, _out, err = run("data", "validate", str(folder))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        "error: processes.csv, line 3, column capacity_per_year: got '-1', expected a number ≥ 0",
        "error: trade.csv, line 2, column importer: got 'CHM', expected a region listed in "
        "regions.csv; did you mean 'CHN'?",
        f"2 problems in {folder}; the baseline balance is checked once they are fixed",
    ]


def test_validate_accepts_a_bundled_name_like_import() -> None:
    code, out, _ = run("data", "validate", "sample")
    assert code == 0
    assert out.startswith("sample: valid dataset 'sample', 97 rows")


def test_validate_says_which_check_found_the_problems(tmp_path: Path) -> None:
    """Rows valid, balance broken: the problems are the balance's, and the summary says so."""
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "trade", 2, "quantity_per_year", "150")
    code, _out, err = run("data", "validate", str(folder))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[-1].endswith(f"in {folder} (the baseline balance)")
    assert all(line.startswith("error: ") for line in lines[:-1])


def test_validate_as_json_gives_structured_problems(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "trade", 2, "importer", "CHM")
    code, out, _ = run("data", "validate", str(folder), "--format", "json")
    assert code == 2
    assert json.loads(out) == [
        {
            "file": "trade.csv",
            "line": 2,
            "column": "importer",
            "found": "CHM",
            "expected": "a region listed in regions.csv",
            "hint": "did you mean 'CHN'?",
        }
    ]


def test_a_bad_import_leaves_the_store_unchanged(tmp_path: Path) -> None:
    assert run("data", "import", "sample")[0] == 0
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "trade", 2, "quantity_per_year", "90")
    code, _out, err = run("data", "import", str(folder), "--replace")
    assert code == 2
    assert err.startswith("error: residuals.csv, column quantity_per_year: got 'CHN conc_mixed")
    assert "(and 1 more problem)" in err
    stored = open_store().get_dataset("sample")
    assert stored.records("trade")[0]["quantity_per_year"] == 100.0


def test_show_filters_by_table_and_confidence() -> None:
    code, out, _ = run(
        "data", "show", "sample", "--table", "trade", "--confidence", "low", "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["key"] for r in rows] == [
        "2024/LaCe_oxide/AUS/JPN",
        "2024/NdPr_metal/CHN/JPN",
        "2024/NdPr_metal/CHN/USA",
        "2024/Dy_metal/JPN/USA",
    ]
    assert all(r["confidence"] == "low" and r["source"] for r in rows)


def test_show_filters_by_column_value() -> None:
    code, out, _ = run("data", "show", "sample", "-t", "processes", "-w", "region=JPN", "-f", "csv")
    assert code == 0
    assert [line.split(",")[2] for line in out.splitlines()[1:]] == [
        "JPN_ndpr_metal/2024",
        "JPN_dy_metal/2024",
        "JPN_magnet/2024",
    ]


def test_show_bad_filter_is_one_line_and_exit_2() -> None:
    code, _, err = run("data", "show", "sample", "-t", "trade", "-w", "exportr=CHN")
    assert code == 2
    assert err == "error: --where: no column 'exportr'; did you mean 'exporter'?\n"
    code, _, err = run("data", "show", "sample", "-t", "trades")
    assert (code, err) == (2, "error: no table named 'trades'; did you mean 'trade'?\n")


def test_export_then_validate_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "exported"
    assert run("data", "export", "sample", "--out", str(out))[0] == 0
    code, _again, _ = run("data", "validate", str(out))
    assert code == 0
    code, _, err = run("data", "export", "sample", "--out", str(out))
    assert code == 2
    assert "exists; choose another path or pass --overwrite" in err


def test_export_to_a_workbook_imports_again(tmp_path: Path) -> None:
    book = tmp_path / "sample.xlsx"
    assert run("data", "export", "sample", "--out", str(book))[0] == 0
    assert "processes" in openpyxl.load_workbook(book).sheetnames
    assert run("data", "import", str(book))[0] == 0


def test_summary_by_stage_as_json_names_units() -> None:
    code, out, _ = run("data", "summary", "sample", "--format", "json")
    assert code == 0
    stages = {r["stage"]: r for r in json.loads(out)}
    assert list(stages) == ["mine", "separate", "metal", "magnet", "use"]
    assert stages["mine"]["tonnage"] == 1300.0
    assert stages["metal"]["low_confidence_share"] == 1.0
    assert stages["mine"]["low_confidence_share"] == 0.0


def test_summary_by_residual_reports_their_sizes() -> None:
    code, out, _ = run("data", "summary", "sample", "--by", "residual", "--format", "csv")
    assert code == 0
    assert out.splitlines()[1] == "AUS,NdPr_oxide,stock_change,8.0,t_REO,0.2"


def test_summary_table_prints_every_stage() -> None:
    code, out, _ = run("data", "summary", "sample")
    assert code == 0
    for stage in ("mine", "separate", "metal", "magnet", "use", "balance residuals"):
        assert stage in out


def test_xlsx_output_needs_a_file(tmp_path: Path) -> None:
    code, _, err = run("data", "summary", "sample", "--format", "xlsx")
    assert (code, err) == (2, "error: --format xlsx writes a file: add --out FILE.xlsx\n")
    out = tmp_path / "summary.xlsx"
    assert run("data", "summary", "sample", "-f", "xlsx", "-o", str(out))[0] == 0
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert sheet["A1"].value == "stage"


def test_unknown_year_is_one_line() -> None:
    code, _, err = run("data", "summary", "sample", "--year", "1999")
    assert code == 2
    assert err == "error: dataset 'sample' has no data for 1999; years with data: 2024\n"


def test_schema_lists_every_table() -> None:
    code, out, _ = run("data", "schema", "--format", "json")
    assert code == 0
    tables = {r["table"] for r in json.loads(out)}
    assert {"processes", "trade", "residuals", "stockpiles"} <= tables


def test_home_option_chooses_the_store(tmp_path: Path) -> None:
    home = tmp_path / "elsewhere"
    result = runner.invoke(app, ["--home", str(home), "data", "import", "sample"])
    assert result.exit_code == 0, result.stderr
    assert (home / "reechain.sqlite").exists()


def test_csv_output_neutralises_formulas(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "trade", 2, "note", '=HYPERLINK("x")')
    code, out, _ = run("data", "show", str(folder), "-t", "trade", "-f", "csv")
    assert code == 0
    assert "'=HYPERLINK" in out
