"""Future years (issue 18): ``--year`` to 2035 on a chain rolled forward under a case.

``reechain metrics concentration --stage separate --year 2030 --case announced`` prints
shares that come from the pipeline (the US and Australia gain, China loses against the
operating-only case); the ``expected`` case adds its 10-90 % range; a year past 2035 works
with a warning; a bad case or a year before the data is one line and exit code 2.
"""

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


def separation_2030(case: str, *extra: str) -> dict[str, object]:
    code, out, err = run(
        "concentration", "--stage", "separate", "--year", "2030", "--case", case,
        "-r", "USA", "-r", "AUS", "-f", "json", *extra,
    )  # fmt: skip
    assert code == 0, err
    (record,) = json.loads(out)
    assert record["year"] == 2030
    return dict(record)


def test_announced_shares_come_from_the_pipeline() -> None:
    operating = separation_2030("operating-only")
    announced = separation_2030("announced")
    assert announced["top1_region"] == "CHN"
    assert float(announced["top1_share"]) < float(operating["top1_share"]) - 0.05
    assert float(announced["AUS_share"]) > 0.03  # Iluka Eneabba and Nolans; none in 2024
    assert float(operating["AUS_share"]) == 0.0
    assert float(announced["USA_share"]) > float(operating["USA_share"])


def test_the_expected_case_gives_a_range_around_its_central_value() -> None:
    expected = separation_2030("expected")
    low, mid, high = (
        float(expected["top1_share_p10"]),
        float(expected["top1_share"]),
        float(expected["top1_share_p90"]),
    )
    assert low < high
    assert low - 0.01 <= mid <= high + 0.01
    assert float(expected["USA_share_p10"]) <= float(expected["USA_share_p90"])


def test_reliance_and_exposure_take_a_future_year() -> None:
    code, out, err = run(
        "reliance", "-r", "JPN", "-c", "Nd2O3", "--year", "2030", "--case", "announced",
        "-f", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)[0]["year"] == 2030
    code, out, err = run(
        "exposure", "-r", "USA", "-c", "NdFeB_sintered", "--year", "2030", "-f", "json"
    )
    assert code == 0, err
    assert json.loads(out)


def test_a_year_past_2035_works_with_a_warning() -> None:
    code, out, err = run("concentration", "--stage", "mine", "--year", "2040", "-f", "json")
    assert code == 0
    assert "warning: year 2040 is past 2035" in err
    assert json.loads(out)[0]["year"] == 2040


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "2030", "--case", "announcd"), "did you mean 'announced'"),
        (
            ("--year", "2010"),
            "has no data for 2010",
        ),
        (("--year", "2060"), "year 2060: the demand scenario 'stated' does not reach it"),
    ],
)
def test_a_bad_case_or_year_is_one_line_and_exit_code_2(
    args: tuple[str, ...], message: str
) -> None:
    code, _, err = run("concentration", *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_the_outlook_table_has_every_case_and_year_and_the_expected_range() -> None:
    code, out, err = run(
        "outlook", "--stage", "separate", "--from", "2029", "--to", "2030", "-f", "json"
    )
    assert code == 0, err
    rows = json.loads(out)
    assert {(r["case"], r["year"]) for r in rows} == {
        (c, y) for c in ("operating-only", "announced", "expected") for y in (2029, 2030)
    }
    by = {(r["case"], r["year"]): r for r in rows}
    assert by[("announced", 2030)]["top1_share"] < by[("operating-only", 2030)]["top1_share"]
    assert by[("announced", 2030)]["pipeline_supply_per_year"] > 0
    assert by[("operating-only", 2030)]["pipeline_supply_per_year"] == 0
    assert "top1_share_p10" in by[("expected", 2030)]
    assert "top1_share_p10" not in by[("announced", 2030)]


def test_the_outlook_gap_by_element_and_its_plot(tmp_path: Path) -> None:
    plot = tmp_path / "outlook.png"
    code, out, err = run(
        "outlook", "--case", "announced", "--by", "commodity", "-c", "Nd2O3,Dy2O3",
        "--from", "2030", "--to", "2030", "-f", "json", "--plot", str(plot),
    )  # fmt: skip
    assert code == 0, err
    rows = {r["commodity"]: r for r in json.loads(out)}
    assert set(rows) == {"Nd2O3", "Dy2O3"}
    for row in rows.values():
        assert row["gap_per_year"] == pytest.approx(row["demand_per_year"] - row["supply_per_year"])
    assert plot.exists()
