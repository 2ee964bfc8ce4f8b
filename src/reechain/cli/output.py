"""Write records as a table, CSV, JSON or XLSX: the CLI's one way to show results."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from reechain.errors import InputError
from reechain.exporting import columns_of, records_csv
from reechain.finite import json_safe

SHEET_TITLE_MAX = 31
"""Excel's longest sheet title."""

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


class OutputFormat(StrEnum):
    """Formats every listing command offers."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


def _shown(column: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if column.endswith("share"):
            return f"{value:.1%}"
        if abs(value) >= 1e6:
            return f"{value:,.0f}"
        if value != 0 and abs(value) < 1e-3:
            return f"{value:.4g}"
        return f"{value:,.6g}"
    return str(value)


def json_text(value: Any, indent: int = 2) -> str:
    """Return ``value`` as JSON text (and a newline) that cannot fail on a non-finite number.

    A NaN or infinity is written as ``null``, and a note on standard error says how many.
    """
    safe, replaced = json_safe(value)
    if replaced:
        sys.stderr.write(f"note: {replaced} value(s) not finite (NaN or infinity), as null\n")
    return json.dumps(safe, indent=indent, default=str, allow_nan=False) + "\n"


def emit(
    records: Sequence[Mapping[str, Any]],
    fmt: OutputFormat,
    out: Path | None = None,
    *,
    title: str | None = None,
    console: Console | None = None,
) -> None:
    """Show ``records`` in ``fmt``, on standard output or into ``out``."""
    records = list(records)
    if fmt is OutputFormat.XLSX:
        if out is None:
            raise InputError("--format xlsx writes a file: add --out FILE.xlsx")
        _write_xlsx(records, out, title or "results")
        return
    if fmt is OutputFormat.CSV:
        text = records_csv(records)
    elif fmt is OutputFormat.JSON:
        text = json_text(records)
    else:
        if out is not None:
            raise InputError("--out needs --format csv, json or xlsx")
        _print_table(records, title, console or Console())
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)


def _print_table(records: list[Mapping[str, Any]], title: str | None, console: Console) -> None:
    """Print ``records`` as a table. When it would not fit the terminal's width (a wrapped
    wide table cannot be read), columns with one value in every row move into the title,
    and if it still does not fit, each record is shown as a block of its own."""
    if not records:
        console.print(f"{title + ': ' if title else ''}nothing to show")
        return
    columns = columns_of(records)
    cells = [[_shown(c, record.get(c)) for c in columns] for record in records]
    if table_width(columns, cells) > console.width and len(records) > 1:
        same = [i for i in range(len(columns)) if len({row[i] for row in cells}) == 1]
        if same and len(same) < len(columns):
            fixed = ", ".join(f"{columns[i]} {cells[0][i]}" for i in same)
            title = f"{title}: {fixed}" if title else fixed
            keep = [i for i in range(len(columns)) if i not in same]
            columns = [columns[i] for i in keep]
            cells = [[row[i] for i in keep] for row in cells]
            records = [{c: r.get(c) for c in columns} for r in records]
    if table_width(columns, cells) > console.width and len(columns) > 2:
        _print_blocks(columns, cells, title, console)
        return
    table = Table(title=title, show_lines=False)
    for column in columns:
        numeric = any(
            isinstance(r.get(column), int | float) and not isinstance(r.get(column), bool)
            for r in records
        )
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in cells:
        table.add_row(*row)
    console.print(table)


def table_width(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> int:
    """Characters a box table of these cells needs on one line: the widest cell of each
    column, one space of padding on each side and a rule between columns and at the edges.

    >>> table_width(["a", "bbb"], [["xx", "y"]])
    12
    """
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    return sum(widths) + 3 * len(widths) + 1


def _print_blocks(
    columns: Sequence[str], cells: Sequence[Sequence[str]], title: str | None, console: Console
) -> None:
    """One block per record, ``column  value`` per line, for tables wider than the terminal."""
    name_width = max(len(c) for c in columns)
    n = len(cells)
    if title:
        console.print(f"{title} ({n} record{'s' if n != 1 else ''}, one block each)", markup=False)
    for i, row in enumerate(cells, start=1):
        console.print(f"── {i}/{n} " + "─" * max(0, min(console.width, 60) - 8), markup=False)
        for column, value in zip(columns, row, strict=True):
            console.print(f"{column:<{name_width}}  {value}", markup=False, highlight=False)


def sheet_title(title: str) -> str:
    """Return ``title`` as a valid Excel sheet title: no []:*?/\\, at most 31 characters.

    >>> sheet_title("default / prices")
    'default - prices'
    """
    text = _SHEET_TITLE_FORBIDDEN.sub("-", title).strip().strip("'")[:SHEET_TITLE_MAX].strip()
    return text or "results"


def _write_xlsx(records: list[Mapping[str, Any]], out: Path, title: str) -> None:
    import openpyxl

    from reechain.data.writers import append_row

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    columns = columns_of(records)
    append_row(sheet, columns)
    for record in json_safe(records)[0]:
        append_row(sheet, [_xlsx_value(record.get(c)) for c in columns])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.xlsx")
    try:
        book.save(tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _xlsx_value(value: Any) -> Any:
    """Numbers stay numbers; anything else is text, written as a string cell (never a formula)."""
    if value is None or isinstance(value, int | float | bool):
        return value
    return str(value)
