"""Exports are formula-safe and lossless: ``data export`` then ``data import`` gives the same
dataset back, in CSV and in XLSX, whatever its text says, and no text cell of an export is
ever a live spreadsheet formula."""

from __future__ import annotations

import csv
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import reechain
from reechain.data.dataset import Dataset, load_dataset
from reechain.data.tables import TABLES_BY_NAME
from reechain.data.writers import write_dataset
from reechain.data.xlsx import escape_text, unescape_text
from reechain.errors import DatasetError
from reechain.exporting import looks_like_formula, quote_text, unquote_text

FORMATS = ["csv", "xlsx"]
TRICKY = [
    *("=1+1", "+A1", "-x", "@SUM(A1:A2)", "'", "'=1", "''", "-5", "-inf", '"a,b"', "a\nb"),
    *("a\r\nb", "a\x01b", "_x000D_", "_x005F_x0041_", "a\tb", "\u00e9\u4e2d\U0001f600"),
]
"""Text that once became a formula, or that an escaping scheme could confuse."""

_chars = st.characters(blacklist_categories=("Cs",))  # any text UTF-8 can hold
texts = st.one_of(st.sampled_from(TRICKY), st.text(_chars, max_size=30)).map(lambda t: t.strip())
codes = st.builds(
    lambda lead, body: (lead + body).strip(),
    st.sampled_from(["=", "+", "-", "@", "'", ""]),
    st.text("abcXYZ_09 ,\"'=", min_size=1, max_size=12),
).filter(bool)


def export_and_import(dataset: Dataset, fmt: str, folder: Path) -> Dataset:
    out = folder / ("export.xlsx" if fmt == "xlsx" else "export")
    return load_dataset(reechain.export_dataset(dataset, out))


def same(a: Dataset, b: Dataset) -> bool:
    for table in TABLES_BY_NAME:
        assert a.records(table) == b.records(table), table
    assert a.meta == b.meta
    return True


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("text", TRICKY)
def test_formula_like_text_comes_back_as_written(
    sample_dataset: Dataset, tmp_path: Path, fmt: str, text: str
) -> None:
    tables = {t: sample_dataset.records(t) for t in TABLES_BY_NAME}
    tables["prices"][0]["note"] = text
    tables["recipes"] = [{**r, "recipe": "=" + r["recipe"]} for r in tables["recipes"]]
    tables["processes"] = [{**r, "recipe": "=" + r["recipe"]} for r in tables["processes"]]
    tables["pipeline"] = [{**r, "recipe": "=" + r["recipe"]} for r in tables["pipeline"]]
    meta = {**sample_dataset.meta.model_dump(mode="json"), "title": '=HYPERLINK("x")'}
    mutated = load_dataset(write_dataset(tables, meta, tmp_path / "mutated"))
    back = export_and_import(mutated, fmt, tmp_path)
    assert back.records("prices")[0]["note"] == text
    assert back.meta.title == '=HYPERLINK("x")'
    assert same(back, mutated)


def test_no_csv_text_cell_is_a_formula(sample_dataset: Dataset, tmp_path: Path) -> None:
    tables = {t: sample_dataset.records(t) for t in TABLES_BY_NAME}
    tables["prices"][0]["note"] = "=cmd|' /C calc'!A0"
    folder = write_dataset(tables, sample_dataset.meta.model_dump(mode="json"), tmp_path / "x")
    with open(folder / "prices.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["note"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["price_usd_per_kg"] == "5"  # numbers stay numbers
    elasticities = (folder / "elasticities.csv").read_text(encoding="utf-8")
    assert ",-0.3," in elasticities  # a negative number is not quoted


def test_no_xlsx_text_cell_is_a_formula(sample_dataset: Dataset, tmp_path: Path) -> None:
    tables = {t: sample_dataset.records(t) for t in TABLES_BY_NAME}
    tables["prices"][0]["note"] = "=1+1"
    meta = {**sample_dataset.meta.model_dump(mode="json"), "title": "@title"}
    book = write_dataset(tables, meta, tmp_path / "x.xlsx")
    with zipfile.ZipFile(book) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets"))
    assert "<f>" not in xml
    assert "<v>-0.3</v>" in xml  # elasticities stay numbers


def test_quoting_is_reversed_by_the_reader() -> None:
    for text in [*TRICKY, "plain", "", "'''"]:
        assert unquote_text(quote_text(text)) == text


@st.composite
def mutated_sample(
    draw: st.DrawFn, sample: Dataset
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """The sample dataset with generated titles, notes, names and (consistently) codes."""
    tables = {t: [dict(r) for r in sample.records(t)] for t in TABLES_BY_NAME}
    meta = sample.meta.model_dump(mode="json")
    meta["title"] = draw(texts)
    meta["description"] = draw(texts)
    for table in tables.values():
        for record in table:
            for column in ("note", "url", "technology", "owner"):
                if column in record and draw(st.booleans()):
                    record[column] = draw(texts) or ("x" if column == "note" else "")
            if "source" in record and draw(st.booleans()):
                record["source"] = draw(texts) or "x"
            if record.get("method") and draw(st.booleans()):
                record["method"] = draw(texts) or "x"
            if "name" in record and draw(st.booleans()):
                record["name"] = draw(texts) or "x"
    for column, table in (("recipe", "recipes"), ("group", "groups"), ("sector", "sectors")):
        old = sorted({r[column] for r in tables[table]})
        new = draw(st.lists(codes, min_size=len(old), max_size=len(old), unique=True))
        renamed = dict(zip(old, new, strict=True))
        for records in tables.values():
            for record in records:
                if column in record:
                    record[column] = renamed.get(record[column], record[column])
    return tables, meta


@given(data=st.data())
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_returns_the_same_dataset(
    sample_dataset: Dataset, fmt: str, data: st.DataObject
) -> None:
    tables, meta = data.draw(mutated_sample(sample_dataset))
    with tempfile.TemporaryDirectory() as tmp:
        try:
            dataset = load_dataset(write_dataset(tables, meta, Path(tmp) / "mutated"))
        except DatasetError:
            assume(False)  # codes that collide with another table's rules; not this property
            raise
        assert same(export_and_import(dataset, fmt, Path(tmp)), dataset)


@given(st.text("_x0F5A\r\x01'=-", max_size=40))
@settings(max_examples=300, deadline=None, derandomize=True, database=None)
def test_workbook_escapes_and_csv_quotes_are_reversed_exactly(text: str) -> None:
    assert unescape_text(escape_text(text)) == text
    assert unquote_text(quote_text(text)) == text
    assert not looks_like_formula(quote_text(text))
