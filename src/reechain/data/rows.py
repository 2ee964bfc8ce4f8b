"""Read a CSV table into validated row models, with one error format for every table.

Every bundled or user-supplied table other than a dataset's own (demand drivers, risk
events and parameters, optimiser candidates) is read by :func:`read_rows`: one row model
per table, each bad cell a :class:`~reechain.errors.Problem` that names the file, the line,
the column, what was found and what was expected. A dataset's tables are read as text
first (:mod:`reechain.data.readers`) because they also come from workbooks.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from reechain.errors import DatasetError, Problem

RowModel = TypeVar("RowModel", bound=BaseModel)

Prepare = Callable[[dict[str, str]], Mapping[str, Any]]
"""Turn a row's non-empty, stripped cells into the values its model validates."""


def read_rows(
    path: str | Path,
    model: type[RowModel],
    *,
    problems: list[Problem] | None = None,
    prepare: Prepare | None = None,
    file: str | None = None,
) -> tuple[RowModel, ...]:
    """Return the rows of the CSV file at ``path`` validated as ``model``.

    Empty cells are left out (the model's default applies); ``prepare`` may convert the
    remaining text before validation. Unknown, duplicated or missing required columns and
    invalid cells are problems named by ``file`` (default: the file's name) and line.

    Raises
    ------
    DatasetError
        With every problem found, unless ``problems`` is given: then they are appended to
        it and the valid rows are returned.

    Examples
    --------
    >>> from reechain.risk.events import ModelParameter
    >>> from reechain.risk.tables import RISK_DATA_DIR
    >>> rows = read_rows(RISK_DATA_DIR / "parameters.csv", ModelParameter)
    >>> rows[0].parameter
    'export_restriction.rate_per_year'
    """
    source = Path(path)
    name = file or source.name
    found: list[Problem] = []
    try:
        text = source.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        found.append(Problem(name, None, None, None, "a readable UTF-8 CSV file", str(exc)))
        rows: tuple[RowModel, ...] = ()
    else:
        rows = parse_rows(text, model, name, found, prepare)
    if problems is not None:
        problems.extend(found)
    elif found:
        raise DatasetError(found)
    return rows


def parse_rows(
    text: str,
    model: type[RowModel],
    file: str,
    problems: list[Problem],
    prepare: Prepare | None = None,
) -> tuple[RowModel, ...]:
    """Return the rows of CSV ``text`` validated as ``model``; problems go to ``problems``."""
    return tuple(row for _, row in numbered_rows(text, model, file, problems, prepare))


def numbered_rows(
    text: str,
    model: type[RowModel],
    file: str,
    problems: list[Problem],
    prepare: Prepare | None = None,
    *,
    blanks: bool = False,
) -> tuple[tuple[int, RowModel], ...]:
    """Return (line, row) for each valid row of CSV ``text``, for checks across rows.

    ``blanks`` passes empty cells on as empty text, for models that read a blank themselves
    (otherwise an empty cell is left out and the field's default applies)."""
    reader = csv.reader(io.StringIO(text))
    header = [column.strip() for column in next(reader, [])]
    if not _header_problems(header, model, file, problems):
        return ()
    rows: list[tuple[int, RowModel]] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(file, line, None, f"{len(cells)} cells", f"{len(header)} cells at most")
            )
            continue
        data = {k: v.strip() for k, v in zip(header, cells, strict=False) if blanks or v.strip()}
        try:
            rows.append((line, model.model_validate(prepare(data) if prepare else data)))
        except ValidationError as exc:
            problems.extend(_cell_problems(exc, data, file, line))
    return tuple(rows)


def _header_problems(
    header: list[str], model: type[BaseModel], file: str, problems: list[Problem]
) -> bool:
    """Add the header's problems; return whether its rows can be read."""
    columns = model.model_fields
    before = len(problems)
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(file, 1, column, column, "each column once"))
        elif column not in columns:
            problems.append(Problem(file, 1, column, column, f"a column of {sorted(columns)}"))
        seen.add(column)
    for column, info in columns.items():
        if info.is_required() and column not in seen:
            problems.append(Problem(file, 1, column, None, f"a column named {column!r}"))
    return len(problems) == before


def _cell_problems(
    exc: ValidationError, data: Mapping[str, str], file: str, line: int
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else None
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        if column is None and ":" in message:
            column = message.split(":", 1)[0]
        found = data.get(column) if column else None
        problems.append(Problem(file, line, column, found, expected(err, message)))
    return problems


def expected(err: Mapping[str, Any], message: str) -> str:
    """Return what a pydantic error expected, in the words of a problem's ``expected``."""
    ctx = err.get("ctx", {})
    kind = err["type"]
    if kind == "missing":
        return "a value (this column is required)"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "a finite number"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return "yes or no"
    for key, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
        if key in ctx:
            return f"a number {sign} {ctx[key]:g}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected')}"
    if kind == "enum":
        return f"one of {ctx.get('expected')}"
    return message.split(":", 1)[-1].strip()


__all__ = ["expected", "numbered_rows", "parse_rows", "read_rows"]
