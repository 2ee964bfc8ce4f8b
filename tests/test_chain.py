"""The compiled Chain: immutable arrays, lookups, and an exact round trip through tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reechain
from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset, load_dataset
from reechain.data.writers import cell, write_dataset
from reechain.errors import NotFoundError


def test_arrays_are_read_only(sample_chain: Chain) -> None:
    with pytest.raises(ValueError, match="read-only"):
        sample_chain.capacity_per_year[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        sample_chain.production[0, 0] = 1.0


def test_chain_round_trips_through_tables_and_back(sample_chain: Chain, tmp_path: Path) -> None:
    meta = {"name": "sample", "base_year": sample_chain.year}
    folder = write_dataset(sample_chain.to_tables(), meta, tmp_path / "again")
    again = compile_chain(load_dataset(folder))
    assert again.equals(sample_chain)


def test_chain_round_trips_through_a_workbook(sample_chain: Chain, tmp_path: Path) -> None:
    meta = {"name": "sample", "base_year": sample_chain.year}
    book = write_dataset(sample_chain.to_tables(), meta, tmp_path / "again.xlsx")
    assert compile_chain(load_dataset(book)).equals(sample_chain)


def test_a_changed_number_breaks_equality(sample_chain: Chain, tmp_path: Path) -> None:
    tables = sample_chain.to_tables()
    tables["prices"][0]["price_usd_per_kg"] = 5.5
    folder = write_dataset(tables, {"name": "sample", "base_year": 2024}, tmp_path / "x")
    assert not compile_chain(load_dataset(folder)).equals(sample_chain)


def test_groups_and_regions_resolve_to_masks(sample_chain: Chain) -> None:
    mask = sample_chain.region_mask("partners_us_jp")
    assert [r for r, m in zip(sample_chain.regions, mask, strict=True) if m] == ["JPN", "USA"]
    assert sample_chain.region_mask("AUS").sum() == 1


def test_unknown_names_suggest_the_near_miss(sample_chain: Chain) -> None:
    with pytest.raises(NotFoundError, match="no region named 'JNP'; did you mean 'JPN'"):
        sample_chain.region_index("JNP")
    with pytest.raises(NotFoundError, match="did you mean 'NdFeB'"):
        sample_chain.commodity_index("ndfeb")
    with pytest.raises(NotFoundError, match="no region or group named 'partners'"):
        sample_chain.region_mask("partners")


def test_a_year_without_data_is_refused(sample_dataset: Dataset) -> None:
    with pytest.raises(NotFoundError, match="no data for 2031; years with data: 2024"):
        compile_chain(sample_dataset, 2031)


def test_trade_matrix_agrees_with_links(sample_chain: Chain) -> None:
    assert sample_chain.trade_matrix.sum(axis=2).T.shape == sample_chain.exports.shape
    np.testing.assert_array_equal(sample_chain.trade_matrix.sum(axis=2).T, sample_chain.exports)
    np.testing.assert_array_equal(sample_chain.trade_matrix.sum(axis=1).T, sample_chain.imports)


def test_every_compiled_entry_keeps_its_provenance(sample_chain: Chain) -> None:
    assert len(sample_chain.sources["processes"]) == len(sample_chain.processes)
    assert len(sample_chain.sources["trade"]) == len(sample_chain.link_flow_per_year)
    assert all(s["source"] for rows in sample_chain.sources.values() for s in rows)


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_numbers_are_written_exactly(value: float) -> None:
    """Whatever float a table holds, its text form reads back to the same float."""
    assert float(cell(value)) == value


def test_public_api_compiles_the_bundled_sample() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("sample"))
    assert chain.stages == ("mine", "separate", "metal", "magnet", "use")
