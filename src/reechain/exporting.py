"""Records to CSV and Parquet bytes, safe to open in a spreadsheet.

Used by every surface that hands results to users (CLI files, REST downloads), so the
formula-injection guard lives in one place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: text starting with = + - @ gets a quote.

    Numbers written as text (``-3.5``) are left alone: they are data, not formulas.
    """
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def columns_of(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return the columns of ``records`` in first-seen order."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    return list(columns)


def records_csv(records: Sequence[Mapping[str, Any]]) -> str:
    """Return records as CSV text, columns in first-seen order, formulas neutralised."""
    buffer = io.StringIO()
    columns = columns_of(records)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([csv_safe("" if record.get(c) is None else record.get(c)) for c in columns])
    return buffer.getvalue()


def records_parquet(records: Sequence[Mapping[str, Any]]) -> bytes:
    """Return records as a Parquet file's bytes (one row group)."""
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame.from_records(list(records), columns=columns_of(records)).to_parquet(
        buffer, index=False
    )
    return buffer.getvalue()
