"""The scenario format as documented by ``reechain scenario schema``: every field of every
kind is listed with a meaning and an example its model accepts, numbers carry units, and the
listing is read from the models, so it cannot fall behind them."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter
from typer.testing import CliRunner

from reechain.cli import app
from reechain.scenario.models import EVENT_KINDS, NESTED, POLICY_KINDS, Scenario
from reechain.scenario.schema import schema_records

MODELS: dict[str, type[BaseModel]] = {"": Scenario, **EVENT_KINDS, **POLICY_KINDS, **NESTED}
RECORDS = schema_records()


def test_every_field_of_every_model_is_listed() -> None:
    listed = {(r["kind"], r["field"]) for r in RECORDS}
    expected = {
        (kind, field)
        for kind, model in MODELS.items()
        for field in model.model_fields
        if field != "kind"
    }
    assert listed == expected


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: f"{r['kind'] or 'scenario'}.{r['field']}")
def test_each_field_has_a_meaning_and_an_example_its_model_accepts(record: dict[str, Any]) -> None:
    assert record["description"], "add the field's meaning to scenario/schema.py DESCRIPTIONS"
    assert record["example"] is not None, "add an example to scenario/schema.py EXAMPLES"
    if record["field"] in ("events", "policies"):
        return
    field = MODELS[record["kind"]].model_fields[record["field"]]
    annotation = field.annotation
    if field.metadata:
        annotation = Annotated[(field.annotation, *field.metadata)]
    TypeAdapter(annotation).validate_python(record["example"])


NUMBERS = [r for r in RECORDS if r["type"].startswith(("number", "whole"))]


@pytest.mark.parametrize("record", NUMBERS)
def test_numbers_carry_a_unit(record: dict[str, Any]) -> None:
    assert record["unit"], f"{record['kind']}.{record['field']}: add its unit to UNITS"


def test_the_command_lists_a_kind_with_types_units_and_defaults() -> None:
    result = CliRunner().invoke(app, ["scenario", "schema", "--kind", "stockpile"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "stockpile (policy)" in lines
    assert "  refill_t_per_month: number ≥ 0 [t/month]; default 0.0" in lines
    assert "  holder: name; required" in lines


def test_the_command_writes_every_record_as_json() -> None:
    result = CliRunner().invoke(app, ["scenario", "schema", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(RECORDS))


def test_an_unknown_kind_is_a_clear_error() -> None:
    result = CliRunner().invoke(app, ["scenario", "schema", "--kind", "stockpiles"])
    assert result.exit_code == 2
    assert "--kind: got 'stockpiles', expected one of" in result.stderr
