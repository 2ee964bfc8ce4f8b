"""Hand-worked examples: each event and policy kind on a tiny chain, exact monthly numbers.

Chain A (per month; the dataset holds 12 × these per year): two regions, three stages.

    CHN_mine 9 ore ─┐                     ┌─► CHN users: s1, 5 units × 1 t ox
    JPN_mine 1 ore ─┴─► CHN_ref 10 ox ────┤
                       (1 ore → 1 ox)     └─► JPN users: s1, 5 units × 1 t ox (imported)

Ore sourcing of CHN: 9/10 domestic, 1/10 from JPN; ox sourcing of JPN: all from CHN.
Capacities equal baseline activity (utilisation 1 = maximum), no inventories unless a
test says so, P₀(ox) = 10 USD/kg, ε = −0.5. ``price_cap=1`` keeps prices at P₀ where the
price is not the point of the example. Month 0 is 2025-01.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from reechain.chain import Chain
from reechain.engine import prepare, run_reference, simulate
from reechain.engine.arrays import RunArrays
from reechain.engine.market import MarketParameters
from reechain.scenario import Scenario

from .chains import STATIC, make_chain, month

CHN, JPN = 0, 1
ORE, OX = 0, 1


def chain_a(price_cap: float = 10.0, defence: bool = False, **extra: Any) -> Chain:
    """Chain A of the module docstring (optionally JPN's use split 4 s1 + 1 defence)."""
    end_uses = [("s1", "CHN", 60.0), ("s1", "JPN", 48.0 if defence else 60.0)]
    if defence:
        end_uses.append(("defence", "JPN", 12.0))
    return make_chain(
        regions=("CHN", "JPN"),
        stages=("mine", "refine", "use"),
        commodities={"ore": "mine", "ox": "refine"},
        sectors=("s1", "defence"),
        recipes=[
            ("mining", "ore", "output", 1.0),
            ("refining", "ore", "input", 1.0),
            ("refining", "ox", "output", 1.0),
        ],
        processes=[
            {
                "process": "CHN_mine",
                "region": "CHN",
                "stage": "mine",
                "recipe": "mining",
                "capacity_per_year": 108.0,
                "activity_per_year": 108.0,
            },
            {
                "process": "JPN_mine",
                "region": "JPN",
                "stage": "mine",
                "recipe": "mining",
                "capacity_per_year": 12.0,
                "activity_per_year": 12.0,
            },
            {
                "process": "CHN_ref",
                "region": "CHN",
                "stage": "refine",
                "recipe": "refining",
                "capacity_per_year": 120.0,
                "activity_per_year": 120.0,
            },
        ],
        trade=[("ore", "JPN", "CHN", 12.0), ("ox", "CHN", "JPN", 60.0)],
        end_uses=end_uses,
        intensities=[("s1", "ox", 1.0), ("defence", "ox", 1.0)],
        prices={"ore": 2.0, "ox": 10.0},
        elasticity=-0.5,
        price_cap=price_cap,
        **extra,
    )


def run(
    chain: Chain,
    events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    policies: list[dict[str, Any]] = (),
    months: int = 6,  # type: ignore[assignment]
    market: MarketParameters = STATIC,
) -> RunArrays:
    scenario = Scenario.model_validate(
        {
            "name": "example",
            "dataset": "tiny",
            "horizon_months": months,
            "events": list(events),
            "policies": list(policies),
        }
    )
    return run_reference(prepare(chain, scenario, market=market))


def close(got: Any, want: Any) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-12, atol=1e-12)


def test_chain_a_baseline() -> None:
    """Month after month: 9 + 1 ore, 10 ox, 5 ox to JPN, 5 units made in each region."""
    r = run(chain_a())
    close(r.production[:, CHN, OX], [10] * 6)
    close(r.shipments[:, OX, CHN, JPN], [5] * 6)
    close(r.end_use_output[:, 0, :], [[5, 5]] * 6)


