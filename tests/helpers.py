"""Helpers for tests that need a dataset folder they can break one cell at a time."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import reechain


def copy_sample(dest: Path) -> Path:
    """Copy the bundled sample dataset to ``dest`` and return the folder."""
    shutil.copytree(reechain.bundled_path("sample"), dest)
    return dest


def read_table(folder: Path, table: str) -> list[dict[str, str]]:
    """Return the rows of ``table`` in ``folder`` as text records."""
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_table(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    """Write text records as ``table`` in ``folder``, keeping the first row's columns."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (folder / f"{table}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(folder: Path, table: str, line: int, column: str, value: str) -> None:
    """Set one cell; ``line`` counts as in the file (the header is line 1)."""
    rows = read_table(folder, table)
    rows[line - 2][column] = value
    write_table(folder, table, rows)
