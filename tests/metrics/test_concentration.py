"""Concentration: HHI and shares on hand-checked chains; bounds and order invariance."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.chain import Chain
from reechain.errors import InputError, NotFoundError
from reechain.metrics.concentration import (
    AggregateTreatment,
    chain_concentration,
    concentration_of,
    hhi,
)


def test_sample_mine_stage_by_hand(sample_chain: Chain) -> None:
    # CHN 1000, AUS 200, USA 100 t REO of concentrate.
    (mine,) = chain_concentration(sample_chain, stage="mine", per="stage")
    assert mine.total == 1300
    assert mine.hhi == pytest.approx((1000**2 + 200**2 + 100**2) / 1300**2 * 10_000)
    assert (mine.top1_region, mine.top1_share) == ("CHN", pytest.approx(1000 / 1300))
    assert mine.top3_regions == ("CHN", "AUS", "USA")
    assert mine.top3_share == pytest.approx(1.0)
    assert mine.regions_for_90pct == 2  # 76.9 % + 15.4 %


def test_sample_magnet_stage_by_hand(sample_chain: Chain) -> None:
    (magnet,) = chain_concentration(sample_chain, "NdFeB")
    assert magnet.share_of("JPN") == pytest.approx(150 / 700)
    assert magnet.hhi == pytest.approx((500**2 + 150**2 + 50**2) / 700**2 * 10_000)
    assert magnet.as_record()["unit"] == "t_magnet"


def test_per_stage_adds_the_stages_commodities(sample_chain: Chain) -> None:
    by_stage = {c.stage: c for c in chain_concentration(sample_chain, per="stage")}
    assert by_stage["separate"].total == pytest.approx(1300)  # 1100 CHN + 200 AUS t REO
    assert by_stage["metal"].total == pytest.approx(217)
    assert "use" not in by_stage


@pytest.mark.parametrize(
    ("treatment", "expected_hhi", "top3_share", "aggregate_share"),
    [
        ("fragmented", 3600 + 900, 0.9, 0.1),
        ("include", 3600 + 900 + 100, 1.0, 0.1),
        ("exclude", (60**2 + 30**2) / 90**2 * 10_000, 1.0, 0.0),
    ],
)
def test_aggregate_treatments(
    one_stage: Chain,
    treatment: str,
    expected_hhi: float,
    top3_share: float,
    aggregate_share: float,
) -> None:
    (ore,) = chain_concentration(one_stage, "ore", treatment=treatment)
    assert ore.hhi == pytest.approx(expected_hhi)
    assert ore.top3_share == pytest.approx(top3_share)
    assert ore.aggregate_share == pytest.approx(aggregate_share)
    assert ore.top1_region == "CHN"


def test_fragmented_rest_of_world_is_never_a_top_region() -> None:
    c = concentration_of([10.0, 80.0], ("CHN", "ROW"), aggregate=[False, True])
    assert (c.top1_region, c.top3_regions, c.regions_for_90pct) == ("CHN", ("CHN",), None)
    included = concentration_of(
        [10.0, 80.0], ("CHN", "ROW"), aggregate=[False, True], treatment="include"
    )
    assert included.top1_region == "ROW"


def test_a_rounded_world_total_counts_as_a_fragmented_remainder() -> None:
    c = concentration_of([60.0, 30.0], ("CHN", "AUS"), world_total=120.0)
    assert c.top1_share == pytest.approx(0.5)
    assert c.aggregate_share == pytest.approx(0.25)
    assert c.hhi == pytest.approx(2500 + 625)
    assert c.regions_for_90pct is None


def test_record_keys_name_their_units(sample_chain: Chain) -> None:
    record = chain_concentration(sample_chain, "NdFeB")[0].as_record()
    assert {"hhi", "top1_region", "top1_share", "top3_share", "production_per_year"} <= set(record)


def test_bad_selections_say_what_is_wrong(sample_chain: Chain) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'NdFeB'"):
        chain_concentration(sample_chain, "NdFeX")
    with pytest.raises(InputError, match="made at stage 'magnet', not 'mine'"):
        chain_concentration(sample_chain, "NdFeB", "mine")
    with pytest.raises(InputError, match="stage 'use' makes no commodity"):
        chain_concentration(sample_chain, stage="use")


quantities = st.lists(
    st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=12
).filter(lambda xs: sum(xs) > 1e-6)


@given(quantities)
def test_hhi_lies_between_10000_over_n_and_10000(values: list[float]) -> None:
    regions = tuple(f"R{i}" for i in range(len(values)))
    c = concentration_of(values, regions, treatment=AggregateTreatment.INCLUDE)
    n = sum(1 for v in values if v > 0)
    assert 10_000 / n - 1e-6 <= c.hhi <= 10_000 + 1e-6
    assert float(np.sum(c.shares)) == pytest.approx(1.0)


@given(quantities, st.randoms(use_true_random=False))
def test_concentration_does_not_depend_on_region_order(values: list[float], rnd: object) -> None:
    regions = tuple(f"R{i}" for i in range(len(values)))
    order = list(range(len(values)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    a = concentration_of(values, regions)
    b = concentration_of([values[i] for i in order], tuple(regions[i] for i in order))
    assert b.hhi == pytest.approx(a.hhi, rel=1e-12, abs=1e-9)
    assert b.top1_share == pytest.approx(a.top1_share)
    assert b.top3_share == pytest.approx(a.top3_share)
    assert b.regions_for_90pct == a.regions_for_90pct
    for region in regions:
        assert b.share_of(region) == pytest.approx(a.share_of(region))


def test_hhi_of_equal_shares() -> None:
    assert float(hhi([0.25] * 4)) == pytest.approx(2500)


def test_several_commodities_add_up_by_stage(sample_chain: Chain) -> None:
    (oxides,) = chain_concentration(sample_chain, "NdPr_oxide,Dy_oxide", per="stage")
    assert oxides.commodity == "NdPr_oxide+Dy_oxide"
    assert oxides.total == pytest.approx(260 + 13)
    assert oxides.share_of("CHN") == pytest.approx((220 + 11) / 273)
    assert len(chain_concentration(sample_chain, "NdPr_oxide,Dy_oxide")) == 2