def test_export_restriction_severity_and_the_price_rule() -> None:
    """CHN withholds 40 % of ox exports to JPN in months 1–2.

    cap = 5 × 0.6 = 3 t/month, so JPN receives 5, 3, 3, then 5 again; the 2 t withheld
    stay in CHN's producer stock (0, 2, 4; afterwards CHN makes only what is requested, so
    the 4 t stay: nobody's request is unmet).
    Price in JPN: P = 10 × (3/5)^(1/−0.5) = 10/0.36 = 27.78 in months 1–2, P₀ otherwise.
    Make (target answers last month's price): month 1 target 5, output 3 (2 rationed);
    month 2 target 5 × (27.78/10)^−0.5 = 3 = output (2 priced out: output and target meet
    at the price the elasticity implies); month 3 target still 3 while 5 t arrive: 2 t go to
    the user inventory; month 4 the request is 5 + (0 − 2)/1 = 3, the inventory covers the
    rest, price P₀, output 5.
    """
    chain = chain_a()
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "importers": ["JPN"],
        "start": month(1),
        "duration_months": 2,
        "severity": 0.4,
    }
    r = run(chain, [event])
    close(r.deliveries[:, JPN, OX], [5, 3, 3, 5, 3, 5])
    close(r.shipments[:, OX, CHN, JPN], [5, 3, 3, 5, 3, 5])
    close(r.producer_stock[:, CHN, OX], [0, 2, 4, 4, 4, 4])
    close(r.price[:, JPN, OX], [10, 10 / 0.36, 10 / 0.36, 10, 10, 10])
    close(r.end_use_target[:, 0, JPN], [5, 5, 3, 3, 5, 5])
    close(r.end_use_output[:, 0, JPN], [5, 3, 3, 3, 5, 5])
    close(r.user_inventory[:, JPN, OX], [0, 0, 0, 2, 0, 0])
    close(r.end_use_output[:, 0, CHN], [5] * 6)
    res = simulate(
        chain,
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 6, "events": [event]}
        ),
        market=STATIC,
    )
    close(res.rationed_units[:, 0, JPN], [0, 2, 0, 0, 0, 0])
    close(res.priced_out_units[:, 0, JPN], [0, 0, 2, 2, 0, 0])
    close(res.value_lost_usd[:, 0, JPN], [0, 200, 200, 200, 0, 0])


def test_price_rule_clears_and_returns_to_p0() -> None:
    """Partial restriction (50 %) for 4 months: from the second month of the window output
    equals target at P = P₀ × 0.5^(1/ε) = 40, and the price is P₀ again after the window.
    """
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "start": month(1),
        "duration_months": 4,
        "severity": 0.5,
    }
    r = run(chain_a(), [event], months=8)
    implied = 10 * 0.5 ** (1 / -0.5)
    close(r.price[1:5, JPN, OX], [implied] * 4)
    close(r.end_use_output[2:5, 0, JPN], r.end_use_target[2:5, 0, JPN])
    close(r.end_use_target[2:5, 0, JPN], [2.5] * 3)
    close(r.price[5:, JPN, OX], [10] * 3)


def test_export_restriction_quota_and_licensing_delay() -> None:
    """Quota 36 t/year → cap 3 t/month; a 21-working-day licensing delay blocks month 1
    entirely (one month of 21 working days); 31.5 days would block month 2 by half.
    """
    base = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "start": month(1),
        "duration_months": 3,
    }
    r = run(
        chain_a(price_cap=1.0),
        [{**base, "quota_t_per_year": 36.0, "licensing_delay_working_days": 21}],
    )
    close(r.deliveries[:, JPN, OX], [5, 0, 3, 3, 5, 5])
    r = run(
        chain_a(price_cap=1.0), [{**base, "severity": 0.0, "licensing_delay_working_days": 31.5}]
    )
    close(r.deliveries[:, JPN, OX], [5, 0, 2.5, 5, 5, 5])


def test_export_restriction_by_end_use() -> None:
    """Licences refused for defence users: JPN's defence share of its ox use is 1/5, so with
    severity 1 the cap is 5 × (1 − 1/5) = 4 t/month; shared pro rata, s1 makes 3.2, defence 0.8.
    """
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "end_uses": ["defence"],
        "start": month(1),
        "duration_months": 1,
        "severity": 1.0,
    }
    r = run(chain_a(price_cap=1.0, defence=True), [event], months=3)
    close(r.deliveries[:, JPN, OX], [5, 4, 5])
    close(r.end_use_output[:, :, JPN], [[4, 1], [3.2, 0.8], [4, 1]])


