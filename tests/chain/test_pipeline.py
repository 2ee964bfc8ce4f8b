"""The pipeline on the timeline: cases, draws and the rows a dataset may hold (issue 18).

A project comes online at its announced month and ramps linearly; ``announced`` takes every
project on time, ``expected`` slips each by its expected delay and weights it by its chance,
and a draw keeps a project with its probability. The sample dataset's own ``building``
process (USA_magnet_2, start 2026) counts as announced with probability 1.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import reechain
from reechain.chain import compile_chain
from reechain.chain.pipeline import CASES, draw_online, online, projects, ramp
from reechain.errors import DatasetError, InputError
from tests.chain.pipeline_data import USA_SEPARATION, with_pipeline


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> reechain.Chain:
    folder = with_pipeline(tmp_path_factory.mktemp("pipeline"), USA_SEPARATION)
    return compile_chain(reechain.load_dataset(folder))


def test_projects_are_the_pipeline_rows_then_the_idle_processes_with_a_start(
    chain: reechain.Chain,
) -> None:
    found = {p.name: p for p in projects(chain)}
    assert set(found) == {"USA_sep_new", "USA_magnet_2"}
    new, magnet = found["USA_sep_new"], found["USA_magnet_2"]
    assert new.process == -1
    assert new.start_month == 24  # January 2027; month 0 is January 2025
    assert magnet.process == chain.processes.index("USA_magnet_2")
    assert magnet.start_month == 12
    assert magnet.probability == 1.0


def test_operating_only_brings_nothing_and_announced_brings_every_project_on_time(
    chain: reechain.Chain,
) -> None:
    assert online(chain, "operating-only") == ()
    announced = {e.project.name: e for e in online(chain, "announced")}
    assert announced["USA_sep_new"].start_month == 24
    assert announced["USA_sep_new"].capacity_per_year == 300


def test_expected_slips_by_the_delay_and_weights_by_the_chance(chain: reechain.Chain) -> None:
    expected = {e.project.name: e for e in online(chain, "expected")}
    assert expected["USA_sep_new"].start_month == 24 + 12
    assert expected["USA_sep_new"].capacity_per_year == pytest.approx(150)


def test_capacity_ramps_linearly_from_the_start_month() -> None:
    assert ramp(6, 2, 3).tolist() == pytest.approx([0, 0, 1 / 3, 2 / 3, 1, 1])


def test_online_share_of_a_year_is_the_mean_of_its_months(chain: reechain.Chain) -> None:
    (entry,) = [e for e in online(chain, "announced") if e.project.name == "USA_sep_new"]
    assert entry.online_share(2026, chain.base_year) == 0.0
    assert entry.online_share(2027, chain.base_year) == pytest.approx(sum(range(1, 13)) / 24 / 12)
    assert entry.online_share(2029, chain.base_year) == 1.0


def test_a_draw_keeps_each_project_with_its_probability_and_repeats_with_its_seed(
    chain: reechain.Chain,
) -> None:
    kept = [
        any(e.project.name == "USA_sep_new" for e in draw_online(chain, np.random.default_rng(i)))
        for i in range(2000)
    ]
    assert np.mean(kept) == pytest.approx(0.5, abs=0.04)
    first = draw_online(chain, np.random.default_rng(7))
    assert first == draw_online(chain, np.random.default_rng(7))
    assert all(e.start_month >= e.project.start_month for e in first)


def test_an_unknown_case_is_one_clear_error(chain: reechain.Chain) -> None:
    with pytest.raises(InputError, match="expected one of operating-only, announced, expected"):
        online(chain, "annonced")
    assert CASES == ("operating-only", "announced", "expected")


def test_the_pipeline_survives_the_round_trip_through_tables(chain: reechain.Chain) -> None:
    assert [r["project"] for r in chain.to_tables()["pipeline"]] == ["USA_sep_new"]


def test_a_pipeline_row_naming_no_such_process_names_file_line_and_column(
    tmp_path: Path,
) -> None:
    folder = with_pipeline(tmp_path, {**USA_SEPARATION, "process": "USA_sep_nwe"})
    with pytest.raises(DatasetError) as caught:
        reechain.load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("pipeline.csv", 2, "process")


def test_a_low_confidence_row_without_bounds_does_not_load(tmp_path: Path) -> None:
    folder = with_pipeline(tmp_path, {**USA_SEPARATION, "confidence": "low", "note": "a guess"})
    with pytest.raises(DatasetError, match="lower/upper"):
        reechain.load_dataset(folder)


def test_a_project_whose_recipe_makes_another_stage_does_not_load(tmp_path: Path) -> None:
    folder = with_pipeline(tmp_path, {**USA_SEPARATION, "recipe": "ndfeb_sintering"})
    with pytest.raises(DatasetError, match=r"pipeline\.csv"):
        reechain.load_dataset(folder)
