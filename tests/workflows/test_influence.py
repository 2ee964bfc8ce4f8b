"""Data review by influence: low-confidence rows ranked by their swing of value lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reechain.cli import app
from reechain.errors import InputError
from reechain.workflows.datasets import load_dataset_path
from reechain.workflows.influence import METHOD, influence_ranking
from tests.helpers import copy_sample, set_cell


def test_every_bounded_low_confidence_row_is_ranked_by_swing_largest_first() -> None:
    rows = influence_ranking("sample", ["dy-restriction", "magnet-ban"], months=6)
    swings = [r["swing_usd"] for r in rows]
    assert swings == sorted(swings, reverse=True)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert {r["method"] for r in rows} == {METHOD}
    assert {r["table"] for r in rows} == {"elasticities", "inventories", "stockpiles"}
    assert all(r["lower"] <= r["value"] <= r["upper"] for r in rows)


def test_a_row_whose_bounds_are_made_wide_ranks_first(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    # inventories.csv line 4: USA NdFeB, 30 target days, stated bounds 22.5..37.5: fourth
    before = influence_ranking(load_dataset_path(folder))
    assert before[0]["row"] != "region=USA commodity=NdFeB"
    set_cell(folder, "inventories", 4, "lower", "0")
    set_cell(folder, "inventories", 4, "upper", "900")
    after = influence_ranking(load_dataset_path(folder))
    assert (after[0]["table"], after[0]["line"], after[0]["row"]) == (
        "inventories",
        4,
        "region=USA commodity=NdFeB",
    )
    assert after[0]["swing_usd"] > before[0]["swing_usd"]
    assert (after[0]["lower"], after[0]["upper"]) == (0.0, 900.0)


def test_a_row_whose_bounds_are_collapsed_has_no_swing(tmp_path: Path) -> None:
    folder = copy_sample(tmp_path / "s")
    set_cell(folder, "stockpiles", 3, "lower", "20")
    set_cell(folder, "stockpiles", 3, "upper", "20")
    rows = influence_ranking(load_dataset_path(folder), ["magnet-ban"], months=6)
    usa = next(r for r in rows if r["row"] == "holder=USA commodity=NdFeB")
    assert usa["swing_usd"] == 0.0


def test_unknown_scenario_is_an_input_error_naming_the_library() -> None:
    with pytest.raises(InputError, match="dy-restriction"):
        influence_ranking("sample", ["no-such"])


def test_cli_prints_the_top_rows_as_json() -> None:
    result = CliRunner().invoke(
        app,
        [
            "data",
            "influence",
            "--dataset",
            "sample",
            "--scenarios",
            "dy-restriction",
            "--top",
            "2",
            "--months",
            "6",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["rank"] for r in rows] == [1, 2]


def test_cli_unknown_scenario_exits_2() -> None:
    result = CliRunner().invoke(
        app, ["data", "influence", "--dataset", "sample", "--scenarios", "nope"]
    )
    assert result.exit_code == 2


def test_joint_samples_add_a_seeded_rank_correlation_agreeing_with_the_top_swing() -> None:
    first = influence_ranking("sample", samples=40, seed=7)
    again = influence_ranking("sample", samples=40, seed=7)
    assert [r["spearman"] for r in first] == [r["spearman"] for r in again]
    # the row with the largest swing (Japan's days of NdFeB stock: where suppliers fill
    # little, stocks on hand are what holds expected cover, and so the magnet price, up)
    # also has the strongest rank correlation with value lost
    swings = influence_ranking("sample")
    assert first[0]["row"] == swings[0]["row"] == "region=JPN commodity=NdFeB"
    assert first[0]["table"] == "inventories"
    assert abs(first[0]["spearman"]) > 0.3
    assert all(r["samples"] == 40 and r["seed"] == 7 for r in first)