def test_capacity_outage_with_linear_recovery() -> None:
    """CHN_ref loses half its capacity in month 1, recovering linearly over 2 months
    (availability 1, 0.5, 0.75, 1). Ox made: 10, 5, 7.5, 10. In short months CHN's output
    is shared pro rata between its own users and JPN (round 1): 2.5 each, then 3.75 each.
    """
    event = {
        "kind": "capacity_outage",
        "process": "CHN_ref",
        "fraction": 0.5,
        "start": month(1),
        "duration_months": 1,
        "recovery": {"curve": "linear", "months": 2},
    }
    r = run(chain_a(price_cap=1.0), [event], months=5)
    close(r.production[:, CHN, OX], [10, 5, 7.5, 10, 10])
    close(r.shipments[:, OX, CHN, CHN], [5, 2.5, 3.75, 5, 5])
    close(r.shipments[:, OX, CHN, JPN], [5, 2.5, 3.75, 5, 5])
    close(r.end_use_output[:, 0, :], [[5, 5], [2.5, 2.5], [3.75, 3.75], [5, 5], [5, 5]])


def test_logistics_delay() -> None:
    """A 1.5-month delay (365/12 × 1.5 days) on CHN → JPN from month 1: nothing arrives in
    month 1, half in month 2, all from month 3; CHN keeps the rest as producer stock.
    """
    event = {
        "kind": "logistics_delay",
        "exporters": ["CHN"],
        "importers": ["JPN"],
        "delay_days": 365 / 12 * 1.5,
        "start": month(1),
        "duration_months": 3,
    }
    r = run(chain_a(price_cap=1.0), [event], months=5)
    close(r.deliveries[:, JPN, OX], [5, 0, 2.5, 5, 5])
    close(r.producer_stock[:, CHN, OX], [0, 5, 7.5, 7.5, 7.5])


def test_demand_shock_against_a_binding_capacity() -> None:
    """JPN's s1 requirement +20 % (6) in months 1–2. CHN_ref would need 11 but can make 10:
    round 1 scales CHN's 11 of requests by 10/11 (CHN users 50/11, JPN 60/11). CHN loses
    5 − 50/11; JPN makes 60/11 > 5, so it loses nothing against the baseline run.
    """
    event = {
        "kind": "demand_shock",
        "sectors": ["s1"],
        "regions": ["JPN"],
        "change": 0.2,
        "start": month(1),
        "duration_months": 2,
    }
    chain = chain_a(price_cap=1.0)
    r = run(chain, [event], months=4)
    close(r.end_use_output[:, 0, CHN], [5, 50 / 11, 50 / 11, 5])
    close(r.end_use_output[:, 0, JPN], [5, 60 / 11, 60 / 11, 5])
    res = simulate(
        chain,
        Scenario.model_validate(
            {"name": "x", "dataset": "tiny", "horizon_months": 4, "events": [event]}
        ),
        market=STATIC,
    )
    close(res.lost_units[:, 0, :], [[0, 0], [5 / 11, 0], [5 / 11, 0], [0, 0]])


FULL_CUT = {
    "kind": "export_restriction",
    "exporter": "CHN",
    "commodities": ["ox"],
    "start": month(1),
    "duration_months": 2,
    "severity": 1.0,
}


def test_stockpile_release_on_shortfall_and_refill() -> None:
    """JPN holds 6 t; shortfall trigger 10 %, release ≤ 2/month, refill 1/month. CHN cuts
    all ox to JPN in months 1–2: shortfall 100 % → 2 t released each month (level 4, 2);
    from month 3 JPN is served again and buys 1 t/month from CHN's producer stock (10 t
    withheld) until full: levels 3, 4, 5, 6.
    """
    policy = {
        "kind": "stockpile",
        "holder": "JPN",
        "commodity": "ox",
        "size_t": 6.0,
        "trigger": {"shortfall_pct": 10},
        "max_release_t_per_month": 2.0,
        "refill_t_per_month": 1.0,
    }
    r = run(chain_a(price_cap=1.0), [FULL_CUT], [policy], months=7)
    close(r.stockpile_release[:, JPN, OX], [0, 2, 2, 0, 0, 0, 0])
    close(r.stockpile_level[:, 0], [6, 4, 2, 3, 4, 5, 6])
    close(r.purchases[:, OX, CHN, JPN], [0, 0, 0, 1, 1, 1, 1])
    close(r.end_use_output[:, 0, JPN], [5, 2, 2, 5, 5, 5, 5])
    close(r.producer_stock[:, CHN, OX], [0, 5, 10, 9, 8, 7, 6])


