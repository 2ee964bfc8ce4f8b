"""Numbers from users are finite: NaN and infinity are a located problem, never a value.

A NaN passes every comparison-based check (``nan < 0`` is false): it used to slip through
row validation and the balance check and break JSON output later. One validator
(:data:`reechain.finite.FiniteFloat`) refuses it in datasets, scenarios and the API.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import reechain
from reechain.cli import app
from reechain.cli.output import OutputFormat, emit
from reechain.data.dataset import load_dataset
from reechain.data.tables import TABLES, schema_records
from reechain.errors import DatasetError
from reechain.finite import json_safe, non_finite_paths
from reechain.scenario.validate import ScenarioError, parse_scenario
from tests.helpers import copy_sample, read_table, set_cell

NON_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "-Infinity", "+inf"]
SAMPLE = reechain.bundled_path("sample")


def numeric_cells() -> list[tuple[str, str]]:
    """Return (table, column) of every float column that the sample's files carry."""
    floats = {
        (r["table"], r["column"]) for r in schema_records() if str(r["type"]).startswith("float")
    }
    cells = []
    for spec in TABLES:
        rows = read_table(SAMPLE, spec.name) if (SAMPLE / spec.filename).exists() else []
        if rows:
            cells.extend((spec.name, c) for c in rows[0] if (spec.name, c) in floats)
    return cells


def test_the_sample_has_numbers_in_most_tables() -> None:
    tables = {t for t, _ in numeric_cells()}
    assert {"processes", "trade", "prices", "residuals", "intensities"} <= tables


@given(
    cell=st.sampled_from(numeric_cells()),
    token=st.sampled_from(NON_FINITE),
    row=st.integers(min_value=0, max_value=100),
)
def test_any_non_finite_number_in_any_numeric_column_is_a_problem_naming_it(
    cell: tuple[str, str], token: str, row: int
) -> None:
    table, column = cell
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_sample(Path(tmp) / "sample")
        line = 2 + row % len(read_table(folder, table))
        set_cell(folder, table, line, column, token)
        with pytest.raises(DatasetError) as caught:
            load_dataset(folder)
    assert any(
        p.file == f"{table}.csv"
        and p.line == line
        and p.column == column
        and p.found == token
        and p.expected == "a finite number (not NaN or infinity)"
        for p in caught.value.problems
    ), [str(p) for p in caught.value.problems]


def test_a_nan_residual_is_one_line_on_the_cli(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "sample")
    set_cell(folder, "residuals", 2, "quantity_per_year", "nan")
    result = CliRunner().invoke(app, ["data", "validate", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: residuals.csv, line 2, column quantity_per_year: got 'nan', "
        "expected a finite number (not NaN or infinity)"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("severity", ".nan"), ("severity", ".inf"), ("duration_months", ".inf")],
)
def test_a_non_finite_scenario_number_is_a_located_problem(field: str, value: str) -> None:
    text = (
        "name: x\ndataset: sample\nevents:\n  - kind: export_restriction\n    exporter: CHN\n"
        "    commodities: [Dy_oxide]\n    start: 2025-03\n    duration_months: 3\n"
        "    severity: 0.5\n"
    ).replace(f"{field}: ", f"{field}: {value} #")
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "x.yaml")
    [problem] = caught.value.problems
    assert problem.line == (9 if field == "severity" else 8)
    assert problem.field == f"events[0].{field}"
    assert "nan" in str(problem).lower() or "inf" in str(problem).lower()


@pytest.mark.parametrize("policy", ["shortfall_pct: .nan", "price_multiple: .inf"])
def test_a_non_finite_trigger_is_refused(policy: str) -> None:
    text = (
        "name: x\ndataset: sample\npolicies:\n  - kind: stockpile\n    commodities: [Dy_oxide]\n"
        f"    trigger:\n      {policy}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "x.yaml")
    assert any(
        p.line == 7 and p.expected == "a finite number (not NaN or infinity)"
        for p in caught.value.problems
    ), [str(p) for p in caught.value.problems]


def test_json_output_writes_non_finite_values_as_null_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    emit([{"a": 1.5, "b": math.nan, "c": -math.inf}], OutputFormat.JSON)
    out, err = capsys.readouterr()
    assert json.loads(out) == [{"a": 1.5, "b": None, "c": None}]
    assert err == "note: 2 value(s) not finite (NaN or infinity), as null\n"


def test_json_safe_and_non_finite_paths_find_every_non_finite_float() -> None:
    import numpy as np

    value = {"a": [1.0, np.float64("nan")], "b": {"c": float("inf")}, "d": "nan", "e": 3}
    assert non_finite_paths(value) == ["a[1]", "b.c"]
    assert json_safe(value) == ({"a": [1.0, None], "b": {"c": None}, "d": "nan", "e": 3}, 2)


def test_every_json_output_of_the_cli_goes_through_one_safe_writer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reechain.cli import optimize, risk, simulate
    from reechain.cli.output import json_text

    assert json_text({"x": [math.inf]}) == '{\n  "x": [\n    null\n  ]\n}\n'
    assert "1 value(s) not finite" in capsys.readouterr().err
    for module in (simulate, optimize, risk):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        assert "json.dumps" not in source, module.__name__
