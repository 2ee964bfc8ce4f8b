"""Reading workbooks: every row whatever <dimension> says, and every damage a Problem that
names the sheet, the row and the column; never a traceback, never a silently dropped row."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import reechain
from reechain.data.dataset import Dataset, load_dataset
from reechain.data.tables import TABLES_BY_NAME
from reechain.errors import DatasetError

Edit = Callable[[str], str]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return reechain.export_dataset(reechain.load_dataset("sample"), tmp_path / "s.xlsx")


def sheet_part(book: Path, title: str) -> str:
    """Return the zip member that holds sheet ``title`` (workbook order is sheetN order)."""
    with zipfile.ZipFile(book) as z:
        names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    return f"xl/worksheets/sheet{names.index(title) + 1}.xml"


def rewrite(
    book: Path, member: str, edit: Edit, *, stored: bool = False, out: Path | None = None
) -> Path:
    """Write a copy of ``book`` with ``member``'s text passed through ``edit``."""
    out = out or book.with_name("edited.xlsx")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = edit(data.decode()).encode()
            kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            dst.writestr(info.filename, data, compress_type=kind)
    return out


def set_cell_xml(ref: str, xml: str) -> Edit:
    """Return an edit replacing the cell at ``ref`` with ``xml``."""

    def edit(text: str) -> str:
        new, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', xml, text, count=1)
        assert count == 1
        return new

    return edit


def problems(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load_dataset(path)
    return [str(p) for p in caught.value.problems]


def same(a: Dataset, b: Dataset) -> bool:
    return all(a.records(t) == b.records(t) for t in TABLES_BY_NAME) and a.meta == b.meta


def test_rows_beyond_the_declared_dimension_are_read(book: Path) -> None:
    part = sheet_part(book, "trade")
    small = rewrite(
        book, part, lambda t: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:A1"', t)
    )
    assert same(load_dataset(small), load_dataset(book))


def test_a_workbook_without_dimensions_reads_the_same(book: Path) -> None:
    part = sheet_part(book, "processes")
    bare = rewrite(book, part, lambda t: re.sub(r'<dimension ref="[^"]+" ?/>', "", t))
    assert same(load_dataset(bare), load_dataset(book))


def test_corrupt_sheet_xml_names_the_sheet_and_row(book: Path) -> None:
    part = sheet_part(book, "trade")
    broken = rewrite(book, part, lambda t: t.replace('<row r="3"', '<row r="3"><c r="A3"', 1))
    found = problems(broken)
    assert len(found) == 1
    assert found[0].startswith("edited.xlsx[trade], line 3: got 'mismatched tag")
    assert "expected well-formed sheet XML" in found[0]


def test_a_bad_crc_is_a_problem_not_a_traceback(book: Path) -> None:
    part = sheet_part(book, "prices")
    plain = rewrite(book, part, lambda t: t, stored=True)
    data = bytearray(plain.read_bytes())
    at = data.index(b"<v>56</v>")  # NdPr oxide's price, inside the stored sheet
    data[at + 3] = ord("7")
    plain.write_bytes(bytes(data))
    found = problems(plain)
    assert found[0].startswith(f'edited.xlsx[prices]: got "{part}: Bad CRC-32 for file')
    assert found[0].endswith("expected an undamaged workbook part")


@pytest.mark.parametrize("text", ["NaN", "INF", "-inf", "1e999"])
def test_non_finite_numbers_are_problems(book: Path, text: str) -> None:
    part = sheet_part(book, "prices")
    edited = rewrite(book, part, set_cell_xml("C2", f'<c r="C2" t="n"><v>{text}</v></c>'))
    assert problems(edited)[:1] == [
        f"edited.xlsx[prices], line 2, column price_usd_per_kg (C): got {text!r}, "
        "expected a finite number"
    ]


def test_a_formula_without_a_cached_value_is_a_problem(book: Path) -> None:
    part = sheet_part(book, "prices")
    edited = rewrite(book, part, set_cell_xml("C2", '<c r="C2"><f>2+3</f></c>'))
    assert problems(edited)[:1] == [
        "edited.xlsx[prices], line 2, column price_usd_per_kg (C): got '=2+3', "
        "expected a value: formulas are not evaluated; paste the values instead"
    ]


def test_a_formula_with_a_cached_value_reads_the_value(book: Path) -> None:
    part = sheet_part(book, "prices")
    edited = rewrite(book, part, set_cell_xml("C2", '<c r="C2"><f>2+3</f><v>5</v></c>'))
    assert load_dataset(edited).records("prices")[0]["price_usd_per_kg"] == 5


def test_error_cells_and_bad_shared_strings_are_problems(book: Path) -> None:
    part = sheet_part(book, "prices")
    edit_a = set_cell_xml("C2", '<c r="C2" t="e"><v>#DIV/0!</v></c>')
    edit_b = set_cell_xml("A3", '<c r="A3" t="s"><v>99</v></c>')
    edited = rewrite(book, part, lambda t: edit_b(edit_a(t)))
    assert problems(edited)[:2] == [
        "edited.xlsx[prices], line 2, column price_usd_per_kg (C): got '#DIV/0!', "
        "expected a value, not a spreadsheet error",
        "edited.xlsx[prices], line 3, column commodity (A): got '99', "
        "expected an index into the shared strings",
    ]


def test_a_missing_sheet_part_is_a_readable_workbook_problem(book: Path) -> None:
    part = sheet_part(book, "prices")
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(book.with_name("m.xlsx"), "w") as dst:
        for info in src.infolist():
            if info.filename != part:
                dst.writestr(info, src.read(info.filename))
    assert problems(book.with_name("m.xlsx"))[:1] == [
        f"m.xlsx[prices]: got '{part}', expected a workbook part that exists"
    ]


def test_a_workbook_missing_its_workbook_part(book: Path) -> None:
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(book.with_name("m.xlsx"), "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/workbook.xml":
                dst.writestr(info, src.read(info.filename))
    found = problems(book.with_name("m.xlsx"))
    assert found == [
        "m.xlsx: got 'xl/workbook.xml', expected a readable .xlsx workbook; "
        "a workbook part that exists"
    ]


def test_a_repeated_header_is_a_problem(book: Path) -> None:
    part = sheet_part(book, "prices")
    edited = rewrite(
        book, part, set_cell_xml("B1", '<c r="B1" t="inlineStr"><is><t>commodity</t></is></c>')
    )
    assert problems(edited)[:1] == [
        "edited.xlsx[prices], line 1, column B: got 'commodity', expected each column once"
    ]


def test_shared_strings_and_rich_text_are_read(book: Path) -> None:
    """Workbooks saved by spreadsheets keep text in xl/sharedStrings.xml, often as runs."""
    part = sheet_part(book, "prices")
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><r><t>annual </t></r><r><t>mean</t></r><rPh><t>x</t></rPh></si></sst>"
    )
    edited = rewrite(book, part, set_cell_xml("G2", '<c r="G2" t="s"><v>0</v></c>'))
    with zipfile.ZipFile(edited, "a") as z:
        z.writestr("xl/sharedStrings.xml", shared)
    assert load_dataset(edited).records("prices")[0]["note"] == "annual mean"