def test_stockpile_date_and_price_triggers() -> None:
    """Date trigger from month 2: it releases 2 t only in month 2, the one short month from
    then on. Price trigger k = 2: month 1 has nothing, so JPN's price hits the cap
    (10 × P₀ = 100); the trigger reads last month's price, so it releases 2 t in month 2,
    when P = 10 × (2/5)^(1/−0.5) = 62.5.
    """
    cut = {**FULL_CUT, "duration_months": 2}
    date = {
        "kind": "stockpile",
        "holder": "JPN",
        "commodity": "ox",
        "size_t": 6.0,
        "trigger": {"date": month(2)},
        "max_release_t_per_month": 2.0,
    }
    close(run(chain_a(price_cap=1.0), [cut], [date], 4).stockpile_release[:, JPN, OX], [0, 0, 2, 0])
    price = {**date, "trigger": {"price_multiple": 2.0}}
    r = run(chain_a(), [cut], [price], 4)
    close(r.price[:, JPN, OX], [10, 100, 10 * (2 / 5) ** -2, 10])
    close(r.stockpile_release[:, JPN, OX], [0, 0, 2, 0])


def test_new_capacity_with_ramp_up_and_offtake() -> None:
    """A new JPN mine of 12 t/year from month 1, ramping over 2 months (output 0.5, then 1),
    its ore taken by CHN: CHN's share from JPN rises by 0.5/10, then 1/10 (to 0.15, 0.2),
    so CHN asks JPN for 1.5, then 2; JPN splits that over its mines by effective capacity
    (1 : 0.5, then 1 : 1); CHN's own mine runs at 8.5, then 8.
    """
    policy = {
        "kind": "new_capacity",
        "region": "JPN",
        "stage": "mine",
        "capacity_per_year": 12.0,
        "start": month(1),
        "ramp_up_months": 2,
        "offtake": ["CHN"],
    }
    r = run(chain_a(price_cap=1.0), [], [policy], months=4)
    close(r.activity[:, 0], [9, 8.5, 8, 8])  # CHN_mine
    close(r.activity[:, 1], [1, 1, 1, 1])  # JPN_mine
    close(r.activity[:, 3], [0, 0.5, 1, 1])  # the new mine
    close(r.shipments[:, ORE, JPN, CHN], [1, 1.5, 2, 2])


def test_recycling() -> None:
    """JPN recycles 24 t/year of ox from month 1: 2 t/month of domestic supply; its share
    from CHN falls to 3/5, so CHN_ref runs at 8 and its ore comes 7.2 + 0.8.
    """
    policy = {
        "kind": "recycling",
        "region": "JPN",
        "commodity": "ox",
        "quantity_t_per_year": 24.0,
        "start": month(1),
    }
    r = run(chain_a(price_cap=1.0), [], [policy], months=3)
    close(r.extra_supply[:, JPN, OX], [0, 2, 2])
    close(r.shipments[:, OX, CHN, JPN], [5, 3, 3])
    close(r.activity[:, 2], [10, 8, 8])
    close(r.activity[:, 0], [9, 7.2, 7.2])
    close(r.end_use_output[:, 0, JPN], [5, 5, 5])


def test_substitution_after_its_lag() -> None:
    """JPN's s1 needs half the ox from month 1 + a 1-month lag: JPN asks CHN for 2.5 from
    month 2, CHN_ref runs at 7.5; JPN still makes 5 units.
    """
    policy = {
        "kind": "substitution",
        "sector": "s1",
        "commodity": "ox",
        "reduction": 0.5,
        "start": month(1),
        "lag_months": 1,
        "regions": ["JPN"],
    }
    r = run(chain_a(price_cap=1.0), [], [policy], months=4)
    close(r.shipments[:, OX, CHN, JPN], [5, 5, 2.5, 2.5])
    close(r.activity[:, 2], [10, 10, 7.5, 7.5])
    close(r.end_use_output[:, 0, JPN], [5, 5, 5, 5])


