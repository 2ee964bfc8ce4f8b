"""``reechain simulate``: scenarios on the vectorized engine, KPIs, BOM, charts, errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reechain.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["simulate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_kpis_per_region_and_sector_with_units_in_keys() -> None:
    code, out, _ = run("dy-restriction", "magnet-ban", "--format", "json")
    assert code == 0
    body = json.loads(out)
    assert body["horizon_months"] == 24
    rows = body["kpis_by_region_and_sector"]
    assert {r["scenario"] for r in rows} == {"dy-restriction", "magnet-ban"}
    first = rows[0]
    for key in ("cumulative_value_lost_usd", "peak_shortfall_pct", "cumulative_shortfall_units"):
        assert key in first
    assert any(r["cumulative_value_lost_usd"] > 0 for r in rows)


def test_engines_agree_through_the_cli() -> None:
    outs = [
        json.loads(run("magnet-ban", "--engine", engine, "-f", "json")[1])
        for engine in ("vectorized", "reference")
    ]
    fast, slow = (o["kpis_by_region_and_sector"] for o in outs)
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        want = b["cumulative_value_lost_usd"]
        assert abs(a["cumulative_value_lost_usd"] - want) <= 1e-9 * max(1.0, want)


def test_compare_adds_the_difference_to_another_scenario() -> None:
    code, out, _ = run("magnet-ban", "--compare", "dy-restriction", "-f", "json", "--horizon", "12")
    assert code == 0
    body = json.loads(out)
    assert body["horizon_months"] == 12
    rows = body["kpis_by_region_and_sector"]
    assert {r["scenario"] for r in rows} == {"magnet-ban"}
    assert all("value_lost_vs_dy-restriction_usd" in r for r in rows)


def test_composed_scenarios_run_and_the_table_shows_losses() -> None:
    code, out, _ = run("dy-restriction+sep-outage", "--horizon", "6")
    assert code == 0, out
    assert "KPIs by region and sector" in out
    assert "catalyst" in out
    body = json.loads(run("dy-restriction+sep-outage", "--horizon", "6", "-f", "json")[1])
    names = {r["scenario"] for r in body["kpis_by_region_and_sector"]}
    assert names == {"dy-restriction+sep-outage"}


def test_bom_units_at_risk_per_month(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("product,sector,units_per_year,made_in\nmotor,ev_motor,1200,JPN\n")
    code, out, _ = run("magnet-ban", "--bom", str(bom), "-f", "json", "--horizon", "12")
    assert code == 0, out
    rows = json.loads(out)["units_at_risk_by_month"]
    assert len(rows) == 12
    assert {r["product"] for r in rows} == {"motor"}
    assert all(r["units_per_month"] == 100 for r in rows)
    assert all(0 <= r["units_at_risk"] <= 100 for r in rows)
    csv_out = tmp_path / "risk.csv"
    code, _, _ = run("magnet-ban", "--bom", str(bom), "-f", "csv", "-o", str(csv_out))
    assert code == 0
    assert csv_out.read_text().startswith("scenario,month,product")


def test_plot_writes_png_and_svg(tmp_path: Path) -> None:
    for suffix in ("png", "svg"):
        path = tmp_path / f"chart.{suffix}"
        code, _, _ = run("dy-restriction", "--horizon", "6", "--plot", str(path))
        assert code == 0
        assert path.stat().st_size > 1000
    code, _, err = run("dy-restriction", "--plot", str(tmp_path / "chart.gif"))
    assert code == 2
    assert "expected a .png or .svg file" in err


def test_xlsx_needs_an_out_file_and_writes_one(tmp_path: Path) -> None:
    code, _, err = run("dy-restriction", "-f", "xlsx", "--horizon", "3")
    assert code == 2
    assert "--out FILE.xlsx" in err
    out = tmp_path / "k.xlsx"
    assert run("dy-restriction", "-f", "xlsx", "-o", str(out), "--horizon", "3")[0] == 0
    assert out.stat().st_size > 0


def test_unknown_scenario_is_one_red_line() -> None:
    code, _, err = run("dy-restrictoin")
    assert code == 2
    assert "did you mean 'dy-restriction'" in err


def test_scenarios_of_two_datasets_cannot_run_together() -> None:
    code, _, err = run("dy-restriction", "mmr-closure")
    assert code == 2
    assert "different datasets" in err


def test_monthly_prices_inventories_and_deliveries_of_a_selection() -> None:
    code, out, err = run(
        "dy-restriction", "--monthly", "commodity", "--commodity", "Dy_oxide",
        "--region", "JPN", "-f", "json", "--horizon", "12",
    )  # fmt: skip
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [r["month"] for r in rows] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert {(r["scenario"], r["region"], r["commodity"]) for r in rows} == {
        ("dy-restriction", "JPN", "Dy_oxide")
    }
    for key in ("price_usd_per_kg", "baseline_price_usd_per_kg", "user_inventory_t",
                "deliveries_t", "requirement_t"):  # fmt: skip
        assert key in rows[0]


def test_monthly_output_by_sector_and_trade_with_blocked_links() -> None:
    code, out, _ = run(
        "dy-restriction", "--monthly", "sector", "--sector", "ev_motor", "-f", "json"
    )
    assert code == 0
    rows = json.loads(out)
    assert rows
    assert {r["sector"] for r in rows} == {"ev_motor"}
    assert "output_units" in rows[0]
    assert "baseline_output_units" in rows[0]
    code, out, _ = run("dy-restriction", "--monthly", "trade", "--region", "JPN", "-f", "json")
    assert code == 0
    trade = json.loads(out)
    assert all("JPN" in (r["exporter"], r["importer"]) for r in trade)


def test_monthly_names_a_mistaken_table_or_name() -> None:
    code, _out, err = run("dy-restriction", "--monthly", "prices")
    assert code == 2
    assert "--monthly: got 'prices', expected one of commodity, sector, trade, stockpiles" in err
    code, _out, err = run("dy-restriction", "--monthly", "commodity", "--commodity", "Dy_oxid")
    assert code == 2
    assert "--commodity: got 'Dy_oxid'" in err
    assert "did you mean 'Dy_oxide'?" in err


def test_plot_of_one_commodity_draws_its_price_by_region(tmp_path: Path) -> None:
    out = tmp_path / "dy.svg"
    code, _, _ = run("dy-restriction", "--plot", str(out), "--commodity", "Dy_oxide")
    assert code == 0
    svg = out.read_text()
    assert "price, multiple of baseline" in svg
    assert "dy-restriction: Dy_oxide, JPN" in svg


def test_json_totals_state_value_added_beside_gross_output_and_job_months() -> None:
    """Each scenario's totals: value added lost below gross output lost; job-months the sum
    of the rows'; the peak of jobs idle at once no larger than the sum of each row's peak."""
    code, out, _ = run("magnet-ban", "--format", "json", "--horizon", "12")
    assert code == 0
    body = json.loads(out)
    (totals,) = body["totals_by_scenario"]
    rows = body["kpis_by_region_and_sector"]
    gross = sum(r["cumulative_value_lost_usd"] for r in rows)
    added = sum(r["cumulative_value_added_lost_usd"] for r in rows)
    assert totals["gross_output_lost_usd"] > 0
    assert abs(totals["gross_output_lost_usd"] - gross) <= 1e-9 * gross
    assert abs(totals["value_added_lost_usd"] - added) <= 1e-9 * gross
    assert 0 < totals["value_added_lost_usd"] < totals["gross_output_lost_usd"]
    job_months = sum(r["job_months"] for r in rows)
    assert abs(totals["job_months"] - job_months) <= 1e-9 * job_months
    assert 0 < totals["peak_jobs_at_risk"] <= sum(r["peak_jobs_at_risk"] for r in rows)
