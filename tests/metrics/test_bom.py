"""Bill of materials: validation with file/line/column errors, and exposure by origin."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from reechain.chain import Chain
from reechain.errors import DatasetError, InputError
from reechain.metrics.bom import BomItem, bom_exposure
from reechain.metrics.exposure import chain_exposure, origin_model
from reechain.workflows.metrics import read_bom

GOOD = (
    "Product,Sector,Units per year,Where made,Magnet grade,Known suppliers\n"
    "motor A,ev_motor,10000,USA,,CHN\n"
    "generator,wind_generator,50,USA,NdFeB,JPN:0.5;CHN:0.5\n"
    "motor B,ev_motor,2000,JPN,,\n"
)


def test_reads_a_csv_with_spoken_headers(tmp_path: Path, sample_chain: Chain) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(GOOD, encoding="utf-8")
    items = read_bom(path, sample_chain)
    assert [i.product for i in items] == ["motor A", "generator", "motor B"]
    assert items[1].suppliers == (("JPN", 0.5), ("CHN", 0.5))
    assert items[0].line == 2


def test_reads_xlsx(tmp_path: Path, sample_chain: Chain) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in GOOD.splitlines():
        sheet.append([float(c) if c.isdigit() else c for c in line.split(",")])
    book.save(tmp_path / "bom.xlsx")
    items = read_bom(tmp_path / "bom.xlsx", sample_chain)
    assert items[0].units_per_year == 10000


def test_every_bad_cell_is_reported_with_file_line_and_column(
    tmp_path: Path, sample_chain: Chain
) -> None:
    path = tmp_path / "bom.csv"
    path.write_text(
        "product,sector,units_per_year,made_in,magnet_grade,suppliers\n"
        "motor A,ev_motr,10000,USA,,\n"
        "motor B,ev_motor,-5,Japan,N52,CHX\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        read_bom(path, sample_chain)
    text = [str(p) for p in caught.value.problems]
    assert text[0] == (
        "bom.csv, line 2, column sector: got 'ev_motr', expected an end-use sector of the "
        "dataset; did you mean 'ev_motor'?"
    )
    assert "bom.csv, line 3, column units_per_year: got '-5', expected a number above 0" in text
    assert any(t.startswith("bom.csv, line 3, column made_in: got 'Japan'") for t in text)
    assert any("line 3, column magnet_grade" in t for t in text)
    assert any("line 3, column suppliers: got 'CHX'" in t for t in text)


def test_missing_column_and_wrong_suffix(tmp_path: Path, sample_chain: Chain) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("product,sector,made_in\nx,ev_motor,USA\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bom\.csv, line 1, column units_per_year"):
        read_bom(path, sample_chain)
    (tmp_path / "bom.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"expected a \.csv or \.xlsx file"):
        read_bom(tmp_path / "bom.json", sample_chain)


def test_known_suppliers_replace_the_pool(sample_chain: Chain) -> None:
    model = origin_model(sample_chain)
    item = BomItem(2, "motor", "ev_motor", 1000.0, "USA", suppliers=(("JPN", 1.0),))
    product, total = bom_exposure(sample_chain, model, [item])
    assert product.share("magnet", "JPN") == pytest.approx(1.0)
    assert product.stage_totals[sample_chain.stage_index("magnet")] == pytest.approx(2.0)
    # Magnets made in JPN carry JPN's metal mix upstream.
    assert product.share("metal", "JPN") == pytest.approx(41.5 / 45.5 * 150 / 150, rel=0.1)
    assert total.share("magnet", "JPN") == pytest.approx(1.0)


def test_without_suppliers_a_product_follows_its_regions_pool(sample_chain: Chain) -> None:
    model = origin_model(sample_chain)
    item = BomItem(2, "motor", "ev_motor", 1000.0, "JPN")
    product, _ = bom_exposure(sample_chain, model, [item])
    pool = chain_exposure(sample_chain, "JPN", "NdFeB", model=model)
    assert product.share("separate", "CHN") == pytest.approx(pool.share("separate", "CHN"))


def test_a_region_without_supply_is_a_clear_error(sample_chain: Chain) -> None:
    model = origin_model(sample_chain)
    item = BomItem(4, "motor", "ev_motor", 10.0, "AUS")  # AUS has no magnets
    with pytest.raises(DatasetError, match="bom, line 4, column made_in: got 'AUS'"):
        bom_exposure(sample_chain, model, [item])
