"""Records to CSV and Parquet bytes, safe to open in a spreadsheet.

Used by every surface that hands results or datasets to users (CLI files, REST downloads,
``data export``), so the formula-injection guard lives in one place.

Two guards, one rule: a text cell that a spreadsheet would take for a formula (it starts
with ``= + - @``, a tab or a carriage return, and is not a plain number such as ``-5``)
gets a leading apostrophe, which spreadsheets show as "this is text".

- :func:`csv_safe` guards results, which are never read back.
- :func:`quote_text` guards dataset CSV files, which are read back: there a text cell that
  itself starts with an apostrophe gets one more, and the reader drops exactly one leading
  apostrophe (:func:`unquote_text`), so ``data export`` then ``data import`` is lossless.

Workbooks need no apostrophe: their text cells are written as strings (never formulas).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""

TEXT_QUOTE = "'"
"""The mark that keeps a dataset CSV cell text; the reader drops one from each cell."""

_PLAIN_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: text starting with = + - @ gets a quote.

    Numbers written as text (``-3.5``) are left alone: they are data, not formulas.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return TEXT_QUOTE + value
    return value


def looks_like_formula(text: str) -> bool:
    """Return whether a spreadsheet would read ``text`` as a formula (not a plain number)."""
    return text[:1] in FORMULA_STARTS and _PLAIN_NUMBER.match(text) is None


def quote_text(text: str) -> str:
    """Return a dataset text cell for CSV: formula-like or apostrophe-led text gets a quote.

    >>> quote_text("=1+1"), quote_text("-5"), quote_text("'x"), quote_text("plain")
    ("'=1+1", '-5', "''x", 'plain')
    """
    if text.startswith(TEXT_QUOTE) or looks_like_formula(text):
        return TEXT_QUOTE + text
    return text


def unquote_text(text: str) -> str:
    """Return a dataset CSV cell as its text: one leading apostrophe is dropped.

    >>> unquote_text("'=1+1"), unquote_text("''x"), unquote_text("plain")
    ('=1+1', "'x", 'plain')
    """
    return text[1:] if text.startswith(TEXT_QUOTE) else text


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
