"""``reechain data import-trade``: customs statistics into trade rows, all or nothing."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reechain.cli import app
from reechain.data.trade_import import METHOD, MIRROR_RULE
from reechain.errors import DatasetError, InputError
from reechain.workflows.datasets import bundled_path, load_dataset_path
from reechain.workflows.trade import import_trade

FIXTURES = Path(__file__).parent / "fixtures" / "trade"
runner = CliRunner()


def trade_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "trade.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def chn_jpn_metal(folder: Path) -> list[dict[str, str]]:
    return [
        r
        for r in trade_rows(folder)
        if (r["year"], r["commodity"], r["exporter"], r["importer"])
        == ("2023", "NdPr_metal", "CHN", "JPN")
    ]


@pytest.mark.parametrize("fixture", ["comtrade.csv", "plain.csv"])
def test_both_layouts_give_a_loading_dataset_with_converted_tonnes_and_provenance(
    tmp_path: Path, fixture: str
) -> None:
    out = import_trade(FIXTURES / fixture, "default", out=tmp_path / "ds")
    load_dataset_path(out)  # rows and baseline balance checked
    (row,) = chn_jpn_metal(out)
    assert float(row["quantity_per_year"]) == pytest.approx(873.487250903562)
    assert row["source"].startswith(f"{fixture}: customs trade statistics")
    assert row["method"].startswith(f"{METHOD}: ")
    assert MIRROR_RULE in row["note"]
    assert "HS 280530" in row["note"]
    assert row["confidence"] == "medium"
    assert len(trade_rows(out)) == len(trade_rows(bundled_path("default")))


def test_the_importer_report_wins_over_the_exporters_mirror_and_world_rows_are_skipped(
    tmp_path: Path,
) -> None:
    # comtrade.csv: JPN reports 873 487 kg from CHN, CHN reports 900 000 kg to JPN, plus W00
    out = import_trade(FIXTURES / "comtrade.csv", "default", out=tmp_path / "ds")
    (row,) = chn_jpn_metal(out)
    assert "importer-reported" in row["note"]
    assert float(row["quantity_per_year"]) == pytest.approx(873.487250903562)


def test_importing_the_same_file_twice_gives_the_same_dataset(tmp_path: Path) -> None:
    once = import_trade(FIXTURES / "plain.csv", "default", out=tmp_path / "ds")
    first = (once / "trade.csv").read_text(encoding="utf-8")
    import_trade(FIXTURES / "plain.csv", once)
    assert (once / "trade.csv").read_text(encoding="utf-8") == first
    assert filecmp.cmp(once / "residuals.csv", bundled_path("default") / "residuals.csv")


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        import_trade(FIXTURES / "bad.csv", "default", out=tmp_path / "ds")
    found = [(p.file, p.line, p.column, p.found) for p in caught.value.problems]
    assert found == [
        ("bad.csv", 2, "importer", "JPNN"),
        ("bad.csv", 3, "hs", "999999"),
        ("bad.csv", 4, "kg", "-5"),
        ("bad.csv", 5, "kg", "nan"),
    ]
    assert caught.value.problems[0].hint == "did you mean 'JPN'?"
    assert not (tmp_path / "ds").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        import_trade(FIXTURES / "missing_column.csv", "default", out=tmp_path / "ds")
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, "kg")]
    assert not (tmp_path / "ds").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"exporter,importer,hs,year,kg,usd\nCHN,JPN,280530,2023,\x92,1\n", "UTF-8 text"),
        (
            b"exporter,importer,hs,year,kg,usd\nCHN,JPN,280530,2023," + b"9" * 200_000 + b",1\n",
            "well-formed CSV",
        ),
    ],
    ids=["not UTF-8", "a field past the csv limit"],
)
def test_a_file_that_is_not_readable_csv_is_refused_not_a_crash(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    """Found by the trade-file fuzz family (RELIABILITY.md): both were tracebacks."""
    file = tmp_path / "trade.csv"
    file.write_bytes(data)
    with pytest.raises(DatasetError) as caught:
        import_trade(file, "default", out=tmp_path / "ds")
    assert [(p.file, p.expected) for p in caught.value.problems] == [("trade.csv", expected)]
    assert not (tmp_path / "ds").exists()


def test_trade_that_unbalances_the_baseline_is_refused_naming_each_gap(tmp_path: Path) -> None:
    folder = import_trade(FIXTURES / "plain.csv", "default", out=tmp_path / "ds")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = runner.invoke(
        app, ["data", "import-trade", str(FIXTURES / "unbalancing.csv"), "--dataset", str(folder)]
    )
    assert result.exit_code == 2
    assert "CHN NdPr_metal 2023" in result.stderr
    assert "JPN NdPr_metal 2023" in result.stderr
    assert "nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]


def test_cli_bad_input_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "data",
            "import-trade",
            str(FIXTURES / "bad.csv"),
            "--dataset",
            "default",
            "--out",
            str(tmp_path / "ds"),
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.count("error:") == 4
    assert "did you mean 'JPN'?" in result.stderr
    assert not (tmp_path / "ds").exists()


def test_year_keeps_only_that_years_flows(tmp_path: Path) -> None:
    # unbalancing.csv holds 2023 flows only: with --year 2024 nothing is imported
    out = import_trade(FIXTURES / "unbalancing.csv", "default", out=tmp_path / "ds", year=2024)
    assert trade_rows(out) == trade_rows(bundled_path("default"))


def test_replace_trade_drops_the_other_rows_of_the_imported_year_and_commodity(
    tmp_path: Path,
) -> None:
    # dropping every other 2023 NdPr_metal flow unbalances the baseline: refused, nothing written
    with pytest.raises(DatasetError, match="NdPr_metal 2023"):
        import_trade(FIXTURES / "plain.csv", "default", out=tmp_path / "ds", replace_trade=True)
    assert not (tmp_path / "ds").exists()


def test_rebalance_closes_each_gap_in_the_stock_change_residuals(tmp_path: Path) -> None:
    # unbalancing.csv: 2000 t NdPr metal CHN -> JPN (default: 873.5 t), a gap of 1126.5 t
    out = import_trade(FIXTURES / "unbalancing.csv", "default", out=tmp_path / "ds", rebalance=True)
    load_dataset_path(out)
    with open(out / "residuals.csv", encoding="utf-8", newline="") as handle:
        changed = [r for r in csv.DictReader(handle) if "unbalancing.csv" in r["method"]]
    by_region = {r["region"]: r for r in changed}
    assert set(by_region) == {"CHN", "JPN"}
    assert all(r["year"] == "2023" and r["commodity"] == "NdPr_metal" for r in changed)
    assert all(r["kind"] == "stock_change" for r in changed)


def test_rebalance_moves_each_residual_by_exactly_the_trade_added(tmp_path: Path) -> None:
    out = import_trade(FIXTURES / "unbalancing.csv", "default", out=tmp_path / "ds", rebalance=True)
    added = 2000 - 873.487250903562

    def residual(folder: Path, region: str) -> float:
        with open(folder / "residuals.csv", encoding="utf-8", newline="") as handle:
            rows = [
                r
                for r in csv.DictReader(handle)
                if (r["year"], r["region"], r["commodity"], r["kind"])
                == ("2023", region, "NdPr_metal", "stock_change")
            ]
        return sum(float(r["quantity_per_year"]) for r in rows)

    base = bundled_path("default")
    assert residual(out, "CHN") - residual(base, "CHN") == pytest.approx(-added)
    assert residual(out, "JPN") - residual(base, "JPN") == pytest.approx(added)


def test_a_bundled_dataset_needs_an_out_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--out"):
        import_trade(FIXTURES / "plain.csv", "default")
    (tmp_path / "taken").mkdir()
    with pytest.raises(InputError, match="does not exist"):
        import_trade(FIXTURES / "plain.csv", "default", out=tmp_path / "taken")
    assert list((tmp_path / "taken").iterdir()) == []


def test_cli_imports_into_a_new_folder_that_then_validates(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    result = runner.invoke(
        app,
        [
            "data",
            "import-trade",
            str(FIXTURES / "comtrade.csv"),
            "--dataset",
            "default",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"imported {FIXTURES / 'comtrade.csv'} into {out}\n"
    checked = runner.invoke(app, ["data", "validate", str(out)])
    assert checked.exit_code == 0
    assert "baseline balances" in checked.stdout
