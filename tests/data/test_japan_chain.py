"""Japan's chain as it is (issue 17): its Dy + Tb use on a stated basis against what
JOGMEC and METI published."""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.chain import Chain
from reechain.demand import builtin_scenario, compile_inputs, project
from reechain.demand.anchor import anchor_to_chain, element_share
from reechain.demand.tables import load_demand_tables

DEFAULT = Path(reechain.bundled_path("default"))
LYNAS_SEGH_T = 1_500
"""Lynas Malaysia's heavy-RE circuit: 1,500 t/yr of SEGH (Fastmarkets, 27 Jun 2024)."""
DY_TB_YIELD = 0.05 + 0.01
"""Dy 5 % and Tb 1 % of Lynas's heavy-RE feed (Lynas, Oct 2025, via rawmaterials.net)."""
JAPAN_SHARE_OF_LYNAS_HRE = 0.65
SHARE_OF_JAPAN_DEMAND = 0.30
"""METI/JOGMEC, Mar 2023: up to 65 % of Lynas's Dy/Tb to Japan, about 30 % of domestic demand."""


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset(DEFAULT), 2024)


def japan_dy_tb_use(chain: Chain) -> float:
    """Japan's Dy + Tb use, element basis: Dy and Tb metal used in Japan plus the element in
    Dy and Tb oxide used there other than by its metal plants (which turn it into metal)."""
    r = chain.region_index("JPN")
    use = chain.process_use + chain.end_use
    metal = sum(use[r, chain.commodity_index(m)] for m in ("Dy_metal", "Tb_metal"))
    reduce = [
        p
        for p in range(len(chain.processes))
        if chain.process_region[p] == r and chain.process_stage[p] == chain.stage_index("metal")
    ]
    oxide = 0.0
    for code in ("Dy2O3", "Tb4O7"):
        c = chain.commodity_index(code)
        into_metal = sum(chain.activity_per_year[p] * chain.process_inputs[p, c] for p in reduce)
        oxide += (use[r, c] - into_metal) * element_share(code)[1]
    return float(metal + oxide)


def test_japan_dy_tb_use_is_what_the_2023_lynas_offtake_implies(chain: Chain) -> None:
    """Derived from METI/JOGMEC (2023): 0.65 × 1,500 t × 6 % ÷ 0.30 ≈ 195 t/yr of current
    domestic Dy + Tb demand; tolerance ±50 % (the yields are Lynas's 2025 figures for a
    larger circuit, applied to the 2024 one)."""
    implied = JAPAN_SHARE_OF_LYNAS_HRE * LYNAS_SEGH_T * DY_TB_YIELD / SHARE_OF_JAPAN_DEMAND
    assert implied == pytest.approx(195)
    assert abs(japan_dy_tb_use(chain) / implied - 1) <= 0.5


def test_the_demand_modules_japanese_dy_tb_base_year_is_within_the_same_band(
    chain: Chain,
) -> None:
    """The demand module anchored on the chain (end uses in Japan, element basis) gives
    Japan's 2024 Dy + Tb within the same ±50 % of the 195 t the 2023 statement implies."""
    tables = load_demand_tables()
    p = anchor_to_chain(
        project(compile_inputs(tables, builtin_scenario("stated"))), chain, tables.sector_map()
    ).projection
    x = p.inputs
    t = [int(y) for y in x.years].index(2024)
    e = [x.elements.index(h) for h in ("Dy", "Tb")]
    demand = float(p.demand_t_per_year[t, x.regions.index("JPN")][:, e].sum())
    implied = JAPAN_SHARE_OF_LYNAS_HRE * LYNAS_SEGH_T * DY_TB_YIELD / SHARE_OF_JAPAN_DEMAND
    assert abs(demand / implied - 1) <= 0.5


def test_japan_dy_tb_use_is_far_below_jogmecs_potential_demand(chain: Chain) -> None:
    """JOGMEC (Argus, 17 Mar 2025): Caremag's 250 t Dy + 45 t Tb ≈ 20 % of Japan's
    *potential* heavy-RE demand, ≈ 1,475 t/yr: a projected figure for when the offtake
    starts (2027 on), not 2024 use. Ours, the 2024 use, is under a quarter of it: the two
    are not on one basis, and the row says so rather than fitting one to the other."""
    assert japan_dy_tb_use(chain) < 0.25 * (250 + 45) / 0.20
