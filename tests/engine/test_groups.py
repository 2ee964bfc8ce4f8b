"""The typed groups that numba takes name the same fields as the results they fill."""

from __future__ import annotations

from dataclasses import fields

from reechain.engine.arrays import RunArrays
from reechain.engine.groups import Month
from reechain.engine.runs import BatchResults, Totals


def test_a_month_has_the_monthly_fields_of_a_run() -> None:
    monthly = [f.name for f in fields(RunArrays) if f.name != "initial_user_inventory"]
    assert list(Month._fields) == monthly


def test_a_chunks_totals_are_the_per_scenario_fields_of_batch_results() -> None:
    assert set(Totals._fields) <= {f.name for f in fields(BatchResults)}
    assert "lost_units" in Totals._fields
