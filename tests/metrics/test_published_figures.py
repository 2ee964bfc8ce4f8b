"""Published figures reproduced from the bundled default dataset (rows of VALIDATION.md).

USGS mine shares were inputs of the dataset (input-derived: the check is that the chain
carries them faithfully); the IEA figures were not (independent). IEA gives whole
percentages from rounded inputs and the dataset's oxide split rests on deposit element
splits, so IEA checks use a tolerance of 3 percentage points; USGS shares, 1 point.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

import reechain
from reechain.chain import Chain
from reechain.metrics.concentration import chain_concentration, concentration_of
from reechain.metrics.exposure import exposure_of, origin_model

MAGNET_OXIDES = ("Nd2O3", "Pr6O11", "Dy2O3", "Tb4O7")
IEA_POINTS = 0.03
USGS_POINTS = 0.01


@cache
def default_chain(year: int) -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"), year)


# USGS Mineral Commodity Summaries 2025, rare earths: mine production, t REO, and the
# rounded world total (2023: 376,000; 2024: 390,000).
USGS_MINE = {
    2023: ({"CHN": 255_000, "USA": 41_600, "MMR": 43_000, "AUS": 16_000}, 376_000),
    2024: ({"CHN": 270_000, "USA": 45_000, "MMR": 31_000, "AUS": 13_000}, 390_000),
}


@pytest.mark.parametrize("year", [2023, 2024])
def test_usgs_mine_shares(year: int) -> None:
    (mine,) = chain_concentration(default_chain(year), stage="mine", per="stage")
    published, world = USGS_MINE[year]
    for region, tonnes in published.items():
        assert mine.share_of(region) == pytest.approx(tonnes / world, abs=USGS_POINTS), region
    assert mine.top1_region == "CHN"


def magnet_ree_refining(chain: Chain) -> tuple[float, float]:
    idx = [chain.commodity_index(c) for c in MAGNET_OXIDES]
    c = concentration_of(chain.production[:, idx].sum(axis=1), chain.regions)
    return c.share_of("CHN"), c.share_of("CHN") + c.share_of("MYS") + c.share_of("AUS")


def test_iea_china_92_percent_of_magnet_ree_refining_2023() -> None:
    china, with_partners = magnet_ree_refining(default_chain(2023))
    assert china == pytest.approx(0.92, abs=IEA_POINTS)
    assert with_partners == pytest.approx(0.98, abs=IEA_POINTS)


def test_iea_magnet_ree_mining_2023_through_the_origin_trace() -> None:
    # Trace the world's separated Nd, Pr, Dy and Tb oxides back to the mines.
    chain = default_chain(2023)
    model = origin_model(chain)
    made = np.zeros_like(chain.production)
    idx = [chain.commodity_index(c) for c in MAGNET_OXIDES]
    made[:, idx] = chain.production[:, idx]
    e = exposure_of(model, model.origin_of_made(made), "world magnet-REE oxides")
    top3 = e.share("mine", "CHN") + e.share("mine", "AUS") + e.share("mine", "MMR")
    assert top3 == pytest.approx(0.85, abs=IEA_POINTS)


def test_iea_china_share_of_sintered_magnets() -> None:
    (sintered,) = chain_concentration(default_chain(2024), "NdFeB_sintered")
    assert sintered.top1_region == "CHN"
    assert sintered.top1_share == pytest.approx(0.94, abs=IEA_POINTS)
