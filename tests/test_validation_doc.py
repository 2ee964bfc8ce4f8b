"""VALIDATION.md is a set of well-formed tables whose rows cite tests that exist and agree
with the row's verdict: a **fail** row cites strict xfails, a **pass** row cites plain tests,
a **not run** row cites none. Every ``[nN]`` note reference resolves to a note and every note
is referenced."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "VALIDATION.md"

CELL_SPLIT = re.compile(r"(?<!\\)\|")
DELIMITER_CELL = re.compile(r"^:?-{3,}:?$")
NODE_ID = re.compile(r"tests/[\w/]+\.py::[\w\[\]\-.]+")
NOTE_REF = re.compile(r"\[(n\d+)\]")
NOTE_DEF = re.compile(r"^- \[(n\d+)\] ", re.MULTILINE)
VERDICTS = ("pass", "fail", "not run")


@dataclass(frozen=True)
class Table:
    line: int  # 1-based line of the header row
    header: list[str]
    delimiter: list[str] | None
    rows: list[tuple[int, list[str]]]


def cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in CELL_SPLIT.split(body)]


def tables(text: str) -> list[Table]:
    """The Markdown tables of ``text``: runs of consecutive lines that start with ``|``."""
    found: list[Table] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if line.lstrip().startswith("|"):
            block.append((number, line))
            continue
        if block:
            (first, head), rest = block[0], block[1:]
            delimiter = None
            if rest and all(DELIMITER_CELL.match(c) for c in cells(rest[0][1])):
                delimiter, rest = cells(rest[0][1]), rest[1:]
            found.append(Table(first, cells(head), delimiter, [(n, cells(x)) for n, x in rest]))
            block = []
    return found


def verdict(cell: str) -> str:
    return NOTE_REF.sub("", cell).strip()


def xfail_strict(decorator: ast.expr) -> bool | None:
    """True for ``pytest.mark.xfail(strict=True)``, False for any other xfail, None otherwise."""
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    if not (isinstance(target, ast.Attribute) and target.attr == "xfail"):
        return None
    if call is None:
        return False
    return any(
        k.arg == "strict" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def defined_tests(path: Path) -> dict[str, bool | None]:
    """Each test function in ``path`` mapped to its xfail marking (see ``xfail_strict``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module_mark: bool | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
        ):
            marks = node.value.elts if isinstance(node.value, ast.List) else [node.value]
            for mark in marks:
                module_mark = module_mark or xfail_strict(mark)
    found: dict[str, bool | None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            marks = [m for m in map(xfail_strict, node.decorator_list) if m is not None]
            found[node.name] = marks[0] if marks else module_mark
    return found


def problems(text: str, root: Path) -> list[str]:
    """Every way ``text`` (a VALIDATION.md) breaks the rules in this module's docstring."""
    out: list[str] = []
    parsed = tables(text)
    if not parsed:
        out.append("no table found")
    for table in parsed:
        if table.delimiter is None:
            out.append(f"line {table.line}: table has no delimiter row (|---|---|...)")
            continue
        if len(table.delimiter) != len(table.header):
            out.append(f"line {table.line + 1}: delimiter row does not match the header")
        for key in ("pass/fail", "test"):
            if key not in table.header:
                out.append(f"line {table.line}: header has no {key!r} column")
        if "pass/fail" not in table.header or "test" not in table.header:
            continue
        v_col, t_col = table.header.index("pass/fail"), table.header.index("test")
        for line, row in table.rows:
            if len(row) != len(table.header):
                out.append(f"line {line}: {len(row)} cells, header has {len(table.header)}")
                continue
            result = verdict(row[v_col])
            if result not in VERDICTS:
                out.append(f"line {line}: verdict {row[v_col]!r}, expected one of {VERDICTS}")
                continue
            cited = NODE_ID.findall(row[t_col])
            if result == "not run":
                if cited:
                    out.append(f"line {line}: a 'not run' row cites {cited}")
                continue
            if not cited:
                out.append(f"line {line}: a {result!r} row cites no test node id")
            for node_id in cited:
                file, name = node_id.split("::")
                name = name.split("[")[0]
                path = root / file
                if not path.is_file():
                    out.append(f"line {line}: {node_id}: no file {file}")
                    continue
                functions = defined_tests(path)
                if name not in functions:
                    out.append(f"line {line}: {node_id}: {file} defines no test {name}")
                elif result == "fail" and functions[name] is not True:
                    out.append(f"line {line}: fail row cites {node_id}, not xfail(strict=True)")
                elif result == "pass" and functions[name] is not None:
                    out.append(f"line {line}: pass row cites {node_id}, which is marked xfail")
    referenced = set(NOTE_REF.findall(NOTE_DEF.sub("", text)))
    defined = NOTE_DEF.findall(text)
    for note in sorted(referenced - set(defined)):
        out.append(f"note [{note}] is referenced but not defined")
    for note in sorted(set(defined) - referenced):
        out.append(f"note [{note}] is defined but never referenced")
    for note in sorted({n for n in defined if defined.count(n) > 1}):
        out.append(f"note [{note}] is defined more than once")
    return out


def test_validation_md_tables_render_and_cite_tests_that_agree_with_their_verdicts() -> None:
    assert problems(DOC.read_text(encoding="utf-8"), ROOT) == []


def test_validation_md_covers_every_module_and_has_failing_rows() -> None:
    text = DOC.read_text(encoding="utf-8")
    for heading in ("Datasets", "Metrics", "Demand", "Engine", "Risk", "Optimiser"):
        assert re.search(rf"^## {heading}", text, re.MULTILINE), heading
    verdicts = [
        verdict(row[t.header.index("pass/fail")]) for t in tables(text) for _, row in t.rows
    ]
    assert {"pass", "fail"} <= set(verdicts)


HEADER = "| check | pass/fail | test |"
DELIM = "|---|---|---|"


OK = "`tests/t.py::test_ok`"
BROKEN = [
    (f"{HEADER}\n| a | pass | none |", "no delimiter row"),
    (f"{HEADER}\n{DELIM}\n| a | pass |", "2 cells, header has 3"),
    (f"{HEADER}\n{DELIM}\n| a | ok | none |", "verdict 'ok'"),
    (f"{HEADER}\n{DELIM}\n| a | pass | none |", "cites no test node id"),
    (f"{HEADER}\n{DELIM}\n| a | pass | `tests/nope.py::test_x` |", "no file tests/nope.py"),
    (f"{HEADER}\n{DELIM}\n| a | pass | `tests/t.py::test_missing` |", "defines no test"),
    (f"{HEADER}\n{DELIM}\n| a | pass | `tests/t.py::test_gap[1]` |", "marked xfail"),
    (f"{HEADER}\n{DELIM}\n| a | fail | {OK} |", "not xfail(strict=True)"),
    (f"{HEADER}\n{DELIM}\n| a | fail | `tests/t.py::test_loose` |", "not xfail(strict=True)"),
    (f"{HEADER}\n{DELIM}\n| a | not run | {OK} |", "'not run' row cites"),
    (f"{HEADER}\n{DELIM}\n| a [n1] | pass | {OK} |", "not defined"),
    (f"{HEADER}\n{DELIM}\n| a | pass | {OK} |\n\n- [n2] x", "never referenced"),
    (f"{HEADER}\n{DELIM}\n| a [n1] | pass | {OK} |\n\n- [n1] x\n- [n1] y", "more than once"),
]


@pytest.mark.parametrize(("table", "expected"), BROKEN, ids=[e for _, e in BROKEN])
def test_each_rule_catches_a_broken_table(tmp_path: Path, table: str, expected: str) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text(
        "import pytest\n\n"
        "def test_ok():\n    pass\n\n"
        "@pytest.mark.xfail(strict=True, reason='gap')\n"
        "@pytest.mark.parametrize('x', [1])\n"
        "def test_gap(x):\n    pass\n\n"
        "@pytest.mark.xfail(reason='loose')\n"
        "def test_loose():\n    pass\n",
        encoding="utf-8",
    )
    found = problems(f"# Doc\n\n{table}\n", tmp_path)
    assert any(expected in p for p in found), found


def test_a_well_formed_table_has_no_problems(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text(
        "import pytest\n\ndef test_ok():\n    pass\n\n"
        "@pytest.mark.xfail(strict=True, reason='gap')\ndef test_gap():\n    pass\n",
        encoding="utf-8",
    )
    doc = (
        f"{HEADER}\n{DELIM}\n| a [n1] | pass | `tests/t.py::test_ok` |\n"
        "| b | fail | `tests/t.py::test_gap` |\n| c | not run | none |\n\n- [n1] note\n"
    )
    assert problems(doc, tmp_path) == []
