"""Hand-worked examples of adjustment with lags (issue 19, item 3), on tiny chains, exact
monthly numbers, each checked on the reference engine and the compiled kernel alike.

Chain Q (per month): CHN makes 10 ox (5 for itself, 5 to JPN); AUS makes 2 ox that nobody
buys (they go to its producer stock). JPN has never bought from AUS: AUS is not one of
JPN's qualified suppliers.

    AUS_ref 2 ox ──► AUS producer stock         CHN_ref 10 ox ──┬─► CHN users: s1, 5 units
                                                                └─► JPN users: s1, 5 units
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from reechain.chain import Chain
from reechain.engine import headline_kpis, prepare, run_reference, simulate
from reechain.engine.batch import stack_prepared
from reechain.engine.components import load_components
from reechain.engine.kpis import job_months, peak_jobs
from reechain.engine.lags import load_lags, qualification_months
from reechain.engine.prepare import Prepared
from reechain.engine.priority import default_ranks
from reechain.engine.switching import SWITCHING_PATH, load_switches
from reechain.engine.value_added import ValueAddedRatio, ratios_for
from reechain.engine.vectorized import run_vectorized
from reechain.errors import DatasetError
from reechain.scenario import Scenario
from reechain.units import DAYS_PER_MONTH

from .chains import make_chain, month
from .test_examples import chain_a

AUS, CHN, JPN = 0, 1, 2
ORE, OX = 0, 1


def chain_q() -> Chain:
    """Chain Q of the module docstring."""
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
            for r, q in (("AUS", 24.0), ("CHN", 120.0))
            for kind, stage, recipe in (("mine", "mine", "mining"), ("ref", "refine", "refining"))
        ],
        trade=[("ox", "CHN", "JPN", 60.0)],
        end_uses=[("s1", "CHN", 60.0), ("s1", "JPN", 60.0)],
        intensities=[("s1", "ox", 1.0)],
        residuals=[("AUS", "ox", 24.0)],
        price_cap=1.0,
    )


CHN_STOPS_OX_TO_JPN = {
    "kind": "export_restriction",
    "exporter": "CHN",
    "importers": ["JPN"],
    "commodities": ["ox"],
    "start": month(0),
    "duration_months": 6,
    "severity": 1.0,
}


def prepared(
    chain: Chain,
    events: list[dict[str, Any]],
    months: int,
    policies: tuple[dict[str, Any], ...] = (),
    **change: Any,
) -> Prepared:
    scenario = Scenario.model_validate(
        {
            "name": "example",
            "dataset": "tiny",
            "horizon_months": months,
            "events": events,
            "policies": list(policies),
        }
    )
    return dataclasses.replace(prepare(chain, scenario), **change)


def both_engines(prep: Prepared, field: str) -> np.ndarray:
    """The run's ``field`` from the reference engine, checked equal on the kernel."""
    want = getattr(run_reference(prep), field)
    got = run_vectorized(stack_prepared([prep])).scenario(0)
    np.testing.assert_allclose(getattr(got, field), want, rtol=1e-12, atol=1e-12)
    return np.asarray(want)


def close(got: Any, want: Any) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("lag", "want"),
    [
        (0.0, [2, 2, 2, 2, 2, 2]),  # AUS serves JPN at once: its 2 t a month
        (3.0, [0, 0, 0, 5, 5, 2]),  # 3 months to qualify AUS; its 6 t of stock then help
        (2.5, [0, 0, 0, 5, 5, 2]),  # a part month counts as a whole: qualified in month 3
    ],
)
def test_a_new_supplier_serves_only_after_the_qualification_lag(
    lag: float, want: list[float]
) -> None:
    """CHN stops all ox to JPN in months 0–5. JPN's clock starts in month 0 (its first
    shortfall after round 1). Until the lag has passed, round 2 may not ship from AUS to JPN,
    so AUS's 2 t a month pile up in its producer stock (2, 4, 6); from month 3 AUS offers
    output and stock: 2 + 6 = 8 t, of which JPN takes its 5, then 2 + 3 = 5, then 2.
    """
    prep = prepared(chain_q(), [CHN_STOPS_OX_TO_JPN], 6, qualification_months=np.array([0, lag]))
    close(both_engines(prep, "deliveries")[:, JPN, OX], want)
    close(both_engines(prep, "end_use_output")[:, 0, JPN], want)


