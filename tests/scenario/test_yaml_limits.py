"""YAML from a user is read within limits: size, nesting depth, aliases and expanded values.

An "alias bomb" of a few hundred bytes expands to billions of values; a recursive alias or
deep nesting overflows Python's stack. Each is refused as a ScenarioError (or a YAML error
for readers that report it themselves) naming the line, what was found and what was expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from reechain.cli import app
from reechain.demand.scenarios import parse_scenario as parse_demand_scenario
from reechain.errors import DatasetError, InputError
from reechain.optimize.partnership import parse_partnership
from reechain.scenario.validate import ScenarioError, parse_scenario
from reechain.scenario.yamlfile import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    YAMLLimitError,
    load_yaml,
    safe_load,
)
from reechain.web.scenarios import apply_fields, editable_fields


def alias_bomb() -> str:
    """Return a ~300-byte YAML text that would expand to 9**9 (387 million) strings."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


RECURSIVE = "name: x\nloop: &a [1, *a]\n"
DEEP = "name: x\nnest: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
VERY_DEEP = "[" * 5000 + "]" * 5000
HUGE = "name: x\nnote: " + "a" * (MAX_BYTES + 1) + "\n"
MANY_ALIASES = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"


def test_the_alias_bomb_is_small() -> None:
    assert len(alias_bomb()) < 400


@pytest.mark.parametrize(
    ("text", "found", "expected", "line"),
    [
        (alias_bomb(), "values once aliases are expanded", "at most 100000 values", 6),
        (RECURSIVE, "an alias *a inside its own anchor", "no recursive alias", 2),
        (DEEP, f"nesting deeper than {MAX_DEPTH} levels", f"at most {MAX_DEPTH} levels", 2),
        (VERY_DEEP, f"nesting deeper than {MAX_DEPTH} levels", f"at most {MAX_DEPTH} levels", 1),
        (HUGE, f"{len(HUGE)} bytes", f"at most {MAX_BYTES} bytes", None),
        (MANY_ALIASES, f"more than {MAX_ALIASES} aliases", f"at most {MAX_ALIASES}", 2),
    ],
    ids=["alias-bomb", "recursive-alias", "deep", "very-deep", "huge", "many-aliases"],
)
def test_a_scenario_past_a_limit_is_one_located_problem(
    text: str, found: str, expected: str, line: int | None
) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "bomb.yaml")
    [problem] = info.value.problems
    assert problem.file == "bomb.yaml"
    assert problem.line == line
    assert found in str(problem)
    assert expected in problem.expected
    assert "\n" not in str(info.value)


def test_the_limits_leave_ordinary_yaml_alone() -> None:
    text = "base: &b {severity: 0.5}\nevents:\n  - *b\n  - *b\n"
    data, lines = load_yaml(text)
    assert data["events"] == [{"severity": 0.5}, {"severity": 0.5}]
    assert lines.line(("events", 1, "severity")) == 1
    assert safe_load("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_every_reader_of_user_yaml_is_bounded() -> None:
    with pytest.raises(YAMLLimitError):
        safe_load(alias_bomb())
    with pytest.raises(InputError, match="line 2: got an alias"):
        parse_demand_scenario(RECURSIVE, "d.yaml", None)  # type: ignore[arg-type]
    bounded = r"^p.yaml, line 6: expected valid YAML; got more than 100000 values[^\n]*$"
    with pytest.raises(DatasetError, match=bounded):
        parse_partnership(alias_bomb(), "p.yaml")
    for reader in (editable_fields, lambda t: apply_fields(t, {})):
        with pytest.raises(InputError, match="expected at most 100000 values"):
            reader(alias_bomb())


def test_the_limit_error_is_a_yaml_error_with_its_position() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as info:
        safe_load(RECURSIVE)
    assert info.value.problem_mark is not None
    assert info.value.problem_mark.line == 1


@pytest.mark.parametrize("text", [alias_bomb(), RECURSIVE, VERY_DEEP])
def test_the_cli_exits_2_with_one_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["scenario", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{path}, line" in result.output


@given(
    fanout=st.integers(min_value=1, max_value=12),
    levels=st.integers(min_value=1, max_value=12),
    depth=st.integers(min_value=0, max_value=80),
)
def test_any_alias_tree_or_nesting_is_read_or_refused_as_one_problem(
    fanout: int, levels: int, depth: int
) -> None:
    lines = ["name: x", "l0: &l0 [1]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * fanout) + "]")
    lines.append("deep: " + "[" * depth + "]" * depth)
    text = "\n".join(lines) + "\n"
    sizes = [2]  # l0: a sequence and its one scalar
    for _ in range(levels):
        sizes.append(1 + fanout * sizes[-1])
    values = 1 + (levels + 3) + 1 + sum(sizes) + max(depth, 1)  # root, keys, 'x', lists, deep
    past = values > MAX_NODES or depth + 1 > MAX_DEPTH
    with pytest.raises(ScenarioError) as caught:  # no dataset: never a valid scenario
        parse_scenario(text, "tree.yaml")
    found = [str(p) for p in caught.value.problems]
    limits = [p for p in found if "expected YAML with" in p]
    assert bool(limits) == past, (values, depth, found)
    assert not limits or len(found) == 1
