"""The engine runs on a demand path: ``--demand NAME`` or ``demand:`` in a scenario file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import reechain
from reechain.cli import app
from reechain.scenario.library import library_path
from reechain.workflows.demand import demand_path, monthly_demand_path

runner = CliRunner()


def test_the_monthly_path_takes_each_month_its_years_multiple() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    yearly = np.asarray(demand_path("accelerated", chain))  # (Y, R, S) from the base year
    monthly = monthly_demand_path("accelerated", chain, 30)  # (T, S, R)
    assert monthly.shape == (30, len(chain.sectors), len(chain.regions))
    np.testing.assert_array_equal(monthly[0], yearly[1].T)  # Jan 2025: year 2025
    np.testing.assert_array_equal(monthly[12], yearly[2].T)  # Jan 2026: year 2026
    np.testing.assert_array_equal(monthly[29], yearly[3].T)


def test_a_scenario_files_demand_equals_the_demand_option(tmp_path: Path) -> None:
    text = library_path("cn-2025-april", "default").read_text(encoding="utf-8")
    named = tmp_path / "april-accelerated.yaml"
    named.write_text(
        text.replace("name: cn-2025-april", "name: april-accelerated") + "demand: accelerated\n",
        encoding="utf-8",
    )

    def value_lost(*args: str) -> float:
        result = runner.invoke(app, ["simulate", *args, "--horizon", "18", "-f", "json"])
        assert result.exit_code == 0, result.stderr
        rows = json.loads(result.stdout)["kpis_by_region_and_sector"]
        return float(sum(r["cumulative_value_lost_usd"] for r in rows))

    flat = value_lost("cn-2025-april")
    by_option = value_lost("cn-2025-april", "--demand", "accelerated")
    by_file = value_lost(str(named))
    assert by_option == by_file
    assert by_option != flat
