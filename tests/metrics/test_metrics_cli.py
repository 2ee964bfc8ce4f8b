"""``reechain metrics``: every subcommand through the CLI, and one line for a bad argument."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reechain.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["metrics", *args])
    return result.exit_code, result.stdout, result.stderr


def test_concentration_json_records_name_their_units() -> None:
    code, out, _ = run("concentration", "-d", "sample", "--by", "stage", "-f", "json")
    assert code == 0
    records = {r["stage"]: r for r in json.loads(out)}
    assert records["mine"]["top1_region"] == "CHN"
    assert records["mine"]["top1_share"] == pytest.approx(1000 / 1300)
    assert records["magnet"]["hhi"] == pytest.approx((500**2 + 150**2 + 50**2) / 700**2 * 1e4)


def test_concentration_table_and_csv() -> None:
    code, out, _ = run("concentration", "-d", "sample", "-c", "NdFeB")
    assert code == 0
    assert "NdFeB" in out
    code, out, _ = run(
        "concentration", "-d", "sample", "-s", "metal", "--by", "commodity", "-f", "csv"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("year,stage,commodity,unit")
    assert len(out.splitlines()) == 3


def test_reliance_for_a_group_against_everyone_outside_it() -> None:
    code, out, _ = run(
        "reliance",
        "-d",
        "sample",
        "-r",
        "partners_us_jp",
        "--supplier",
        "not:partners_us_jp",
        "--by",
        "stage",
        "-f",
        "json",
    )
    assert code == 0
    magnets = next(r for r in json.loads(out) if r["stage"] == "magnet")
    assert magnets["import_reliance"] == pytest.approx(80 / 280)
    assert magnets["supplier_share"] == pytest.approx(80 / 280)


def test_exposure_with_plot(tmp_path: Path) -> None:
    code, out, err = run(
        "exposure",
        "-d",
        "sample",
        "-r",
        "JPN",
        "-c",
        "NdFeB",
        "-f",
        "json",
        "--plot",
        str(tmp_path / "exposure.png"),
    )
    assert code == 0
    records = json.loads(out)
    separate = [r for r in records if r["stage"] == "separate"]
    assert sum(r["origin_share"] for r in separate) == pytest.approx(1.0)
    assert (tmp_path / "exposure.png").stat().st_size > 0
    assert (tmp_path / "exposure.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert "figure written" in err


def test_exposure_of_a_bom(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("product,sector,units_per_year,made_in\nmotor,ev_motor,1000,USA\n", "utf-8")
    code, out, _ = run("exposure", "-d", "sample", "--bom", str(bom), "-s", "magnet", "-f", "json")
    assert code == 0
    records = json.loads(out)
    assert {r["target"] for r in records} == {"motor", "all products"}
    assert {r["stage"] for r in records} == {"magnet"}


def test_criticality_all_methods_with_plot(tmp_path: Path) -> None:
    code, out, _ = run(
        "criticality",
        "-d",
        "sample",
        "-r",
        "JPN",
        "-f",
        "json",
        "--plot",
        str(tmp_path / "matrix.svg"),
    )
    assert code == 0
    methods = {r["method"] for r in json.loads(out)}
    assert methods == {"eu_crm", "usgs", "doe"}
    assert (tmp_path / "matrix.png").exists()
    assert (tmp_path / "matrix.svg").exists()


def test_xlsx_needs_out(tmp_path: Path) -> None:
    code, _, _ = run("concentration", "-d", "sample", "-f", "xlsx", "-o", str(tmp_path / "c.xlsx"))
    assert code == 0
    assert (tmp_path / "c.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("concentration", "-d", "sample", "-c", "NdFeX"),
            "error: no commodity named 'NdFeX'; did you mean 'NdFeB'?",
        ),
        (
            ("concentration", "-d", "sample", "-c", "NdFeB", "-s", "mine"),
            "error: commodity 'NdFeB' is made at stage 'magnet', not 'mine'",
        ),
        (
            ("concentration", "-d", "sample", "--year", "2019"),
            "error: dataset 'sample' has no data for 2019; years with data: 2024",
        ),
        (("reliance", "-d", "sample", "-r", "Japan"), "error: no region or group named 'Japan'"),
        (("exposure", "-d", "sample"), "error: name what to trace"),
        (("exposure", "-d", "sample", "-r", "JPN", "-s", "mne"), "error: no stage named 'mne'"),
        (("criticality", "-d", "sample", "-m", "eu"), "error: no criticality method named 'eu'"),
        (
            ("criticality", "-d", "sample", "-r", "JPN", "--material", "Tb"),
            "error: sample has no commodity at stage 'separate' made only of Tb elements",
        ),
        (("concentration", "-d", "sample", "--plot", "x.pdf"), "error: --plot: got 'x.pdf'"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_code_2(args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_a_bad_bom_names_file_line_and_column(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("product,sector,units_per_year,made_in\nmotor,ev_motor,lots,USA\n", "utf-8")
    code, _, err = run("exposure", "-d", "sample", "--bom", str(bom))
    assert code == 2
    assert err.startswith(
        "error: bom.csv, line 2, column units_per_year: got 'lots', expected a number above 0"
    )


def test_concentration_shows_named_regions_shares() -> None:
    code, out, _ = run("concentration", "-d", "sample", "-r", "JPN", "-f", "json")
    assert code == 0
    magnet = next(r for r in json.loads(out) if r["stage"] == "magnet")
    assert magnet["JPN_share"] == pytest.approx(150 / 700)
    code, _, err = run("concentration", "-d", "sample", "-r", "JAP")
    assert code == 2
    assert err.startswith("error: no region named 'JAP'; did you mean 'JPN'?")