def test_a_current_supplier_is_never_held_back() -> None:
    """Without a restriction CHN serves JPN in round 1 every month, whatever the lag: JPN's
    clock never starts and nothing changes against the baseline."""
    prep = prepared(chain_q(), [], 4, qualification_months=np.array([12.0, 12.0]))
    close(both_engines(prep, "deliveries")[:, JPN, OX], [5, 5, 5, 5])
    close(both_engines(prep, "producer_stock")[:, AUS, OX], [2, 4, 6, 8])


def test_bundled_lags_are_sourced_and_read_by_stage() -> None:
    """The bundled table gives each default stage a lag with its source; a chain's
    commodities take their stage's lag (0 where the table has no row for the stage)."""
    lags = {row.stage: row for row in load_lags()}
    assert set(lags) == {"mine", "separate", "metal", "magnet"}
    assert (lags["magnet"].lower, lags["magnet"].upper) == (4, 7)
    assert all(row.source and row.method for row in lags.values())
    close(qualification_months(chain_q()), [lags["mine"].months, 0.0])


def test_a_bad_lag_row_names_file_line_and_column(tmp_path: Any) -> None:
    bad = tmp_path / "lags.csv"
    bad.write_text(
        "stage,months,lower,upper,confidence,method,source,note\n"
        "magnet,9,4,7,medium,midpoint,someone,\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match=r"lags\.csv.*line 2"):
        load_lags(bad)


def chain_us_defence() -> Chain:
    """Chain A of ``test_examples`` with the importer in the United States: CHN makes 10 ox
    a month (5 for its s1, 5 to the USA); the USA uses 4 in s1 and 1 in defence_systems."""
    return make_chain(
        regions=("CHN", "USA"),
        stages=("mine", "refine", "use"),
        commodities={"ore": "mine", "ox": "refine"},
        sectors=("s1", "defence_systems"),
        recipes=[
            ("mining", "ore", "output", 1.0),
            ("refining", "ore", "input", 1.0),
            ("refining", "ox", "output", 1.0),
        ],
        processes=[
            {
                "process": f"CHN_{kind}",
                "region": "CHN",
                "stage": stage,
                "recipe": recipe,
                "capacity_per_year": 120.0,
                "activity_per_year": 120.0,
            }
            for kind, stage, recipe in (("mine", "mine", "mining"), ("ref", "refine", "refining"))
        ],
        trade=[("ox", "CHN", "USA", 60.0)],
        end_uses=[("s1", "CHN", 60.0), ("s1", "USA", 48.0), ("defence_systems", "USA", 12.0)],
        intensities=[("s1", "ox", 1.0), ("defence_systems", "ox", 1.0)],
        price_cap=1.0,
    )


NO_COMPONENTS = np.zeros(2)
"""No built components (defence_systems holds 90 days by default): the rule alone."""

CHN_CUTS_OX_40_PCT = {
    "kind": "export_restriction",
    "exporter": "CHN",
    "commodities": ["ox"],
    "start": month(0),
    "duration_months": 1,
    "severity": 0.4,
}


def test_rated_defence_orders_are_served_first_in_the_united_states() -> None:
    """The USA gets 3 of its 5 t. Under the default rule (DPAS rated orders first) defence
    makes its full 1 unit and s1 the remaining 2. A sector_priority policy for the USA
    replaces the rule: with s1 first, s1 makes 3 and defence nothing."""
    chain = chain_us_defence()
    usa = chain.regions.index("USA")
    close(default_ranks(chain)[usa], [1, 0])
    prep = prepared(chain, [CHN_CUTS_OX_40_PCT], 1, component_days=NO_COMPONENTS)
    close(both_engines(prep, "end_use_output")[0, :, usa], [2, 1])
    s1_first = ({"kind": "sector_priority", "sectors": ["s1"], "regions": ["USA"]},)
    prep = prepared(chain, [CHN_CUTS_OX_40_PCT], 1, s1_first, component_days=NO_COMPONENTS)
    close(both_engines(prep, "end_use_output")[0, :, usa], [3, 0])


def test_without_a_rule_sectors_share_pro_rata() -> None:
    """No rule for the region (an empty rule table): 3 t shared 4 : 1, s1 2.4, defence 0.6."""
    chain = chain_us_defence()
    usa = chain.regions.index("USA")
    prep = prepared(
        chain,
        [CHN_CUTS_OX_40_PCT],
        1,
        sector_rank=default_ranks(chain, ()),
        component_days=NO_COMPONENTS,
    )
    close(both_engines(prep, "end_use_output")[0, :, usa], [2.4, 0.6])


def test_value_added_ratio_takes_the_most_specific_row() -> None:
    """(sector, region) before (sector, *) before (*, region) before (*, *); no row: 1."""
    rows = tuple(
        ValueAddedRatio(
            sector=s, region=r, ratio=x, confidence="high", method="given", source="test"
        )
        for s, r, x in (("a", "USA", 0.5), ("a", "*", 0.2), ("*", "JPN", 0.3), ("*", "*", 0.4))
    )
    close(ratios_for(("a", "b"), ("USA", "JPN", "CHN"), rows), [[0.5, 0.2, 0.2], [0.4, 0.3, 0.4]])
    close(ratios_for(("a",), ("CHN",), rows[:1]), [[1.0]])


def test_job_months_and_the_peak_of_a_group_are_not_sums_of_peaks() -> None:
    """Two sectors idle 10 jobs each, one in month 0 and one in month 1: 20 job-months, and
    at most 10 jobs idle at once (a sum of each sector's peak would say 20)."""
    jobs = np.array([[[10.0], [0.0]], [[0.0], [10.0]]])  # (T, S, R)
    close(job_months(jobs).sum(), 20)
    close(peak_jobs(jobs, (1, 2)), 10)
    close(jobs.max(axis=0).sum(), 20)


HI, GBD = "NdFeB_sintered_highdy", "NdFeB_sintered_gbd"


def chain_g() -> Chain:
    """Chain G (per month): JPN makes 10 units of s1, each of 0.5 t of high-Dy magnet and
    0.5 t of GBD magnet, in its own magnet plants (10 t capacity each, run at half).
    High-Dy magnet takes 0.05 t of Dy a tonne, GBD 0.01 t: JPN
    imports 5 × 0.05 + 5 × 0.01 = 0.3 t of Dy from CHN."""
    return make_chain(
        regions=("CHN", "JPN"),
        stages=("metal", "magnet", "use"),
        commodities={"Dy_metal": "metal", HI: "magnet", GBD: "magnet"},
        sectors=("s1",),
        recipes=[
            ("dy", "Dy_metal", "output", 1.0),
            ("hi", "Dy_metal", "input", 0.05),
            ("hi", HI, "output", 1.0),
            ("gbd", "Dy_metal", "input", 0.01),
            ("gbd", GBD, "output", 1.0),
        ],
        processes=[
            {
                "process": name,
                "region": region,
                "stage": stage,
                "recipe": recipe,
                "capacity_per_year": capacity,
                "activity_per_year": activity,
            }
            for name, region, stage, recipe, capacity, activity in (
                ("CHN_dy", "CHN", "metal", "dy", 3.6, 3.6),
                ("JPN_hi", "JPN", "magnet", "hi", 120.0, 60.0),
                ("JPN_gbd", "JPN", "magnet", "gbd", 120.0, 60.0),
            )
        ],
        trade=[("Dy_metal", "CHN", "JPN", 3.6)],
        end_uses=[("s1", "JPN", 120.0)],
        intensities=[("s1", HI, 0.5), ("s1", GBD, 0.5)],
        price_cap=1.0,
    )


def test_grade_switching_after_its_lag_with_its_cost() -> None:
    """CHN withholds 60 % of Dy from JPN from month 0: JPN gets 0.12 of its 0.3 t (40 %),
    both plants run at 40 % (2 t each) and s1 makes 4 units. The bundled rule moves half of
    the high-Dy use to GBD 9 months after the announcement: from month 9 a unit takes 0.25 t
    high-Dy and 0.75 t GBD, needing 0.2 t of Dy for 10 units; 0.12 t is 60 %, so the plants
    make 1.5 t and 4.5 t: 6 units. The switch costs 0.25 t × 1,000 kg × 5 USD/kg = 1,250 USD
    a unit made: 7,500 USD a month. Thrifting (24 months) is past the horizon."""
    chain = chain_g()
    jpn, s1 = chain.regions.index("JPN"), 0
    hi, gbd = chain.commodity_index(HI), chain.commodity_index(GBD)
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["Dy_metal"],
        "start": month(0),
        "duration_months": 12,
        "severity": 0.6,
    }
    prep = prepared(chain, [event], 12)
    close(prep.intensity[:, jpn, s1, hi], [0.5] * 9 + [0.25] * 3)
    close(prep.intensity[:, jpn, s1, gbd], [0.5] * 9 + [0.75] * 3)
    close(prep.intensity[:, chain.regions.index("CHN"), s1, hi], [0.5] * 12)  # the exporter
    close(both_engines(prep, "end_use_output")[:, s1, jpn], [4] * 9 + [6] * 3)
    scenario = Scenario.model_validate(
        {"name": "dy", "dataset": "tiny", "horizon_months": 12, "events": [event]}
    )
    res = simulate(chain, scenario)
    close(res.adjustment_cost_usd[:, s1, jpn], [0] * 9 + [7500] * 3)
    assert headline_kpis(res)["adjustment_cost_usd"] == pytest.approx(22_500)


