"""The 2025 episodes as the held-out test of the market calibration (issue 19, item 6).

``cn-2025-april`` states the April 2025 measures as announced at the onset (licences, the
statutory review time, no approval share announced); the market parameters are fitted to
2009–2013 only (``engine/bundled/market.csv``, episode column). Each test is one row of
VALIDATION.md ("2025 out of sample"): a figure observed in 2025 and what the engine gives,
pass or fail as it comes out; a fail is a strict xfail that names the gap.
"""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.chain import Chain
from reechain.engine import Results, simulate
from reechain.engine.market import market_rows
from reechain.risk.market_fit import outside_multiple
from reechain.scenario import load_composed

APRIL, MAY, SEPTEMBER = 3, 4, 8
"""Months of the run (month 0 = January 2025)."""


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


@pytest.fixture(scope="module")
def april(chain: Chain) -> Results:
    return simulate(chain, load_composed("cn-2025-april"))


def exports(chain: Chain, shipments: np.ndarray, commodities: list[str]) -> np.ndarray:
    """(T,) China's exports of ``commodities`` to every other region."""
    chn = chain.regions.index("CHN")
    cs = [chain.commodities.index(c) for c in commodities]
    return np.asarray(shipments[:, cs, chn].sum(axis=(1, 2)) - shipments[:, cs, chn, chn].sum(1))


MAGNETS = ["NdFeB_sintered_lowdy", "NdFeB_sintered", "NdFeB_sintered_highdy"]
MAGNETS += ["NdFeB_sintered_gbd", "NdFeB_bonded", "SmCo"]


def outside(chain: Chain, res: Results, commodity: str) -> np.ndarray:
    """(T,) the price outside China: the mean multiple of P₀ over every region but China,
    weighted by baseline use (the 2025 buyers are today's chain's own)."""
    c = chain.commodities.index(commodity)
    return outside_multiple(chain, res.run.price, res.baseline.requirement[0])[:, c]


def test_no_market_parameter_was_fitted_to_2025() -> None:
    """The held-out episodes leave the parameters untouched: no row's episode is 2025."""
    for row in market_rows():
        assert "2025" not in row.episode, row.parameter


def test_magnet_exports_fall_in_the_first_months_of_licensing(chain: Chain, april: Results) -> None:
    """China's magnet exports, May 2025: −74 % y/y, 1,238 t (Chinese customs via WSJ,
    automotiveworld.com 20 Jun 2025); the engine within ±15 percentage points."""
    got = exports(chain, april.run.shipments, MAGNETS)[MAY]
    base = exports(chain, april.baseline.shipments, MAGNETS)[MAY]
    assert got / base - 1 == pytest.approx(-0.74, abs=0.15)


@pytest.mark.xfail(
    strict=True,
    reason="licences approve the default share (0.5) of former exports for the whole horizon: "
    "magnet exports stay ~40 % below baseline in September 2025, while they recovered above "
    "the 2024 monthly average (+19 %); approvals that rise as the backlog clears are not "
    "modelled (VALIDATION.md row)",
)
def test_magnet_exports_recover_by_september(chain: Chain, april: Results) -> None:
    """China's magnet exports, September 2025: 5,774 t against the 2024 monthly average
    4,846 t, +19 % (Chinese customs via tradium.com; Adamas); the engine within ±15 points."""
    got = exports(chain, april.run.shipments, MAGNETS)[SEPTEMBER]
    base = exports(chain, april.baseline.shipments, MAGNETS)[SEPTEMBER]
    assert got / base - 1 == pytest.approx(0.19, abs=0.15)


def test_dy_oxide_price_outside_china_within_a_factor_2_of_3x(chain: Chain, april: Results) -> None:
    """Dy oxide in Europe nearly tripled within a month of the April 2025 controls (SMM
    analysis, 18 Apr / 6 May 2025): the engine's price outside China in May 2025 is within a
    factor 2 of 3x."""
    got = outside(chain, april, "Dy2O3")[MAY]
    assert 1.5 <= got <= 6.0


def test_dy_oxide_price_in_china_stays_flat(chain: Chain, april: Results) -> None:
    """Chinese domestic Dy prices stayed flat while Europe's tripled (SMM, 18 Apr / 6 May
    2025): China's Dy oxide price in May 2025 within 25 % of P₀."""
    c = chain.commodities.index("Dy2O3")
    got = april.run.price[MAY, chain.regions.index("CHN"), c] / chain.price_usd_per_kg[c]
    assert got == pytest.approx(1.0, rel=0.25)


@pytest.mark.xfail(
    strict=True,
    reason="the licence approves half of Japan's former Dy: China's Dy (oxide and metal) to "
    "Japan falls ~60 % in Apr-Dec 2025, not 95 %; the refusals Japan met are not in the "
    "announced measure (VALIDATION.md row)",
)
def test_japan_dy_from_china_falls_95_percent(chain: Chain, april: Results) -> None:
    """ "Japan received 95 percent less [dysprosium] than in 2024" (Chinese customs via
    rawmaterials.net, 20 Jan 2026): the engine within ±15 points, April-December 2025."""
    dy = [chain.commodities.index(c) for c in ("Dy2O3", "Dy_metal")]
    chn, jpn = chain.regions.index("CHN"), chain.regions.index("JPN")
    got = april.run.shipments[APRIL:12, dy, chn, jpn].sum()
    base = april.baseline.shipments[APRIL:12, dy, chn, jpn].sum()
    assert got / base - 1 == pytest.approx(-0.95, abs=0.15)


@pytest.mark.xfail(
    strict=True,
    reason="the engine cuts US EV traction-motor output by over a third (-36.1 %) in "
    "April-December 2025, component stocks, qualification lags and defence priority "
    "included: the licence approves half of former magnet exports for the whole horizon; "
    "the observed loss was a few plant-weeks (VALIDATION.md row)",
)
def test_us_vehicle_output_loss_was_a_few_plant_weeks(chain: Chain, april: Results) -> None:
    """Ford idled its Chicago Explorer plant for a week in May 2025 and 'shut down plants for
    three weeks' (Farley, Aspen, June 2025; fordauthority.com, Jul 2025): US EV traction-motor
    output lost in April-December 2025 under 5 % in the engine."""
    s, usa = chain.sectors.index("ev_traction_motor"), chain.regions.index("USA")
    got = april.run.end_use_output[APRIL:12, s, usa].sum()
    base = april.baseline.end_use_output[APRIL:12, s, usa].sum()
    assert 1 - got / base < 0.05