def chain_c() -> Chain:
    """Chain C (per month): AUS makes 6 ox (2 to CHN, 2 to JPN, 2 into its producer stock),
    CHN makes 8 (4 for itself, 4 to JPN); CHN and JPN each use 6 in s1.
    """
    return make_chain(
        regions=("AUS", "CHN", "JPN"),
        stages=("mine", "refine", "use"),
        commodities={"ore": "mine", "ox": "refine"},
        sectors=("s1",),
        recipes=[
            ("mining", "ore", "output", 1.0),
            ("refining", "ore", "input", 1.0),
            ("refining", "ox", "output", 1.0),
        ],
        processes=[
            {
                "process": f"{r}_{kind}",
                "region": r,
                "stage": stage,
                "recipe": recipe,
                "capacity_per_year": q,
                "activity_per_year": q,
            }
            for r, q in (("AUS", 72.0), ("CHN", 96.0))
            for kind, stage, recipe in (("mine", "mine", "mining"), ("ref", "refine", "refining"))
        ],
        trade=[("ox", "AUS", "CHN", 24.0), ("ox", "AUS", "JPN", 24.0), ("ox", "CHN", "JPN", 48.0)],
        end_uses=[("s1", "CHN", 72.0), ("s1", "JPN", 72.0)],
        intensities=[("s1", "ox", 1.0)],
        residuals=[("AUS", "ox", 24.0)],
        price_cap=1.0,
        groups={"quad": ("AUS", "JPN")},
    )


@pytest.mark.parametrize(("preference", "want"), [(False, [5, 5]), (True, [4, 6])])
def test_partner_preference_in_round_2(preference: bool, want: list[float]) -> None:
    """CHN_ref loses half its capacity in month 0: round 1 scales CHN's 8 of requests to 4
    (2 for itself, 2 for JPN); AUS ships its 2 + 2. Round 2: AUS's 2 t of producer stock go
    pro rata to the unmet 2 + 2 (1 each) — or, with partners AUS and JPN, to JPN first.
    """
    event = {
        "kind": "capacity_outage",
        "process": "CHN_ref",
        "fraction": 0.5,
        "start": month(0),
        "duration_months": 1,
    }
    policies = [{"kind": "partner_preference", "partners": "quad"}] if preference else []
    r = run(chain_c(), [event], policies, months=1)
    close(r.deliveries[0, 1:, OX], want)
    close(r.end_use_output[0, 0, 1:], want)


def test_sector_priority() -> None:
    """JPN gets 3 of its 5 t (60 % cut): pro rata, s1 makes 2.4 and defence 0.6; with defence
    first, defence makes 1 and s1 the remaining 2.
    """
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "start": month(0),
        "duration_months": 1,
        "severity": 0.4,
    }
    chain = chain_a(price_cap=1.0, defence=True)
    close(run(chain, [event], [], 1).end_use_output[0, :, JPN], [2.4, 0.6])
    priority = {"kind": "sector_priority", "sectors": ["defence"], "regions": ["JPN"]}
    close(run(chain, [event], [priority], 1).end_use_output[0, :, JPN], [2, 1])


def test_price_floor_keeps_covered_producers_at_baseline() -> None:
    """CHN's s1 requirement halves in months 1–2; a 20 USD/kg ox floor for CHN producers,
    paid by JPN, keeps CHN_ref at 10 t (2.5 t/month more than requested go to its producer
    stock) and costs JPN (20 − 10) × 1000 kg × 10 t = 100,000 USD a month.
    """
    shock = {
        "kind": "demand_shock",
        "sectors": ["s1"],
        "regions": ["CHN"],
        "change": -0.5,
        "start": month(1),
        "duration_months": 2,
    }
    floor = {
        "kind": "price_floor",
        "commodity": "ox",
        "floor_usd_per_kg": 20.0,
        "producers": ["CHN"],
        "payer": "JPN",
        "start": month(1),
        "duration_months": 2,
    }
    r = run(chain_a(), [shock], [floor], months=4)
    close(r.activity[:, 2], [10, 10, 10, 10])
    close(r.producer_stock[:, CHN, OX], [0, 2.5, 5, 5])
    close(r.floor_payment_usd[:, JPN], [0, 100_000, 100_000, 0])
    without = run(chain_a(), [shock], [], months=4)
    close(without.activity[:, 2], [10, 7.5, 7.5, 10])


