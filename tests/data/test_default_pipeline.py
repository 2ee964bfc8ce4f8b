"""The default dataset's project pipeline (issue 18): sourced row by row.

Every announced project carries its source, its development stage and a chance of reaching
production whose method is named; no row above 1 kt/yr rests on a low-confidence capacity
without bounds and a rationale; deep-sea mud near Minamitorishima is in at its real stage
(research), and China's quotas are in as such.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.data.dataset import Dataset
from reechain.data.tables import Confidence, PipelineRow

DEFAULT = Path(reechain.bundled_path("default"))


@pytest.fixture(scope="module")
def rows() -> tuple[PipelineRow, ...]:
    dataset: Dataset = reechain.load_dataset(DEFAULT)
    return tuple(dataset.rows("pipeline"))


def test_no_large_row_rests_on_a_low_confidence_capacity_without_bounds_and_rationale(
    rows: tuple[PipelineRow, ...],
) -> None:
    low = [r for r in rows if r.confidence is Confidence.LOW and r.capacity_per_year > 1000]
    assert low  # the rule is exercised: China's quotas, Vietnam's plan, the US assumptions
    for row in low:
        assert row.lower is not None, row.project
        assert row.upper is not None, row.project
        assert row.lower <= row.capacity_per_year <= row.upper
        assert len(row.note) > 40, row.project


def test_every_row_names_its_source_and_how_its_chance_was_set(
    rows: tuple[PipelineRow, ...],
) -> None:
    assert len(rows) >= 20
    for row in rows:
        assert row.source, row.project
        assert row.url, row.project
        assert row.probability_method, row.project
        assert 0 <= row.probability <= 1
    based = [r for r in rows if r.probability_method.startswith("base rate of stage")]
    assert all(f"'{r.development_stage}'" in r.probability_method for r in based)


def test_the_pipeline_covers_every_stage_and_the_partners_users_ask_about(
    rows: tuple[PipelineRow, ...],
) -> None:
    assert {r.stage for r in rows} == {"mine", "separate", "metal", "magnet"}
    assert any(r.recipe == "swarf_recycling" for r in rows)  # recycling
    partners = " ".join(r.partners for r in rows)
    for name in ("JOGMEC", "DoD", "DOE"):
        assert name in partners


def test_deep_sea_mud_is_in_at_its_real_stage_and_china_at_its_quotas(
    rows: tuple[PipelineRow, ...],
) -> None:
    by = {r.project: r for r in rows}
    mud = by["JPN_mine_minamitorishima"]
    assert mud.development_stage == "research"
    assert mud.probability <= 0.05
    assert {r.region for r in rows if r.development_stage == "quota"} == {"CHN"}


def test_a_row_that_is_a_dataset_process_matches_it() -> None:
    chain = reechain.compile_chain(reechain.load_dataset(DEFAULT))
    for row in chain.pipeline:
        if row.process:
            p = chain.processes.index(row.process)
            assert chain.process_status[p] in ("building", "planned")
            assert chain.capacity_per_year[p] == pytest.approx(row.capacity_per_year)
