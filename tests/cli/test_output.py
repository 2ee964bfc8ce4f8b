"""The CLI's output formats: every listing can be written as XLSX whatever its title says,
text stays text (never a formula), and numbers JSON cannot hold come out as null."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from reechain.cli import app
from reechain.cli.output import OutputFormat, emit, sheet_title


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_table_of_the_default_dataset_is_written_as_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "prices.xlsx"
    code, _, err = run("data", "show", "default", "-t", "prices", "-f", "xlsx", "-o", str(out))
    assert (code, err) == (0, "")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["default - prices"]
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize(
    ("title", "sheet"),
    [
        ("a/b\\c", "a-b-c"),
        ("[x]: y*?", "-x-- y--"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("///", "---"),
        ("", "results"),
    ],
)
def test_sheet_titles_are_made_valid(title: str, sheet: str) -> None:
    assert sheet_title(title) == sheet


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    records = [{"name": '=HYPERLINK("http://x")', "value": -5.0, "note": "@cmd\x01"}]
    emit(records, OutputFormat.XLSX, out, title="r")
    with zipfile.ZipFile(out) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ['=HYPERLINK("http://x")', -5, "@cmd_x0001_"]


def test_non_finite_numbers_are_null_in_json_and_empty_in_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [{"a": math.nan, "b": math.inf, "c": 1.5}]
    emit(records, OutputFormat.JSON)
    assert json.loads(capsys.readouterr().out) == [{"a": None, "b": None, "c": 1.5}]
    emit(records, OutputFormat.XLSX, tmp_path / "n.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "n.xlsx").active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [None, None, 1.5]


def wide_records() -> list[dict[str, object]]:
    return [
        {f"a_rather_long_column_name_{i}": 1234567.5 + i + 10 * k for i in range(8)} | {"region": r}
        for k, r in enumerate(("JPN", "USA"))
    ]


def test_a_table_wider_than_the_terminal_is_shown_one_block_per_record() -> None:
    console = Console(width=80, record=True, force_terminal=False)
    emit(wide_records(), OutputFormat.TABLE, title="kpis", console=console)
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "kpis (2 records, one block each)" in text
    assert "a_rather_long_column_name_7  1,234,584" in text
    assert "region                       USA" in text


def test_columns_with_one_value_move_into_the_title_when_the_table_is_too_wide() -> None:
    records = [{"scenario": "cn-2010", "region": "JPN", "commodity": "Dy2O3", "month": m,
                "price_usd_per_kg": 260.0 * m} for m in range(1, 4)]  # fmt: skip
    console = Console(width=40, record=True, force_terminal=False)
    emit(records, OutputFormat.TABLE, title="monthly", console=console)
    text = console.export_text()
    assert "scenario cn-2010, region JPN, commodity Dy2O3" in " ".join(text.split())
    assert "one block each" not in text
    assert "780" in text


def test_a_table_that_fits_stays_a_table() -> None:
    console = Console(width=400, record=True, force_terminal=False)
    emit(wide_records(), OutputFormat.TABLE, title="kpis", console=console)
    text = console.export_text()
    assert "one block each" not in text
    assert "a_rather_long_column_name_7" in text.splitlines()[2]
