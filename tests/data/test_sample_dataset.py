"""The bundled sample dataset: valid, balanced, sourced, and hand-checkable."""

from __future__ import annotations

import numpy as np

from reechain.chain import Chain
from reechain.data.dataset import Dataset


def test_sample_loads_with_every_table(sample_dataset: Dataset) -> None:
    empty = [name for name, rows in sample_dataset.tables.items() if not rows]
    assert empty == []
    assert sample_dataset.meta.base_year == 2024
    assert sample_dataset.years() == (2024,)


def test_sample_baseline_balances_exactly(sample_chain: Chain) -> None:
    assert np.max(np.abs(sample_chain.balance_gap)) < 1e-9
    assert sample_chain.balance_problems() == []


def test_sample_every_number_has_a_source(sample_dataset: Dataset) -> None:
    records = sample_dataset.provenance_records()
    assert records
    assert all(r["source"] and r["confidence"] in ("high", "medium", "low") for r in records)
    low = [r for r in records if r["confidence"] == "low"]
    assert all(r["lower"] <= r["value"] <= r["upper"] and r["note"] for r in low)
    assert all(r["method"] for r in records if r["confidence"] == "medium")


def test_sample_figures_match_hand_arithmetic(sample_chain: Chain) -> None:
    """CHN separates its 1,000 t of concentrate plus 100 t imported from the USA at a 20 %
    NdPr split: 220 t NdPr oxide, of which 204 t feed 170 t of metal (1.2 t oxide per t).
    """
    chn, c = sample_chain.region_index("CHN"), sample_chain.commodity_index
    assert sample_chain.production[chn, c("NdPr_oxide")] == 220.0
    assert sample_chain.process_use[chn, c("NdPr_oxide")] == 204.0
    assert sample_chain.imports[chn, c("conc_mixed")] == 100.0
    jpn = sample_chain.region_index("JPN")
    # Japan's magnets: 150 t made + 30 t imported = 90,000 vehicles × 2 kg.
    assert sample_chain.end_use[jpn, c("NdFeB")] == 180.0