def test_no_switch_without_a_restriction_upstream() -> None:
    """A restriction on another commodity (here the GBD magnet itself, which nobody trades)
    is not upstream of the high-Dy grade: its intensity stays."""
    chain = chain_g()
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": [GBD],
        "start": month(0),
        "duration_months": 12,
        "severity": 1.0,
    }
    prep = prepared(chain, [event], 12)
    close(prep.intensity[:, 1, 0, chain.commodity_index(HI)], [0.5] * 12)
    close(prep.adjustment_cost_usd_per_unit, 0.0)


def test_no_switch_to_a_grade_the_scenario_also_restricts() -> None:
    """CHN restricts Dy and the GBD grade itself (as the April 2025 measures did): moving
    use onto GBD would only move it onto another restricted grade, so nobody switches."""
    chain = chain_g()
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "commodities": ["Dy_metal", GBD],
        "start": month(0),
        "duration_months": 12,
        "severity": 0.6,
    }
    prep = prepared(chain, [event], 12)
    close(prep.intensity[:, 1, 0, chain.commodity_index(HI)], [0.5] * 12)
    close(prep.adjustment_cost_usd_per_unit, 0.0)


def test_switching_rules_on_one_grade_add_up_to_at_most_one(tmp_path: Any) -> None:
    bad = tmp_path / "switching.csv"
    header = SWITCHING_PATH.read_text(encoding="utf-8").splitlines()[0]
    row = f"{HI},{GBD},0.7,,,6,,,5,,,high,given,test,"
    bad.write_text(f"{header}\n{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="at most 1 per grade"):
        load_switches(bad)


def test_built_components_carry_output_through_a_cut_and_are_rebuilt() -> None:
    """Chain A of ``test_examples``; s1 holds one month of output in built components (5
    units in each region) and rebuilds them over 2 months. CHN stops ox to JPN in months
    1–2. Month 1: JPN gets nothing and makes its 5 units from components (now 0). Month 2:
    nothing left, nothing made; JPN asks for no restoration after a short month. Month 3:
    supply is back, 5 t for 5 units. Month 4: JPN asks for 5 + (5 − 0)/2 = 7.5 t, CHN ships
    it from output and the 10 t it withheld; 5 units made, 2.5 restocked. Month 5: 5 + 1.25
    asked, restocked to 3.75."""
    event = {
        "kind": "export_restriction",
        "exporter": "CHN",
        "importers": ["JPN"],
        "commodities": ["ox"],
        "start": month(1),
        "duration_months": 2,
        "severity": 1.0,
    }
    chain = chain_a(price_cap=1.0)
    one_month = np.array([DAYS_PER_MONTH, 0.0])
    months = np.array([2.0, 1.0])
    prep = prepared(
        chain, [event], 6, component_days=one_month, component_restoration_months=months
    )
    close(both_engines(prep, "end_use_output")[:, 0, 1], [5, 5, 0, 5, 5, 5])
    close(both_engines(prep, "deliveries")[:, 1, 1], [5, 0, 0, 5, 7.5, 6.25])
    bare = prepared(chain, [event], 6, component_days=np.zeros(2))
    close(both_engines(bare, "end_use_output")[:, 0, 1], [5, 0, 0, 5, 5, 5])


def test_bundled_component_stocks_are_sourced_and_only_for_magnet_users() -> None:
    rows = {r.sector: r for r in load_components()}
    assert "catalysts" not in rows
    assert rows["ev_traction_motor"].days < rows["defence_systems"].days
    assert all(r.source and r.method for r in rows.values())