def chain_r() -> Chain:
    """Chain R (per month): CHN refines 10 ox (8 for its s2, 2 to JPN); JPN makes 4 magnets
    from 2 ox (0.5 ox per magnet) and ships them to USA, whose s1 uses them.
    """
    return make_chain(
        regions=("CHN", "JPN", "USA"),
        stages=("refine", "make", "use"),
        commodities={"ox": "refine", "mag": "make"},
        sectors=("s1", "s2"),
        recipes=[
            ("refining", "ox", "output", 1.0),
            ("making", "ox", "input", 0.5),
            ("making", "mag", "output", 1.0),
        ],
        processes=[
            {
                "process": "CHN_ref",
                "region": "CHN",
                "stage": "refine",
                "recipe": "refining",
                "capacity_per_year": 120.0,
                "activity_per_year": 120.0,
            },
            {
                "process": "JPN_make",
                "region": "JPN",
                "stage": "make",
                "recipe": "making",
                "capacity_per_year": 48.0,
                "activity_per_year": 48.0,
            },
        ],
        trade=[("ox", "CHN", "JPN", 24.0), ("mag", "JPN", "USA", 48.0)],
        end_uses=[("s1", "USA", 48.0), ("s2", "CHN", 96.0)],
        intensities=[("s1", "mag", 1.0), ("s2", "ox", 1.0)],
        price_cap=1.0,
    )


@pytest.mark.parametrize(("threshold", "want"), [(0.001, [4, 0, 4]), (0.6, [4, 4, 4])])
def test_export_restriction_reexport_rule(threshold: float, want: list[float]) -> None:
    """CHN bans ox exports to USA in month 1 with a re-export rule on magnets. A JPN magnet
    holds 0.5 t of CHN-origin ox (0.5 t ox per magnet, all JPN's ox from CHN): at a 0.1 %
    threshold JPN's magnet exports to USA are cut like CHN's own (severity 1); at 60 % not.
    """
    from reechain.engine.sourcing import origin_content

    chain = chain_r()
    restricted = np.array([True, False])
    share = prepare(chain, months=1).sourcing_share[0]
    close(origin_content(chain, share, 0, restricted)[1], [0, 0.5])
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["ox"],
        "importers": ["USA"],
        "reexport": {"commodities": ["mag"], "threshold": threshold},
        "start": month(1),
        "duration_months": 1,
        "severity": 1.0,
    }
    r = run(chain, [event], months=3)
    close(r.deliveries[:, 2, 1], want)
    close(r.end_use_output[:, 0, 2], want)


def test_a_demand_path_feeds_both_runs() -> None:
    """A demand path of 1, 1, 1.1, 1.1 (from the demand module) raises N to 5.5 in each
    region; CHN_ref can make 10 of the 11 t wanted, so each region gets 5 and makes 5 in
    both the scenario and its baseline run: nothing is lost against the baseline run.
    """
    path = np.array([1.0, 1.0, 1.1, 1.1])
    res = simulate(chain_a(price_cap=1.0), None, months=4, demand_path=path, market=STATIC)
    close(res.run.end_use_requirement[:, 0, JPN], [5, 5, 5.5, 5.5])
    close(res.run.end_use_output[:, 0, JPN], [5, 5, 5, 5])
    assert res.lost_units.max() == 0
    prep = prepare(chain_a(), months=4, demand_path=path)
    close(prep.end_use_requirement[:, 0, CHN], [5, 5, 5.5, 5.5])


def test_stockpile_sized_in_days_of_use() -> None:
    """36.5 days of JPN's 60 t/year of ox is 6 t: the same levels as the tonnes example."""
    policy = {
        "kind": "stockpile",
        "holder": "JPN",
        "commodity": "ox",
        "size_days": 36.5,
        "trigger": {"shortfall_pct": 10},
        "max_release_t_per_month": 2.0,
    }
    r = run(chain_a(price_cap=1.0), [FULL_CUT], [policy], months=4)
    close(r.stockpile_level[:, 0], [6, 4, 2, 2])
