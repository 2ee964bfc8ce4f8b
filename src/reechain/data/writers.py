"""Write dataset tables back out in the import format (a CSV folder or an XLSX workbook).

Writing is atomic: files go to a temporary sibling first and are moved into place only
when all of them are written, so a failure never leaves a half-written dataset.

Writing is formula-safe and lossless: in CSV a text cell that a spreadsheet would take for
a formula gets a leading apostrophe that the reader drops again
(:func:`reechain.exporting.quote_text`); in a workbook every text cell is written as a
string, never as a formula, and numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reechain.data.readers import META_FILE, META_SHEET
from reechain.data.tables import TABLES
from reechain.data.xlsx import escape_text
from reechain.exporting import quote_text


def cell(value: Any) -> str:
    """Return a value as dataset text: floats exactly (shortest round-trip), None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(getattr(value, "value", value))


def table_csv(table: str, records: Sequence[Mapping[str, Any]]) -> str:
    """Return one table's records as CSV text with the table's columns in schema order."""
    spec = next(t for t in TABLES if t.name == table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.columns)
    for record in records:
        writer.writerow([_csv_cell(record.get(c)) for c in spec.columns])
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    text = cell(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text
    return quote_text(text)


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
"""TOML keys that need no quotes."""


def _toml_string(text: str) -> str:
    """Return ``text`` as a TOML basic string (a JSON string, once DEL is escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def meta_toml(meta: Mapping[str, Any]) -> str:
    """Return dataset metadata as TOML text (flat keys: text and whole numbers)."""
    lines = []
    for key, value in meta.items():
        name = key if _BARE_KEY.fullmatch(key) else _toml_string(key)
        if isinstance(value, int) and not isinstance(value, bool):
            lines.append(f"{name} = {value}")
        else:
            lines.append(f"{name} = {_toml_string(str(value))}")
    return "\n".join(lines) + "\n"


def write_dataset(
    tables: Mapping[str, Sequence[Mapping[str, Any]]],
    meta: Mapping[str, Any],
    path: Path,
    *,
    overwrite: bool = False,
) -> Path:
    """Write tables to ``path``: a folder of CSV files, or a workbook if it ends in .xlsx.

    Returns the path written. Raises FileExistsError when it exists and not ``overwrite``.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.tmp")
        os.close(fd)
        try:
            _write_workbook(tables, meta, Path(tmp))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path
    tmp_dir = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        (tmp_dir / META_FILE).write_text(meta_toml(meta), encoding="utf-8", newline="")
        for spec in TABLES:
            if spec.name in tables:
                text = table_csv(spec.name, tables[spec.name])
                (tmp_dir / spec.filename).write_text(text, encoding="utf-8", newline="")
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp_dir, path)
    finally:
        if tmp_dir.exists():
            shutil.rmtree(tmp_dir)
    return path


def _write_workbook(
    tables: Mapping[str, Sequence[Mapping[str, Any]]], meta: Mapping[str, Any], path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = META_SHEET
    append_row(sheet, ["key", "value"])
    for key, value in meta.items():
        append_row(sheet, [key, value])
    for spec in TABLES:
        if spec.name not in tables:
            continue
        sheet = book.create_sheet(spec.name)
        append_row(sheet, list(spec.columns))
        for record in tables[spec.name]:
            append_row(sheet, [_native(record.get(c)) for c in spec.columns])
    book.save(path)


def append_row(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row to a worksheet: numbers as numbers, text always as a string cell.

    openpyxl takes any text that starts with ``=`` for a formula; setting the cell's type
    to string afterwards keeps it text, so a workbook never runs what a dataset says.
    Control characters and carriage returns are escaped as spreadsheets do
    (:func:`reechain.data.xlsx.escape_text`), so that they come back as written.
    """
    sheet.append([_exact(escape_text(v) if isinstance(v, str) else v) for v in values])
    for cell_ in sheet[sheet.max_row]:
        if isinstance(cell_.value, str):
            cell_.data_type = "s"


def _exact(value: Any) -> Any:
    """Return ``value`` as a workbook will keep it exactly.

    openpyxl writes a number with 16 significant digits; the few doubles that need 17 (a
    computed residual, say), and whole numbers past 2**53, would come back different, so
    those are written as their exact decimal text, which the dataset reader takes as the
    same number.
    """
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        return str(value)  # a whole number no double holds exactly
    return value


def _native(value: Any) -> Any:
    """Numbers stay numbers in a workbook; everything else becomes dataset text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return cell(value) or None
