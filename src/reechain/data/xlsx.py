"""Read a dataset's raw tables from one XLSX workbook, sheet by sheet, cell by cell.

The workbook is read straight from its zip members with the standard library's XML parser
(no external entities are ever fetched), so that every failure can be named: a damaged zip
or a bad CRC, corrupt sheet XML, an error or non-finite number in a cell, a formula whose
value was never calculated. Each becomes a :class:`~reechain.errors.Problem` naming the
sheet, the row and the column; nothing here raises anything but :class:`DatasetError`.

Every row of a sheet is read, whatever its ``<dimension>`` tag declares; a formula cell is
read through the value the spreadsheet cached for it (formulas are never evaluated here).
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from reechain.data.readers import META_SHEET, RawDataset, RawTable
from reechain.data.tables import TABLES_BY_NAME
from reechain.errors import DatasetError, Problem

MAX_MEMBER_BYTES = 256 * 1024 * 1024
"""The most bytes one member of a workbook may hold once uncompressed (a zip bomb guard)."""

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_UNSAFE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_NUMBER_TYPES = ("n", "", None)


class _SheetError(Exception):
    """A cell or sheet that cannot be read; carries the row and column it is at."""

    def __init__(self, row: int | None, column: str | None, found: str | None, expected: str):
        super().__init__(expected)
        self.row, self.column, self.found, self.expected = row, column, found, expected


def read_workbook(path: Path) -> RawDataset:
    """Return the raw tables of the workbook at ``path``: one sheet per table, plus metadata.

    Raises
    ------
    DatasetError
        When the file is not a readable workbook at all; a problem inside a sheet is
        returned among the dataset's problems instead, so that all are listed at once.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise DatasetError(
            [Problem(path.name, None, None, None, "a readable .xlsx workbook", str(exc))]
        ) from exc
    with book:
        try:
            sheets = _sheet_parts(book)
            strings = _shared_strings(book)
        except _SheetError as exc:
            raise DatasetError(
                [
                    Problem(
                        path.name, None, None, exc.found, "a readable .xlsx workbook", exc.expected
                    )
                ]
            ) from None
        problems: list[Problem] = []
        meta: dict[str, object] = {}
        tables: dict[str, RawTable] = {}
        for title, part in sheets:
            file = f"{path.name}[{title}]"
            if title != META_SHEET and title not in TABLES_BY_NAME:
                problems.append(
                    Problem(file, None, None, title, f"a table name, one of {_names()}")
                )
                continue
            errors: list[_SheetError] = []
            try:
                rows = _read_sheet(book, part, strings, errors)
            except _SheetError as exc:
                problems.append(Problem(file, exc.row, exc.column, exc.found, exc.expected))
                continue
            if errors:
                names = dict(enumerate(_header_of(rows), start=1))
                problems.extend(
                    Problem(file, e.row, _column_name(e.column, names), e.found, e.expected)
                    for e in errors
                )
                continue
            if title == META_SHEET:
                meta = {r[1].strip(): r.get(2, "") for _, r in rows[1:] if r.get(1, "").strip()}
                continue
            table = _table(title, file, rows, problems)
            if table is not None:
                tables[title] = table
    if not meta:
        problems.append(
            Problem(path.name, None, None, None, f"a '{META_SHEET}' sheet (key, value)")
        )
    return RawDataset(str(path), meta, tables, problems, f"{path.name}[{META_SHEET}]")


def _header_of(rows: list[tuple[int, dict[int, str]]]) -> list[str]:
    if not rows or rows[0][0] != 1:
        return []
    first = rows[0][1]
    return [first.get(i, "").strip() for i in range(1, max(first, default=0) + 1)]


def _column_name(letter: str | None, names: dict[int, str]) -> str | None:
    if letter is None or not letter.isalpha():
        return letter
    name = names.get(column_number(letter), "")
    return f"{name} ({letter})" if name else letter


