"""Notebook-friendly results: ``reechain.to_frame`` turns whatever the Python API returns into
one tidy pandas table with the same columns as the CLI's CSV, months as monthly periods."""

from __future__ import annotations

import pandas as pd
import pytest

import reechain
from reechain.workflows.simulate import result_tables


@pytest.fixture(scope="module")
def run() -> reechain.ScenarioRun:
    return reechain.run_scenario("dy-restriction", months=6)


def test_a_scenario_run_gives_each_result_table_with_its_scenario(
    run: reechain.ScenarioRun,
) -> None:
    tables = result_tables(run.results)
    for name, records in tables.items():
        frame = run.to_frame(name)
        assert len(frame) == len(records)
        assert list(frame.columns) == ["scenario", *records[0]]
        assert set(frame["scenario"]) == {"dy-restriction"}


def test_months_are_monthly_periods_that_plot_and_resample(run: reechain.ScenarioRun) -> None:
    frame = reechain.to_frame(run.results, "monthly_commodity")
    assert frame["month"].dtype == pd.PeriodDtype("M")
    assert frame["month"].min() == pd.Period("2025-01", "M")
    dy = frame[(frame.region == "JPN") & (frame.commodity == "Dy_oxide")]
    assert len(dy.set_index("month")["price_usd_per_kg"]) == 6


def test_metric_results_become_their_records() -> None:
    found = reechain.reliance("sample", regions="JPN")
    frame = reechain.to_frame(found)
    assert len(frame) == len(found)
    assert {"region", "supplier_share"} <= set(frame.columns)


def test_a_demand_projection_and_a_dataset_table() -> None:
    demand = reechain.to_frame(reechain.project_demand("stated"), elements=["Dy"])
    assert set(demand["element"]) == {"Dy"}
    prices = reechain.to_frame(reechain.load_dataset("sample"), "prices")
    assert {"commodity", "price_usd_per_kg", "source"} <= set(prices.columns)
    assert len(prices) == len(reechain.load_dataset("sample").rows("prices"))


def test_what_cannot_be_a_table_is_a_clear_error(run: reechain.ScenarioRun) -> None:
    with pytest.raises(reechain.InputError, match="table: got 'prices', expected one of"):
        run.to_frame("prices")
    with pytest.raises(reechain.InputError, match="to_frame: got a int"):
        reechain.to_frame(3)
