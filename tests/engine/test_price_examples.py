"""Hand-worked examples of the price step (DESIGN.md §4, step 3) and of licensing.

Chain A of :mod:`tests.engine.test_examples` (per month: CHN makes 10 ox, uses 5, ships 5
to JPN; P₀ = 10 USD/kg, ε = −0.5, cap 10 × P₀) and chain L below (a joint separation).
Each example changes one parameter of the price step from the first rule (``STATIC``):
the partial adjustment λ, stocks and precaution, the wedge, co-product linkage; then the
licensing of an export restriction as announced.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from reechain.chain import Chain
from reechain.engine import prepare
from reechain.engine.market import load_market
from reechain.scenario import Scenario
from reechain.units import DAYS_PER_MONTH

from .chains import STATIC, make_chain, month
from .test_examples import CHN, FULL_CUT, JPN, OX, chain_a, close, run

CUT_40 = {
    "kind": "export_restriction",
    "exporter": "CHN",
    "commodities": ["ox"],
    "importers": ["JPN"],
    "start": month(1),
    "duration_months": 2,
    "severity": 0.4,
}


def test_the_price_moves_a_share_lambda_of_the_way_each_month() -> None:
    """λ = 0.5: the multiple is √(last × clearing). Month 1: clearing (3/5)^(1/−0.5) =
    1/0.36, multiple √(1/0.36) = 1.667; month 2: √(1.667/0.36) = 2.152; month 3 the
    restriction is over (5 t arrive for a target cut by last month's price: x = 1), so the
    multiple falls to √2.152, then √ of that, and so on."""
    r = run(chain_a(), [CUT_40], market=STATIC.replace(adjustment=0.5))
    m1 = math.sqrt(1 / 0.36)
    m2 = math.sqrt(m1 / 0.36)
    m3 = math.sqrt(m2)
    close(r.price[:, JPN, OX], [10, 10 * m1, 10 * m2, 10 * m3, 10 * m3**0.5, 10 * m3**0.25])
    # the sector answers last month's price: target 5 × m^−0.5
    close(r.end_use_target[1:4, 0, JPN], [5, 5 / math.sqrt(m1), 5 / math.sqrt(m2)])


def test_expected_cover_counts_stocks_and_precaution_raises_the_target() -> None:
    """JPN's users hold one month of use (target 5 t) and restore in one month. A licensing
    measure that withholds nothing (severity 0: exports capped at their former 5 t) is
    announced for month 1; precaution φ = 1 fading over M = 2 months. Month 1: JPN's target
    doubles to 10 and it requests 5 + (10 − 5) = 10, but receives its former 5 t. Expected
    cover (H = 1): (5 held + 5 arriving) ÷ (10 + 5) = 2/3, price 10 × (2/3)^−2 = 22.5; CHN
    keeps its 5 t: P₀. Month 2 the measure is over: target 5, stock 5, cover 1, P₀; the
    sector answered month 1's price (target 5 × 2.25^−0.5 = 10/3), so 5 − 10/3 t stay in
    stock and JPN destocks in month 3: request 5 + (5 − 20/3) = 10/3."""
    chain = chain_a(inventories=[("JPN", "ox", DAYS_PER_MONTH, 1.0)])
    announced = {**CUT_40, "duration_months": 1, "severity": 0.0}
    market = STATIC.replace(precaution=1.0, precaution_months=2.0)
    r = run(chain, [announced], market=market, months=4)
    close(r.requests[:, JPN, OX], [5, 10, 5, 10 / 3])
    close(r.deliveries[:, JPN, OX], [5, 5, 5, 10 / 3])
    close(r.price[:, JPN, OX], [10, 22.5, 10, 10])
    close(r.price[:, CHN, OX], [10] * 4)
    close(r.end_use_output[:, 0, JPN], [5, 5, 10 / 3, 5])
    prep = prepare(
        chain,
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 4, "events": [CUT_40]}
        ),
        market=market,
    )
    # the scare fades: 1 + φ e^(−k/M) in the k-th month of the window
    close(prep.target_scale[:, JPN, OX], [1, 2, 1 + math.exp(-0.5), 1])


def test_a_restricting_exporters_price_is_tied_to_the_worlds_by_the_wedge() -> None:
    """Nothing reaches JPN in months 1–2: JPN's price is the cap (100). CHN's users are
    served in full and its producers keep the withheld 5 t (cover above 1), yet CHN's price
    is θ × the world price (JPN's, the only user abroad): 0.25 × 100 = 25. After the cut
    both are at P₀."""
    r = run(chain_a(), [FULL_CUT], market=STATIC.replace(wedge=0.25), months=4)
    close(r.price[:, JPN, OX], [10, 100, 100, 10])
    close(r.price[:, CHN, OX], [10, 25, 25, 10])


def chain_l(one_product: bool = False) -> Chain:
    """Chain L (per month): CHN separates 10 ore into 5 a (P₀ 10) and 5 b (P₀ 30); it uses
    2.5 of each (sectors s1, s2) and ships 2.5 of each to JPN, which uses them likewise.

    ``one_product``: a single sector s1 takes 1 a and 1 b a unit instead; CHN and JPN each
    make 2.5 units a month."""
    sectors = ("s1",) if one_product else ("s1", "s2")
    return make_chain(
        regions=("CHN", "JPN"),
        stages=("mine", "refine", "use"),
        commodities={"ore": "mine", "a": "refine", "b": "refine"},
        sectors=sectors,
        recipes=[
            ("mining", "ore", "output", 1.0),
            ("sep", "ore", "input", 1.0),
            ("sep", "a", "output", 0.5),
            ("sep", "b", "output", 0.5),
        ],
        processes=[
            {
                "process": "CHN_mine",
                "region": "CHN",
                "stage": "mine",
                "recipe": "mining",
                "capacity_per_year": 120.0,
                "activity_per_year": 120.0,
            },
            {
                "process": "CHN_sep",
                "region": "CHN",
                "stage": "refine",
                "recipe": "sep",
                "capacity_per_year": 120.0,
                "activity_per_year": 120.0,
            },
        ],
        trade=[("a", "CHN", "JPN", 30.0), ("b", "CHN", "JPN", 30.0)],
        end_uses=[(s, r, 30.0) for r in ("CHN", "JPN") for s in sectors],
        intensities=(
            [("s1", "a", 1.0), ("s1", "b", 1.0)]
            if one_product
            else [("s1", "a", 1.0), ("s2", "b", 1.0)]
        ),
        prices={"ore": 2.0, "a": 10.0, "b": 30.0},
    )


def test_co_products_of_a_joint_separation_are_linked_to_their_basket() -> None:
    """The basket of sep is worth 0.5 × 10 + 0.5 × 30: weights 1/4 (a) and 3/4 (b). A 40 %
    cut of b to JPN in month 1: b clears at (1.5/2.5)^−2 = 1/0.36; a is not short, but with
    ω = 0.6 its multiple is at least 0.6 × (1/4 × 1 + 3/4 / 0.36) = 1.4."""
    chain = chain_l()
    a, b = chain.commodity_index("a"), chain.commodity_index("b")
    cut = {**CUT_40, "commodities": ["b"], "duration_months": 1}
    r = run(chain, [cut], market=STATIC.replace(coproduct_linkage=0.6), months=3)
    close(r.price[:, JPN, b], [30, 30 / 0.36, 30])
    close(r.price[:, JPN, a], [10, 10 * 0.6 * (0.25 + 0.75 / 0.36), 10])
    close(prepare(chain, None, months=1).coproduct_weights[a], [0, 0.25, 0.75])


def test_licensing_ships_the_approved_share_after_the_review() -> None:
    """Licences for ox to JPN from month 1: applications for 80 % of former exports, half
    approved, review 21 working days (one month): nothing in month 1, then 5 × 0.8 × 0.5
    = 2 t a month. A general licence for JPN exempts it."""
    lic = {
        **CUT_40,
        "duration_months": 3,
        "licensing": {"applications": 0.8, "approval_share": 0.5, "processing_working_days": 21},
    }
    del lic["severity"]
    close(run(chain_a(), [lic]).deliveries[:4, JPN, OX], [5, 0, 2, 2])
    exempt = {**lic, "licensing": {**lic["licensing"], "general_licences": ["JPN"]}}
    close(run(chain_a(), [exempt]).deliveries[:, JPN, OX], [5] * 6)


def test_licensing_left_unsaid_takes_the_calibrated_defaults() -> None:
    """A measure that states only that licences are needed: the market table's approval
    share and review time (45 working days: 2 1/7 months blocked)."""
    lic = {**CUT_40, "duration_months": 4, "licensing": {}}
    del lic["severity"]
    market = load_market()
    share = market.licence_approval_share
    blocked = market.licence_processing_working_days / 21
    r = run(chain_a(), [lic], months=6, market=market)
    close(r.deliveries[:4, JPN, OX], [5, 0, 0, 5 * share * (1 - (blocked - 2))])


@pytest.mark.parametrize(
    "extra",
    [{"severity": 0.4}, {"licensing_delay_working_days": 10}],
    ids=["with severity", "with the old delay"],
)
def test_licensing_is_the_measure_alone(extra: dict[str, float]) -> None:
    """Licensing replaces severity, quota and licensing_delay_working_days."""
    event = {**CUT_40, "licensing": {}, **extra}
    if "severity" not in extra:
        del event["severity"]
    with pytest.raises(ValidationError):
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 4, "events": [event]}
        )


def test_no_price_moves_in_the_baseline_run_with_the_bundled_parameters() -> None:
    """Stocks at target and full deliveries: expected cover is 1 and every price is P₀."""
    r = run(chain_a(inventories=[("JPN", "ox", 60.0, 3.0)]), market=load_market(), months=4)
    assert np.array_equal(r.price, np.broadcast_to(r.price[0], r.price.shape))
    close(r.price[0], [[2, 10], [2, 10]])


def chain_m() -> Chain:
    """Chain M (per month): CHN mines 15 ore and refines 5 each of La2O3, Nd2O3 and Dy2O3
    (1 ore → 1 oxide); each oxide has its own sector (1 t a unit), which uses 2.5 t in CHN
    and 2.5 t in JPN, all imported from CHN; P₀ = 10 USD/kg and ε = −0.5 for every oxide."""
    oxides = ("La2O3", "Nd2O3", "Dy2O3")
    return make_chain(
        regions=("CHN", "JPN"),
        stages=("mine", "refine", "use"),
        commodities={"ore": "mine", **dict.fromkeys(oxides, "refine")},
        sectors=tuple(f"s_{ox}" for ox in oxides),
        recipes=[("mining", "ore", "output", 1.0)]
        + [r for ox in oxides for r in ((ox, "ore", "input", 1.0), (ox, ox, "output", 1.0))],
        processes=[
            {
                "process": "CHN_mine",
                "region": "CHN",
                "stage": "mine",
                "recipe": "mining",
                "capacity_per_year": 180.0,
                "activity_per_year": 180.0,
            }
        ]
        + [
            {
                "process": f"CHN_{ox}",
                "region": "CHN",
                "stage": "refine",
                "recipe": ox,
                "capacity_per_year": 60.0,
                "activity_per_year": 60.0,
            }
            for ox in oxides
        ],
        trade=[(ox, "CHN", "JPN", 30.0) for ox in oxides],
        end_uses=[(f"s_{ox}", r, 30.0) for ox in oxides for r in ("CHN", "JPN")],
        intensities=[(f"s_{ox}", ox, 1.0) for ox in oxides],
        prices={"ore": 2.0},
    )


def test_nd_and_pr_have_their_own_elasticity_scale() -> None:
    """s = 1 for La, s_m = 2 for Nd and Pr, s_h = 0.5 for Dy. CHN withholds 40 % of each
    oxide's exports to JPN from month 1: 1.5 t of 2.5 arrive, no stocks, expected cover
    (H = 1) 1.5 ÷ 2.5 = 0.6 for each. The clearing multiple is 0.6^(1/(s·ε)) (λ = 1):
    La 0.6^(1/−0.5) = 2.778 (27.78 USD/kg), Nd 0.6^(1/(2 × −0.5)) = 1/0.6 = 1.667 (16.67),
    Dy 0.6^(1/(0.5 × −0.5)) = 0.6^−4 = 7.716 (77.16)."""
    cut = {**CUT_40, "commodities": ["La2O3", "Nd2O3", "Dy2O3"], "duration_months": 3}
    market = STATIC.replace(
        elasticity_scale=1.0, magnet_elasticity_scale=2.0, heavy_elasticity_scale=0.5
    )
    chain = chain_m()
    r = run(chain, [cut], market=market, months=2)
    la, nd, dy = (chain.commodities.index(n) for n in ("La2O3", "Nd2O3", "Dy2O3"))
    close(r.shipments[1, [la, nd, dy], CHN, JPN], [1.5, 1.5, 1.5])
    close(r.price[:, JPN, la], [10, 10 / 0.36])
    close(r.price[:, JPN, nd], [10, 10 / 0.6])
    close(r.price[:, JPN, dy], [10, 10 / 0.6**4])
    # one scale for every light rare earth (s_m = s) prices Nd as La
    same = run(chain, [cut], market=market.replace(magnet_elasticity_scale=1.0), months=2)
    close(same.price[1, JPN, nd], 10 / 0.36)


def test_a_user_who_asks_less_because_another_input_is_short_sees_no_scarcity() -> None:
    """China stops b to JPN in months 1-2 (H = 6 months). JPN's s1 cannot run without b,
    so the a it receives stays in its users' stock and from month 2 it asks for less a
    than its use requirement; every request is filled (fill rate 1), so a's expected cover
    is 1 and its price stays P₀, while b's, never delivered, is at the cap. (Read as a
    falling inflow, the smaller purchases would price a up: (2.5 + 6 × 0) ÷ (6 × 2.5).)"""
    chain = chain_l(one_product=True)
    a, b = chain.commodity_index("a"), chain.commodity_index("b")
    cut = {**FULL_CUT, "commodities": ["b"]}
    r = run(chain, [cut], market=STATIC.replace(cover_horizon_months=6.0), months=4)
    assert r.requests[2, JPN, a] < r.requirement[2, JPN, a]
    close(r.deliveries[1:3, JPN, a], r.requests[1:3, JPN, a])
    close(r.price[:, JPN, a], [10.0] * 4)
    close(r.price[1:3, JPN, b], [300.0, 300.0])