def _table(
    title: str, file: str, rows: list[tuple[int, dict[int, str]]], problems: list[Problem]
) -> RawTable | None:
    if not rows or rows[0][0] != 1:
        problems.append(Problem(file, 1, None, "an empty row", "a header row"))
        return None
    first = rows[0][1]
    width = max(first) if first else 0
    while width and not first.get(width, "").strip():
        width -= 1
    header = [first.get(i, "").strip() for i in range(1, width + 1)]
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if name in seen:
            problems.append(Problem(file, 1, column_letter(i), name, "each column once"))
            return None
        seen.add(name)
    table = RawTable(title, file, header)
    for number, cells in rows[1:]:
        values = [cells.get(i, "") for i in range(1, width + 1)]
        if any(v.strip() for v in values):
            table.rows.append((number, dict(zip(header, values, strict=True))))
    return table


def _member(book: zipfile.ZipFile, name: str) -> bytes:
    """Return one member's bytes; a missing, damaged or oversized member is a _SheetError."""
    try:
        with book.open(name) as stream:
            data = stream.read(MAX_MEMBER_BYTES + 1)
    except KeyError:
        raise _SheetError(None, None, name, "a workbook part that exists") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise _SheetError(None, None, f"{name}: {exc}", "an undamaged workbook part") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise _SheetError(None, None, name, f"a part under {MAX_MEMBER_BYTES} bytes")
    return data


