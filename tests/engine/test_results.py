"""Results, KPIs, the stored run and exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import reechain
from reechain.chain import Chain
from reechain.engine import months_to_recovery, sector_kpis, simulate
from reechain.engine.results import commodity_kpis
from reechain.scenario import Scenario, library_path, load_scenario
from reechain.workflows.simulate import (
    ResultFormat,
    export_results,
    inputs_hash,
    result_tables,
    run_scenario,
    simulation_parts,
)

from .chains import STATIC
from .test_examples import chain_a, month


def test_months_to_recovery() -> None:
    ref = np.ones(6)
    assert months_to_recovery(np.zeros(6), ref) == 0
    assert months_to_recovery(np.array([0, 1, 1, 0, 0, 0.0]), ref) == 2
    assert months_to_recovery(np.array([0, 1, 0, 1, 0, 0.0]), ref) == 3
    assert months_to_recovery(np.array([0, 0, 0, 0, 0, 1.0]), ref) is None


def test_kpis_of_a_hand_worked_restriction() -> None:
    """The 40 % restriction of test_examples: JPN loses 2, 2, 2 units (of 5) in months 1–3,
    so peak 40 %, cumulative 6 units = 600 USD of gross output (186 USD of value added),
    0.24 jobs idle in each of 3 months = 0.72 job-months, recovered 3 months after the first
    loss;
    JPN's ox has no inventory: 0 days of cover at onset; shortfall 2 t in months 1–2.
    """
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "importers": ["JPN"],
        "start": month(1),
        "duration_months": 2,
        "severity": 0.4,
    }
    res = simulate(
        chain_a(),
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 6, "events": [event]}
        ),
        market=STATIC,
    )
    jpn = next(k for k in sector_kpis(res) if k["region"] == "JPN" and k["sector"] == "s1")
    assert jpn["peak_shortfall_pct"] == pytest.approx(40)
    assert jpn["cumulative_shortfall_units"] == pytest.approx(6)
    assert jpn["cumulative_value_lost_usd"] == pytest.approx(600)
    assert jpn["months_to_recovery"] == 3
    assert jpn["peak_jobs_at_risk"] == pytest.approx(2 * 12 * 0.01)
    assert jpn["job_months"] == pytest.approx(3 * 2 * 12 * 0.01)
    # s1 has no value-added row of its own: the manufacturing average, 0.31, applies
    assert jpn["cumulative_value_added_lost_usd"] == pytest.approx(600 * 0.31)
    ox = next(k for k in commodity_kpis(res) if k["region"] == "JPN" and k["commodity"] == "ox")
    assert ox["days_of_cover_at_onset"] == 0
    assert ox["cumulative_shortfall_t"] == pytest.approx(4)
    assert ox["peak_price_usd_per_kg"] == pytest.approx(10 / 0.36)


def test_days_of_cover_counts_inventory_and_stockpiles(sample_chain: Chain) -> None:
    """JPN holds 90 days of Dy oxide (of its use 7 t/year) and a 10 t stockpile:
    90 + 10 / (7/365) days of cover at onset.
    """
    scenario = load_scenario(library_path("dy-restriction"), sample_chain)
    res = simulate(sample_chain, scenario)
    assert res.onset_month == 3
    dy = next(
        k for k in commodity_kpis(res) if k["region"] == "JPN" and k["commodity"] == "Dy_oxide"
    )
    assert dy["days_of_cover_at_onset"] == pytest.approx(90 + 10 / (7 / 365))


def test_a_run_is_stored_with_its_results(tmp_path: Path) -> None:
    store = reechain.open_store(tmp_path / "home")
    done = run_scenario("sep-outage", store, months=6)
    assert done.run_id is not None
    info = store.get_run(done.run_id)
    assert (info.status, info.kind, info.scenario, info.dataset) == (
        "done",
        "simulate",
        "sep-outage",
        "sample",
    )
    assert len(info.inputs_hash) == 64
    assert info.seed is None
    assert info.code_version
    assert "kpis_sector.parquet" in store.result_names(done.run_id)
    _, payload = store.get_result(done.run_id, "kpis_sector.parquet")
    table = pq.read_table(io.BytesIO(payload))
    assert table.num_rows == len(sector_kpis(done.results))


def test_inputs_hash_changes_with_inputs(sample_dataset: reechain.Dataset) -> None:
    scenario = load_scenario(library_path("sep-outage"))
    a = inputs_hash(sample_dataset, **simulation_parts(scenario, 12, None))
    assert a == inputs_hash(sample_dataset, **simulation_parts(scenario, 12, None))
    assert a != inputs_hash(sample_dataset, **simulation_parts(scenario, 13, None))
    assert a != inputs_hash(sample_dataset, **simulation_parts(scenario, 12, np.ones(12)))


@pytest.mark.parametrize("fmt", list(ResultFormat))
def test_export_in_every_format(tmp_path: Path, fmt: ResultFormat, sample_chain: Chain) -> None:
    res = simulate(sample_chain, load_scenario(library_path("magnet-ban")), months=6)
    files = export_results(res, tmp_path / "out", fmt)
    tables = result_tables(res)
    assert sorted(f.stem for f in files) == sorted(tables)
    kpis = tmp_path / "out" / f"kpis_sector.{fmt.value}"
    if fmt is ResultFormat.JSON:
        assert json.loads(kpis.read_text()) == tables["kpis_sector"]
    elif fmt is ResultFormat.PARQUET:
        assert pq.read_table(kpis).to_pylist() == tables["kpis_sector"]
    else:
        assert kpis.read_text().splitlines()[0].startswith("region,sector,peak_shortfall_pct")


def test_baseline_scenario_has_no_losses(sample_chain: Chain) -> None:
    res = simulate(sample_chain, load_scenario(library_path("baseline")))
    assert res.lost_units.max() == 0
    assert all(k["months_to_recovery"] == 0 for k in sector_kpis(res))


def test_trade_table_keeps_a_fully_blocked_link() -> None:
    """A total restriction ships nothing on CHN→JPN in months 1–2; the trade table still
    lists that link, at 0 t beside the baseline's tonnes, rather than dropping it."""
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "importers": ["JPN"],
        "start": month(1),
        "duration_months": 2,
        "severity": 1.0,
    }
    res = simulate(
        chain_a(),
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 4, "events": [event]}
        ),
    )
    rows = {
        (r["month"], r["exporter"], r["importer"]): r
        for r in result_tables(res)["trade"]
        if r["commodity"] == "ox"
    }
    blocked = rows[(res.month_label(1), "CHN", "JPN")]
    assert blocked["shipped_t"] == 0
    assert blocked["baseline_shipped_t"] > 0
