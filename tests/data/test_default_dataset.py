"""The bundled default dataset: coverage, provenance, exact balance and regeneration.

The default dataset is what every analysis rests on, so these tests state what it must hold
(DESIGN.md section 3, issue 3): the stages, regions, groups, commodities and sectors users
ask about; a source and a confidence on every row; an exact baseline balance in every year;
and bundled files that equal, byte for byte, what ``scripts/build_default_dataset.py``
derives from the sourced inputs in ``data-raw/default``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from typer.testing import CliRunner

import reechain
from reechain.chain import Chain, compile_chain
from reechain.cli import app
from reechain.data.dataset import Dataset

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_default_dataset.py"
DEFAULT = Path(reechain.bundled_path("default"))

REGIONS = {
    *("CHN", "USA", "JPN", "AUS", "MMR", "MYS", "THA", "VNM", "LAO", "IND", "RUS"),
    *("NGA", "MDG", "BRA", "EST", "DEU", "FRA", "KOR", "GBR", "CAN", "ROW"),
}
OXIDES = {
    *("La2O3", "CeO2", "Pr6O11", "Nd2O3", "Sm2O3", "Eu2O3", "Gd2O3", "Tb4O7"),
    *("Dy2O3", "Ho2O3", "Er2O3", "Tm2O3", "Yb2O3", "Lu2O3", "Y2O3", "Sc2O3"),
}
SECTORS = {
    *("ev_traction_motor", "wind_generator", "industrial_motor", "consumer_electronics"),
    *("hard_disk", "semiconductors", "defence_systems", "catalysts", "glass_polishing"),
    *("phosphors", "nimh_batteries"),
}


def load_script() -> ModuleType:
    """Import the build script as a module (it lives outside the package)."""
    spec = importlib.util.spec_from_file_location("build_default_dataset", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The bundled default dataset, validated (references, provenance rules, balance)."""
    return reechain.load_dataset(DEFAULT)


@pytest.fixture(scope="module")
def chains(dataset: Dataset) -> dict[int, Chain]:
    """The default dataset compiled for each year that has process data."""
    return {year: compile_chain(dataset, year) for year in dataset.years()}


def test_the_build_script_regenerates_the_bundled_files_byte_for_byte(tmp_path: Path) -> None:
    out = load_script().build(tmp_path / "default")
    written = sorted(p.name for p in out.iterdir())
    bundled = sorted(p.name for p in DEFAULT.iterdir() if p.suffix in (".csv", ".toml"))
    assert written == bundled
    for name in written:
        assert (out / name).read_bytes() == (DEFAULT / name).read_bytes(), name


def test_metadata_names_the_default_dataset_with_base_year_2024(dataset: Dataset) -> None:
    assert dataset.name == "default"
    assert dataset.meta.base_year == 2024
    assert dataset.years() == (2023, 2024)


def test_it_covers_the_stages_regions_and_groups_of_the_issue(dataset: Dataset) -> None:
    stages = [s.stage for s in sorted(dataset.rows("stages"), key=lambda s: s.order)]
    assert stages == ["mine", "separate", "metal", "magnet", "use"]
    regions = {r.region: r.kind for r in dataset.rows("regions")}
    assert set(regions) >= REGIONS
    assert regions["ROW"] == "aggregate"
    groups: dict[str, set[str]] = {}
    for g in dataset.rows("groups"):
        groups.setdefault(g.group, set()).add(g.region)
    assert {"partners_us_jp", "eu27", "g7", "msp", "quad"} <= set(groups)
    assert groups["partners_us_jp"] == {"USA", "JPN"}
    assert groups["quad"] == {"USA", "JPN", "AUS", "IND"}
    assert groups["eu27"] == {"EST", "DEU", "FRA"}
    assert groups["g7"] == {"USA", "JPN", "DEU", "FRA", "GBR", "CAN"}
    assert all(members <= set(regions) for members in groups.values())


