"""Candidate tables and partnership files: sourced rows, located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.errors import ConsistencyError, DatasetError, NotFoundError
from reechain.optimize.candidates import CandidateKind, bundled_candidates, parse_candidates
from reechain.optimize.partnership import (
    bundled_partnerships,
    load_partnership,
    parse_partnership,
)
from reechain.optimize.second_stage import check_candidates
from tests.optimize.instances import HEADER, PROV

REQUIRED = [
    "mp_10x_magnets",
    "mp_heavy_separation",
    "lynas_texas",
    "lynas_malaysia_expansion",
    "jpn_lynas_dy_tb_offtake",
    "iluka_eneabba",
    "solvay_la_rochelle",
    "neo_narva",
    "jpn_magnet_expansion",
    "minamitorishima_pilot",
    "usa_magnet_recycling",
    "jpn_stockpile_ndpr_metal",
    "usa_nds_ndfeb",
    "usa_thrift_ev",
]


def test_bundled_candidates_cover_the_issue_and_carry_sources() -> None:
    table = bundled_candidates()
    assert set(REQUIRED) <= set(table)
    assert len(table) >= 40
    kinds = {c.kind for c in table.rows}
    assert kinds == set(CandidateKind)
    for c in table.rows:
        assert c.source
        assert c.url
        assert c.confidence in ("high", "medium", "low")
        if c.kind is CandidateKind.STOCKPILE:
            assert c.holding_usd_per_t_year is not None
            assert c.holding_usd_per_t_year > 0
    check_candidates(reechain.compile_chain(reechain.load_dataset("default")), table)


def test_figures_match_the_sources() -> None:
    """MP 10X > US$1.25 bn for ~10,000 t/yr with Independence, from 2028; Iluka 17,500 t/yr
    REO at A$1.75 bn × 0.65; Neo Narva €100 M for 2,000 t/yr."""
    t = bundled_candidates()
    assert t["mp_10x_magnets"].capex_usd == 1.25e9
    assert t["mp_10x_magnets"].first_year == 2028
    sizes = [t[c].capacity_per_year for c in ("mp_10x_magnets", "mp_independence_magnets")]
    assert sum(s or 0.0 for s in sizes) == 10_000
    assert t["iluka_eneabba"].capacity_per_year == 17_500
    assert t["iluka_eneabba"].capex_usd == pytest.approx(1.75e9 * 0.65, rel=0.02)
    assert t["neo_narva"].capacity_per_year == 2_000


def test_a_bad_row_names_file_line_and_column() -> None:
    row = (
        "x,process,X,USA,,magnet,ndfeb_sintering,NdFeB_sintered,,100,,,pool,-5,,0,,,1,2025,"
        f"1.5,o,USA,{PROV}\n"
    )
    with pytest.raises(DatasetError) as err:
        parse_candidates(HEADER + row, "mine.csv")
    text = str(err.value)
    assert "mine.csv, line 2, column capex_usd" in text
    problems = {p.column for p in err.value.problems}
    assert problems == {"capex_usd", "chance_of_success"}


def test_a_process_needs_a_recipe() -> None:
    row = f"x,process,X,USA,,magnet,,NdFeB_sintered,,100,,,pool,5,,0,,,1,2025,1,o,USA,{PROV}\n"
    with pytest.raises(DatasetError, match="line 2, column recipe"):
        parse_candidates(HEADER + row, "mine.csv")


def test_unknown_names_are_reported_with_a_hint() -> None:
    row = (
        "x,process,X,USB,,magnet,ndfeb_sintering,NdFeB_sintered,,100,,,pool,5,,0,,,1,2025,1,"
        f"o,USA,{PROV}\n"
    )
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    with pytest.raises(ConsistencyError, match=r"line 2, place: got 'USB'.*USA"):
        check_candidates(chain, parse_candidates(HEADER + row, "mine.csv"))


def test_bundled_partnerships() -> None:
    assert {"us-japan", "quad-eu"} <= set(bundled_partnerships())
    assert load_partnership("quad-eu").members == ("USA", "JPN", "AUS", "eu27")


def test_partnership_errors_name_the_line(tmp_path: Path) -> None:
    text = (
        "name: x\nmembers: [USA]\nhorizon_years: 0\ndays_of_cover:\n  - {holder: JPN, days: 60}\n"
    )
    with pytest.raises(DatasetError) as err:
        parse_partnership(text, "p.yaml")
    shown = [str(p) for p in err.value.problems]
    assert any(s.startswith("p.yaml, line 3, column horizon_years") for s in shown)
    assert any(s.startswith("p.yaml, line 5, column days_of_cover.0.commodity") for s in shown)


def test_partnership_yaml_is_loaded_safely(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="line 1"):
        parse_partnership("!!python/object/apply:os.system ['true']\n", "evil.yaml")


def test_unknown_partnership_has_a_hint() -> None:
    with pytest.raises(NotFoundError, match="us-japan"):
        load_partnership("us-japn")


def test_offtake_outputs_need_quantities() -> None:
    row = f"x,offtake,X,MYS,JPN,separate,,Dy2O3,,,,,own,5,,0,,,1,2025,1,o,JPN,{PROV}\n"
    with pytest.raises(DatasetError, match="line 2, column outputs"):
        parse_candidates(HEADER + row, "mine.csv")
