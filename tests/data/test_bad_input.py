"""Bad input: each kind of mistake gets one clear line naming file, line, column, value and
what was expected, and the whole dataset is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from reechain.errors import DatasetError
from reechain.workflows.datasets import load_dataset_path as load_dataset
from tests.helpers import copy_sample, read_table, set_cell, write_table


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "sample")


def problems(folder: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(folder)
    return [str(p) for p in caught.value.problems]


def test_unknown_country_code_suggests_the_near_miss(folder: Path) -> None:
    set_cell(folder, "trade", 2, "importer", "CHM")
    assert problems(folder) == [
        "trade.csv, line 2, column importer: got 'CHM', expected a region listed in "
        "regions.csv; did you mean 'CHN'?"
    ]


def test_a_country_name_instead_of_its_code_suggests_the_code(folder: Path) -> None:
    set_cell(folder, "trade", 3, "importer", "Japan")
    assert problems(folder)[0].endswith("did you mean 'JPN'?")


def test_a_region_that_is_not_an_iso_code_is_refused(folder: Path) -> None:
    set_cell(folder, "regions", 4, "region", "JPX")
    found = problems(folder)
    assert found[0].startswith(
        "regions.csv, line 4, column region: got 'JPX', expected an ISO 3166 alpha-3 code "
        "(or kind 'aggregate')"
    )
    # every row naming JPN elsewhere is refused too, with the near miss suggested
    assert (
        "groups.csv, line 3, column region: got 'JPN', expected a region listed in "
        "regions.csv; did you mean 'JPX'?" in found
    )


def test_negative_capacity(folder: Path) -> None:
    set_cell(folder, "processes", 2, "capacity_per_year", "-5")
    assert problems(folder) == [
        "processes.csv, line 2, column capacity_per_year: got '-5', expected a number ≥ 0"
    ]


def test_text_where_a_number_belongs(folder: Path) -> None:
    set_cell(folder, "prices", 3, "price_usd_per_kg", "fifty")
    assert problems(folder) == [
        "prices.csv, line 3, column price_usd_per_kg: got 'fifty', expected a number"
    ]


def test_missing_column(folder: Path) -> None:
    rows = read_table(folder, "trade")
    write_table(folder, "trade", [{k: v for k, v in r.items() if k != "exporter"} for r in rows])
    assert problems(folder) == [
        "trade.csv, line 1, column exporter: expected a column named 'exporter'"
    ]


def test_unknown_column_suggests_the_near_miss(folder: Path) -> None:
    rows = read_table(folder, "trade")
    write_table(
        folder,
        "trade",
        [{("exportr" if k == "exporter" else k): v for k, v in r.items()} for r in rows],
    )
    found = problems(folder)
    assert found[0] == (
        "trade.csv, line 1, column exportr: got 'exportr', expected a column "
        "of trade; did you mean 'exporter'?"
    )


def test_co_production_shares_that_do_not_sum_to_one(folder: Path) -> None:
    set_cell(folder, "recipes", 4, "quantity_per_unit", "0.3")  # NdPr share 0.2 → 0.3
    found = problems(folder)
    assert found[0] == (
        "recipes.csv, line 4, column quantity_per_unit: got '1.1', expected "
        "co-production shares of recipe 'separation' summing to 1"
    )


def test_recipe_naming_an_unknown_commodity(folder: Path) -> None:
    set_cell(folder, "recipes", 7, "commodity", "NdPr_metl")
    assert problems(folder) == [
        "recipes.csv, line 7, column commodity: got 'NdPr_metl', expected a commodity listed "
        "in commodities.csv; did you mean 'NdPr_metal'?"
    ]


def test_missing_source(folder: Path) -> None:
    set_cell(folder, "trade", 5, "source", "")
    assert problems(folder) == [
        "trade.csv, line 5, column source: expected a value (this column is required)"
    ]


def test_low_confidence_without_bounds(folder: Path) -> None:
    set_cell(folder, "trade", 9, "lower", "")
    assert problems(folder) == [
        "trade.csv, line 9, column lower/upper: expected a low-confidence row gives bounds "
        "on its value"
    ]


def test_value_outside_its_bounds(folder: Path) -> None:
    set_cell(folder, "trade", 9, "upper", "90")
    assert problems(folder)[0].startswith("trade.csv, line 9, column quantity_per_year: ")


def test_baseline_that_does_not_balance(folder: Path) -> None:
    set_cell(folder, "trade", 2, "quantity_per_year", "90")  # USA ships 90 t, not 100 t
    found = problems(folder)
    assert len(found) == 2  # the USA has 10 t left over; China is 10 t short
    assert found[0].startswith(
        "residuals.csv, column quantity_per_year: got 'CHN conc_mixed "
        "2024: production 1000 + imports 90 − use 1100 − exports 0"
    )
    assert "add a residual row of -10 for CHN, conc_mixed, 2024" in found[0]
    assert found[1].startswith(
        "residuals.csv, column quantity_per_year: got 'USA conc_mixed "
        "2024: production 100 + imports 0 − use 0 − exports 90"
    )
    assert "add a residual row of 10 for USA, conc_mixed, 2024" in found[1]


def test_duplicate_key(folder: Path) -> None:
    rows = read_table(folder, "prices")
    write_table(folder, "prices", [*rows, rows[0]])
    assert problems(folder) == [
        f"prices.csv, line {len(rows) + 2}, column commodity,year: got 'conc_mixed/2024', "
        "expected a unique key; line 2 has the same key"
    ]


def test_malformed_csv_row(folder: Path) -> None:
    path = folder / "trade.csv"
    path.write_text(path.read_text() + "2024,NdFeB,CHN\n", encoding="utf-8")
    lines = len(path.read_text().splitlines())
    assert problems(folder) == [f"trade.csv, line {lines}: got '3 fields', expected 13 fields"]


def test_unclosed_quote(folder: Path) -> None:
    path = folder / "trade.csv"
    path.write_text(path.read_text() + '2024,NdFeB,"CHN,JPN,1\n', encoding="utf-8")
    assert problems(folder)[0].startswith("trade.csv, line ")


def test_missing_required_table(folder: Path) -> None:
    (folder / "recipes.csv").unlink()
    assert "recipes.csv: expected this table (file missing)" in problems(folder)


def test_unknown_table_file(folder: Path) -> None:
    (folder / "tarde.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert problems(folder)[0].startswith("tarde.csv: got 'tarde', expected a table name")


def test_every_problem_is_reported_at_once(folder: Path) -> None:
    set_cell(folder, "trade", 2, "importer", "CHM")
    set_cell(folder, "processes", 3, "capacity_per_year", "-1")
    set_cell(folder, "prices", 4, "price_usd_per_kg", "x")
    assert len(problems(folder)) == 3


def test_damaged_workbook(tmp_path: Path) -> None:
    book = tmp_path / "broken.xlsx"
    book.write_bytes(b"not a zip file")
    found = problems(book)
    assert found[0].startswith("broken.xlsx: expected a readable .xlsx workbook")


def test_bad_metadata(folder: Path) -> None:
    (folder / "dataset.toml").write_text('name = "Bad Name"\nbase_year = 2024\n')
    assert problems(folder)[0].startswith("dataset.toml, column name: got 'Bad Name', expected")