def test_it_covers_every_oxide_metal_magnet_and_deposit_type(dataset: Dataset) -> None:
    stage = {c.commodity: c.stage for c in dataset.rows("commodities")}
    assert {c: "separate" for c in OXIDES}.items() <= stage.items()
    assert {"NdPr_metal", "Dy_metal", "Tb_metal"} <= {c for c, s in stage.items() if s == "metal"}
    assert {c for c, s in stage.items() if s == "magnet"} == {
        "NdFeB_sintered_lowdy",
        "NdFeB_sintered",
        "NdFeB_sintered_highdy",
        "NdFeB_sintered_gbd",
        "NdFeB_bonded",
        "SmCo",
    }
    deposits = {c for c, s in stage.items() if s == "mine"}
    assert {"conc_bayan_obo", "conc_monazite", "conc_ionic_clay", "conc_loparite"} <= deposits


def test_every_required_sector_has_output_value_jobs_and_intensities(dataset: Dataset) -> None:
    sectors = {s.sector for s in dataset.rows("sectors")}
    assert sectors >= SECTORS
    with_intensity = {n.sector for n in dataset.rows("intensities")}
    for sector in sectors:
        rows = [e for e in dataset.rows("end_uses") if e.sector == sector and e.year == 2024]
        assert rows, sector
        assert all(e.value_usd_per_unit > 0 and e.jobs_per_unit > 0 for e in rows), sector
        assert sector in with_intensity, sector


def test_processes_carry_capacity_utilisation_and_ramp_rates(dataset: Dataset) -> None:
    for p in dataset.rows("processes"):
        assert p.capacity_per_year >= p.activity_per_year, p.process
        assert 0 < p.max_utilisation <= 1, p.process
        assert 0 < p.ramp_rate_per_month <= 1, p.process
    mines_2023 = {
        p.region for p in dataset.rows("processes") if p.year == 2023 and p.stage == "mine"
    }
    assert {"CHN", "USA", "MMR", "AUS"} <= mines_2023


def test_it_holds_inventories_and_the_known_strategic_stockpiles(dataset: Dataset) -> None:
    holders = {k.holder for k in dataset.rows("stockpiles")}
    assert {"JPN", "USA"} <= holders
    assert any(v.region == "JPN" for v in dataset.rows("inventories"))
    priced = {p.commodity for p in dataset.rows("prices") if p.year == 2024}
    assert priced == {c.commodity for c in dataset.rows("commodities")}
    assert all(e.elasticity < 0 for e in dataset.rows("elasticities"))


def test_every_row_has_a_source_and_a_complete_confidence(dataset: Dataset) -> None:
    records = dataset.provenance_records()
    assert len(records) > 1000
    for r in records:
        where = f"{r['table']} line {r['line']} ({r['key']})"
        assert r["source"], where
        assert r["confidence"] in ("high", "medium", "low"), where
        if r["confidence"] == "medium":
            assert r["method"], where
        if r["confidence"] == "low":
            assert r["note"], where
            assert r["lower"] is not None, where
            assert r["upper"] is not None, where
            assert r["lower"] <= r["value"] <= r["upper"], where


def test_derived_rows_name_their_arithmetic(dataset: Dataset) -> None:
    derived = [r for r in dataset.provenance_records() if "derived by" in r["source"]]
    assert derived
    assert all(r["method"] for r in derived)
    assert all(r["method"] for r in dataset.provenance_records() if r["table"] == "residuals")


def test_the_baseline_balances_exactly_in_every_year(chains: dict[int, Chain]) -> None:
    for year, chain in chains.items():
        scale = np.maximum(chain.production + chain.imports, 1.0)
        assert np.all(np.abs(chain.balance_gap) <= 1e-9 * scale + 1e-6), year
        assert chain.balance_problems() == [], year


def test_residuals_are_explicit_and_reported(chains: dict[int, Chain]) -> None:
    from reechain.chain.summary import residual_summary

    records = residual_summary(chains[2024])
    assert records
    kinds = {r["kind"] for r in records}
    assert kinds <= {"stock_change", "unreported_output", "unrecorded_use", "statistical"}


def test_cli_validates_the_bundled_dataset() -> None:
    result = CliRunner().invoke(app, ["data", "validate", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    assert "baseline balances" in result.output


def test_cli_reports_residual_sizes_for_the_default_dataset() -> None:
    result = CliRunner().invoke(
        app, ["data", "summary", "default", "--by", "residual", "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "supply_share" in result.output.splitlines()[0]
