"""The bundled demand tables: complete provenance, consistent shares, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reechain.data.tables import Confidence
from reechain.demand.tables import DEMAND_DATA_DIR, load_demand_tables
from reechain.errors import DatasetError


def test_every_numeric_row_carries_its_provenance() -> None:
    tables = load_demand_tables()
    for name in ("drivers", "region_shares", "intensities", "substitution", "lifetimes"):
        for row in getattr(tables, name):
            assert row.source
            if row.confidence is Confidence.MEDIUM:
                assert row.method
            if row.confidence is Confidence.LOW:
                assert row.note
                assert row.lower is not None
                assert row.upper is not None


def test_drivers_cover_every_sector_from_2024_to_2050_in_both_families() -> None:
    tables = load_demand_tables()
    sectors = {row.sector for row in tables.sectors}
    for family in ("stated", "accelerated"):
        rows = [r for r in tables.drivers if r.scenario in ("all", family)]
        for sector in sectors:
            years = {r.year for r in rows if r.sector == sector}
            assert min(years) <= 2024, (family, sector)
            assert max(years) >= 2050, (family, sector)
    assert {"Nd", "Pr", "Dy", "Tb"} <= {row.element for row in tables.intensities}


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "demand"
    shutil.copytree(DEMAND_DATA_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def _replace(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_share_outside_its_range_names_file_line_and_column(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "drivers.csv", 2, ",0,0.9,", ",0,1.9,")
    with pytest.raises(DatasetError) as info:
        load_demand_tables(folder)
    assert (
        str(info.value) == "drivers.csv, line 2, column re_share: got '1.9', expected a number ≤ 1"
    )


def test_a_negative_intensity_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "intensities.csv", 2, ",0.355,", ",-0.355,")
    with pytest.raises(DatasetError, match=r"intensities\.csv, line 2, column kg_per_unit: got"):
        load_demand_tables(folder)


def test_a_lifetime_at_zero_is_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "lifetimes.csv", 3, "normal,25,", "normal,0,")
    with pytest.raises(DatasetError, match=r"lifetimes\.csv, line 3, column mean_years: got '0'"):
        load_demand_tables(folder)
