"""The one exception tree of reechain.

::

    ReechainError                 anything reechain raises on purpose
    ├── InputError                a user's input is wrong: a file, a row, an argument
    │   ├── DatasetError          a dataset has one or more problems (all listed at once)
    │   └── NotFoundError         a named thing (dataset, run, region …) does not exist
    ├── ConsistencyError          inputs are individually valid but do not fit together
    ├── InfeasibleError           an optimisation problem has no solution
    ├── RunFailedError            a recorded run failed inside or was cancelled
    └── StoreError                the store cannot be opened, migrated or written

The edges (CLI, REST API) catch ``ReechainError`` and show its message in one line
(exit code 2, or HTTP 4xx); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReechainError(Exception):
    """Base class of every error reechain raises on purpose."""


class InputError(ReechainError):
    """A user's input is wrong; the message says where, what was found and what was expected."""


class NotFoundError(InputError):
    """A named thing (a dataset, a run, a region, a commodity) does not exist."""


class ConsistencyError(ReechainError):
    """Inputs that are each valid do not fit together (e.g. a baseline that does not balance)."""


class InfeasibleError(ReechainError):
    """An optimisation problem has no feasible solution; the message names the constraints."""


class RunFailedError(ReechainError):
    """A recorded run stopped without results: an internal error, or a user cancelled it.

    Its error is stored with the run. A user's mistake found while running is raised as
    itself (an :class:`InputError` …), not as this.
    """

    def __init__(self, run_id: str, status: str, error: str) -> None:
        super().__init__(f"run {run_id} {status}: {error}")
        self.run_id = run_id
        self.status = status


class StoreError(ReechainError):
    """The store cannot be opened, migrated, read or written."""


@dataclass(frozen=True)
class Problem:
    """One problem in an input file: where it is, what was found and what was expected.

    ``line`` is the 1-based line of a CSV file (the header is line 1) or the row of a
    spreadsheet; it is ``None`` for a problem with the file as a whole.
    """

    file: str
    line: int | None
    column: str | None
    found: str | None
    expected: str
    hint: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        where = ", ".join(parts)
        found = "" if self.found is None else f"got {self.found!r}, "
        text = f"{where}: {found}expected {self.expected}"
        if self.hint:
            text += f"; {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready record (for the REST API and ``--format json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "found": self.found,
            "expected": self.expected,
            "hint": self.hint,
        }


class DatasetError(InputError):
    """A dataset has one or more problems; ``problems`` lists every one of them.

    ``stage`` says which check found them: ``"rows"`` (every row and cross-reference, all at
    once) or ``"balance"`` (the baseline balance, which is checked only on valid rows).
    """

    def __init__(self, problems: list[Problem], *, stage: str = "rows") -> None:
        self.problems = list(problems)
        self.stage = stage
        first = str(self.problems[0]) if self.problems else "invalid dataset"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(first + suffix)
