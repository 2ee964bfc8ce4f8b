"""Read a dataset's raw tables from a folder of CSV files or from one XLSX workbook.

Reading is separate from validation: this module only turns files into rows of text,
remembering where each row came from (file and line), so that every later problem can
name its place. A malformed file is reported as a :class:`~reechain.errors.Problem`;
nothing here raises for a user's mistake except through :class:`DatasetError`.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from reechain.data.tables import TABLES_BY_NAME
from reechain.errors import DatasetError, Problem
from reechain.exporting import unquote_text

META_FILE = "dataset.toml"
META_SHEET = "dataset"


@dataclass
class RawTable:
    """A table as read: its header and its rows of text, each with its line number."""

    name: str
    file: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class RawDataset:
    """Everything read from a dataset's files, before validation."""

    source: str
    meta: dict[str, object]
    tables: dict[str, RawTable]
    problems: list[Problem]
    meta_file: str = META_FILE


def read_dataset_files(path: Path) -> RawDataset:
    """Return the raw tables of the dataset at ``path`` (a CSV folder or an .xlsx file)."""
    try:
        exists, is_dir = path.exists(), path.is_dir()
    except OSError as exc:  # a name too long, a loop of links, no permission
        raise DatasetError([_os_problem(str(path), exc)]) from None
    if not exists:
        raise DatasetError([Problem(str(path), None, None, None, "an existing folder or .xlsx")])
    if is_dir:
        return unquote_text_cells(_read_folder(path))
    if path.suffix.lower() == ".xlsx":
        from reechain.data.xlsx import read_workbook  # only workbook users pay for it

        return read_workbook(path)
    raise DatasetError(
        [Problem(str(path), None, None, path.suffix, "a folder of CSV files or an .xlsx workbook")]
    )


def unquote_text_cells(raw: RawDataset) -> RawDataset:
    """Return ``raw`` (read from CSV files) with every cell's text quote dropped
    (:func:`reechain.exporting.unquote_text`)."""
    for table in raw.tables.values():
        table.rows = [
            (line, {k: unquote_text(v) for k, v in values.items()}) for line, values in table.rows
        ]
    return raw


def _read_folder(folder: Path) -> RawDataset:
    problems: list[Problem] = []
    meta: dict[str, object] = {}
    meta_path = folder / META_FILE
    if meta_path.is_symlink() or meta_path.exists():
        try:
            meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(META_FILE, None, None, None, "valid TOML", str(exc)))
        except OSError as exc:
            problems.append(_os_problem(META_FILE, exc))
    else:
        problems.append(Problem(META_FILE, None, None, None, "a dataset.toml with name and year"))
    tables: dict[str, RawTable] = {}
    for csv_path in sorted(folder.glob("*.csv")):
        name = csv_path.stem
        if name not in TABLES_BY_NAME:
            problems.append(
                Problem(csv_path.name, None, None, name, f"a table name, one of {_names()}")
            )
            continue
        try:
            text = csv_path.read_bytes().decode("utf-8-sig")  # keeps \r\n inside quoted cells
        except UnicodeDecodeError as exc:
            problems.append(Problem(csv_path.name, None, None, None, "UTF-8 text", str(exc)))
            continue
        except OSError as exc:  # a folder, a dangling link or a loop of links, no permission
            problems.append(_os_problem(csv_path.name, exc))
            continue
        table = _parse_csv(name, csv_path.name, text, problems)
        if table is not None:
            tables[name] = table
    return RawDataset(str(folder), meta, tables, problems)


def _parse_csv(name: str, file: str, text: str, problems: list[Problem]) -> RawTable | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(file, 1, None, None, "a well-formed CSV header", str(exc)))
        return None
    if header is None:
        problems.append(Problem(file, None, None, "an empty file", "a header line"))
        return None
    header = [h.strip() for h in header]
    table = RawTable(name, file, header)
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, None, None, "well-formed CSV", str(exc)))
            return None
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(
                Problem(file, line, None, f"{len(values)} fields", f"{len(header)} fields")
            )
            continue
        table.rows.append((line, dict(zip(header, values, strict=True))))
    return table


def _names() -> str:
    return ", ".join(TABLES_BY_NAME)


def _os_problem(file: str, exc: OSError) -> Problem:
    """Return the problem of a file that cannot be read (the OS's reason, not a traceback)."""
    reason = exc.strerror or type(exc).__name__
    shown = file if len(file) <= 200 else file[:100] + "…" + file[-40:]
    return Problem(shown, None, None, reason, "a readable file")