def _parse(data: bytes, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError) as exc:
        raise _SheetError(None, None, f"{name}: {exc}", "well-formed XML") from None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _sheet_parts(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Return (sheet title, zip member) for every worksheet, in workbook order."""
    workbook = _parse(_member(book, "xl/workbook.xml"), "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = _parse(_member(book, rels_name), rels_name)
    targets: dict[str, str] = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship":
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[rel.get("Id", "")] = posixpath.normpath(part)
    sheets: list[tuple[str, str]] = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        title = element.get("name", "")
        if rid not in targets:
            raise _SheetError(None, None, title, "a sheet whose part is listed in the workbook")
        sheets.append((title, targets[rid]))
    return sheets


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    name = "xl/sharedStrings.xml"
    if name not in book.namelist():
        return []
    root = _parse(_member(book, name), name)
    return [_text_of(si) for si in root if _local(si.tag) == "si"]


def _text_of(element: ElementTree.Element) -> str:
    """Return the text of a string item: its <t>, or its rich-text runs' <t>s, not phonetics."""
    parts: list[str] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return unescape_text("".join(parts))


def _read_sheet(
    book: zipfile.ZipFile, part: str, strings: list[str], errors: list[_SheetError]
) -> list[tuple[int, dict[int, str]]]:
    """Return every non-empty row of a sheet as (row number, {column number: text}).

    A cell that cannot be read is added to ``errors`` and reading goes on; a sheet that
    cannot be read at all raises :class:`_SheetError`.
    """
    data = _member(book, part)
    rows: dict[int, dict[int, str]] = {}
    row_number = 0
    try:
        for event, element in _events(data):
            tag = _local(element.tag)
            if event == "start" and tag == "row":
                row_number = _int(element.get("r"), row_number + 1, row_number + 1, None)
                continue
            if event != "end":
                continue
            if tag == "c":
                row, column = _position(element, row_number, rows.get(row_number, {}))
                try:
                    text = _cell(element, strings, row, column)
                except _SheetError as exc:
                    errors.append(exc)
                    text = ""
                if text:
                    rows.setdefault(row, {})[column] = text
                element.clear()
            elif tag == "row":
                element.clear()
    except ElementTree.ParseError as exc:
        raise _SheetError(row_number or None, None, str(exc), "well-formed sheet XML") from None
    return sorted(rows.items())


def _events(data: bytes) -> Iterator[tuple[str, ElementTree.Element]]:
    """Yield the parser's events chunk by chunk, so a large sheet is never held as a tree."""
    parser: ElementTree.XMLPullParser[ElementTree.Element]
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    for start in range(0, len(data), 1 << 16):
        parser.feed(data[start : start + (1 << 16)])
        yield from _elements(parser)
    parser.close()
    yield from _elements(parser)


def _elements(
    parser: ElementTree.XMLPullParser[ElementTree.Element],
) -> Iterator[tuple[str, ElementTree.Element]]:
    for item in parser.read_events():
        if len(item) == 2 and isinstance(item[1], ElementTree.Element):
            yield item[0], item[1]


def _int(text: str | None, default: int, row: int | None, column: str | None) -> int:
    if text is None:
        return default
    if not text.isdigit() or not 0 < int(text) <= 1_048_576:
        raise _SheetError(row, column, text, "a row number from 1 to 1048576")
    return int(text)


def _position(cell: ElementTree.Element, row: int, seen: dict[int, str]) -> tuple[int, int]:
    ref = cell.get("r")
    if ref is None:
        return row, max(seen, default=0) + 1
    match = _REF.match(ref)
    if match is None:
        raise _SheetError(row or None, None, ref, "a cell reference like B7")
    column = column_number(match.group(1))
    if column > 16_384:
        raise _SheetError(row or None, None, ref, "a column from A to XFD")
    return _int(match.group(2), row, row or None, ref), column


def _cell(cell: ElementTree.Element, strings: list[str], row: int, column: int) -> str:
    """Return one cell's value as dataset text."""
    kind = cell.get("t")
    where = column_letter(column)
    children = {_local(c.tag): c for c in cell}
    value = children["v"].text if "v" in children else None
    if "f" in children and value is None and kind != "inlineStr":
        raise _SheetError(
            row,
            where,
            "=" + (children["f"].text or ""),
            "a value: formulas are not evaluated; paste the values instead",
        )
    if kind == "s":
        if value is None or not value.strip().isdigit() or int(value) >= len(strings):
            raise _SheetError(row, where, value, "an index into the shared strings")
        return strings[int(value)]
    if kind == "inlineStr":
        return _text_of(children["is"]) if "is" in children else ""
    if kind == "str":
        return unescape_text(value or "")
    if kind == "d":
        return value or ""
    if kind == "b":
        return {"1": "true", "0": "false"}.get((value or "").strip(), value or "")
    if kind == "e":
        raise _SheetError(row, where, value, "a value, not a spreadsheet error")
    if kind not in _NUMBER_TYPES:
        raise _SheetError(row, where, kind, "a cell type among s, str, inlineStr, n, b, d, e")
    if value is None or not value.strip():
        return ""
    try:
        number = float(value)
    except ValueError:
        raise _SheetError(row, where, value, "a number") from None
    if not math.isfinite(number):
        raise _SheetError(row, where, value, "a finite number")
    return number_text(number)


def escape_text(text: str) -> str:
    """Return text ready for a workbook cell, escaped as spreadsheets do (``_x000D_``).

    XML cannot hold control characters and turns a carriage return into a line feed, so
    these are written as ``_xHHHH_``; text that already looks like an escape has its
    underscore escaped (``_x005F_``). :func:`unescape_text` reverses it exactly.

    >>> escape_text("a\rb"), escape_text("_x0041_")
    ('a_x000D_b', '_x005F_x0041_')
    """
    return _UNSAFE.sub(lambda m: _escape_one(m.group(0)), text)


def _escape_one(found: str) -> str:
    return f"_x{ord(found):04X}_"


def unescape_text(text: str) -> str:
    """Return the text a workbook cell holds, its ``_xHHHH_`` escapes replaced.

    >>> unescape_text("a_x000D_b"), unescape_text("_x005F_x0041_")
    ('a\rb', '_x0041_')
    """
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def number_text(number: float) -> str:
    """Return a workbook number as dataset text: whole numbers without a decimal point."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def column_number(letters: str) -> int:
    """Return the 1-based number of a spreadsheet column ("A" is 1, "AA" is 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letter(number: int) -> str:
    """Return the letters of a 1-based spreadsheet column number (27 is "AA")."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _names() -> str:
    return ", ".join(TABLES_BY_NAME)
