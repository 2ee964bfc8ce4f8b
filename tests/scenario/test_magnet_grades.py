"""Magnet grades and China's customs-reported magnet flows in the default dataset: a
Dy/Tb restriction spares the Dy-free sectors, and a stop of China's magnets to Japan
reaches Japan's magnet users."""

from __future__ import annotations

import pytest

import reechain
from reechain.chain import Chain
from reechain.engine import simulate
from reechain.engine.results import Results
from reechain.scenario import Scenario, load_composed

SINTERED = (
    "NdFeB_sintered_lowdy",
    "NdFeB_sintered",
    "NdFeB_sintered_highdy",
    "NdFeB_sintered_gbd",
)
DY_TB_GRADES = ("NdFeB_sintered", "NdFeB_sintered_highdy", "NdFeB_sintered_gbd")
DY_FREE_SECTORS = ("consumer_electronics", "hard_disk")
DY_TB_SECTORS = ("ev_traction_motor", "wind_generator", "defence_systems")


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


@pytest.fixture(scope="module")
def dy_tb_cut(chain: Chain) -> Results:
    """China stops, for 12 months from January 2025, its Dy and Tb oxide and metal exports
    and its Dy/Tb-bearing magnets (the cn-2025-april events at full severity)."""
    scenario = Scenario.model_validate(
        {
            "name": "dy-tb-cut",
            "dataset": "default",
            "horizon_months": 24,
            "events": [
                {
                    "kind": "export_restriction",
                    "exporter": "CHN",
                    "commodities": ["Dy2O3", "Tb4O7", "Dy_metal", "Tb_metal", *DY_TB_GRADES],
                    "importers": "all",
                    "start": "2025-01",
                    "duration_months": 12,
                    "severity": 1.0,
                }
            ],
        }
    )
    return simulate(chain, scenario)


def sector_value_lost(chain: Chain, res: Results, sector: str) -> float:
    """Return the world's value lost (USD) in ``sector`` over the horizon."""
    return float(res.value_lost_usd[:, chain.sectors.index(sector), :].sum())


@pytest.mark.parametrize("sector", DY_FREE_SECTORS)
def test_dy_free_sectors_use_only_the_dy_free_grade(chain: Chain, sector: str) -> None:
    s = chain.sectors.index(sector)
    grades = {c for c in SINTERED if chain.intensity[s, chain.commodities.index(c)] > 0}
    assert grades == {"NdFeB_sintered_lowdy"}


def test_the_dy_free_grade_is_made_without_dy_or_tb(chain: Chain) -> None:
    q = chain.recipes.index("ndfeb_sintering_lowdy")
    heavy = [chain.commodities.index(c) for c in ("Dy_metal", "Tb_metal")]
    assert chain.recipe_inputs[q, heavy].sum() == 0
    gbd, high = (
        chain.recipes.index("ndfeb_sintering_gbd"),
        chain.recipes.index("ndfeb_sintering_highdy"),
    )
    assert 0 < chain.recipe_inputs[gbd, heavy].sum() < chain.recipe_inputs[high, heavy].sum()


@pytest.mark.parametrize("sector", DY_FREE_SECTORS)
def test_a_dy_tb_cut_leaves_dy_free_sectors_whole(
    chain: Chain, dy_tb_cut: Results, sector: str
) -> None:
    """Whole: under one US dollar lost over two years (float round-off) on output worth
    hundreds of billions."""
    assert sector_value_lost(chain, dy_tb_cut, sector) < 1.0


@pytest.mark.parametrize("sector", DY_TB_SECTORS)
def test_a_dy_tb_cut_costs_ev_wind_and_defence_output(
    chain: Chain, dy_tb_cut: Results, sector: str
) -> None:
    assert sector_value_lost(chain, dy_tb_cut, sector) > 0.0


def test_china_ships_magnets_to_japan_and_the_us_as_its_customs_report(chain: Chain) -> None:
    """China GAC via Reuters/Nikkei: about 2,300 t (Japan) and 7,440 t (US) of finished
    magnets in 2024, i.e. ÷ 0.8 on the dataset's blank basis; the flows equal it."""
    chn = chain.region_index("CHN")
    grades = [chain.commodities.index(c) for c in SINTERED]
    for region, finished in (("JPN", 2300.0), ("USA", 7440.0)):
        trade = chain.trade_matrix[grades][:, chn, chain.region_index(region)].sum()
        assert trade == pytest.approx(finished / 0.8, rel=1e-9)


def test_china_stopping_magnets_to_japan_cuts_japans_magnet_deliveries(chain: Chain) -> None:
    """cn-magnets-japan: nothing from China for six months; Japan's users get less than in
    the baseline run at first, and, the stop announced, buy for precaution (their requests
    above the baseline run's throughout the stop: issue 19, step 3 of the engine)."""
    res = simulate(chain, load_composed("cn-magnets-japan"))
    chn, jpn = chain.region_index("CHN"), chain.region_index("JPN")
    grades = [chain.commodities.index(c) for c in SINTERED]
    window = slice(0, 6)
    assert res.run.shipments[window][:, grades, chn, jpn].sum() == 0.0
    assert res.baseline.shipments[window][:, grades, chn, jpn].sum() > 0.0
    got = res.run.deliveries[window, jpn][:, grades].sum(axis=1)
    base = res.baseline.deliveries[window, jpn][:, grades].sum(axis=1)
    assert got[0] < 0.9 * base[0]
    asked = res.run.requests[window, jpn][:, grades].sum(axis=1)
    assert (asked > res.baseline.requests[window, jpn][:, grades].sum(axis=1)).all()


def test_china_stopping_magnets_to_japan_costs_japans_end_uses(chain: Chain) -> None:
    """Issue 17's check: the stop reaches Japan's products, not only its magnet deliveries.
    Japan's EV traction motors lose output, and Japan loses more than any other region."""
    res = simulate(chain, load_composed("cn-magnets-japan"))
    jpn = chain.region_index("JPN")
    by_region = res.value_lost_usd.sum(axis=(0, 1))
    assert by_region[jpn] > 1e9
    assert by_region.argmax() == jpn
    ev = chain.sector_index("ev_traction_motor")
    assert res.lost_units[:, ev, jpn].sum() > 0
