"""Write records as a table, CSV, JSON or XLSX: the CLI's one way to show results."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from reechain.errors import InputError
from reechain.exporting import columns_of, csv_safe, records_csv
from reechain.finite import json_safe


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
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
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
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)


def _print_table(records: list[Mapping[str, Any]], title: str | None, console: Console) -> None:
    if not records:
        console.print(f"{title + ': ' if title else ''}nothing to show")
        return
    columns = columns_of(records)
    table = Table(title=title, show_lines=False)
    for column in columns:
        numeric = any(
            isinstance(r.get(column), int | float) and not isinstance(r.get(column), bool)
            for r in records
        )
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for record in records:
        table.add_row(*[_shown(c, record.get(c)) for c in columns])
    console.print(table)


def _write_xlsx(records: list[Mapping[str, Any]], out: Path, title: str) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    columns = columns_of(records)
    sheet.append(columns)
    for record in records:
        sheet.append([_xlsx_value(record.get(c)) for c in columns])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.xlsx")
    book.save(tmp)
    tmp.replace(out)


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | bool):
        return value
    return csv_safe(str(value))
