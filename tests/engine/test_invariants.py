"""DESIGN.md section 4 invariants, each a property test on random small chains and scenarios.

Tolerance 1e-9 relative throughout.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reechain.chain import Chain
from reechain.engine import prepare, run_reference
from reechain.engine.arrays import RunArrays
from reechain.engine.market import load_market
from reechain.scenario import Scenario

from .chains import month, random_chains

RTOL = 1e-9
T = 12


@st.composite
def events(draw: st.DrawFn, chain: Chain) -> list[dict[str, Any]]:
    regions, commodities = list(chain.regions), list(chain.commodities)
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(
            st.sampled_from(
                ["export_restriction", "capacity_outage", "logistics_delay", "demand_shock"]
            )
        )
        start, duration = month(draw(st.integers(0, T - 1))), draw(st.integers(1, 8))
        if kind == "export_restriction":
            e: dict[str, Any] = {
                "exporter": draw(st.sampled_from(regions)),
                "commodities": draw(
                    st.lists(st.sampled_from(commodities), min_size=1, max_size=2, unique=True)
                ),
                "importers": draw(st.sampled_from(["all", {"outside": "partners"}])),
                "licensing_delay_working_days": draw(st.sampled_from([0, 10, 45])),
            }
            if draw(st.booleans()):
                e["severity"] = draw(st.floats(0, 1))
            else:
                e["quota_t_per_year"] = draw(st.floats(0, 50))
            if draw(st.booleans()):
                e["end_uses"] = ["s1"]
            if draw(st.booleans()):
                e["reexport"] = {"commodities": ["prod"], "threshold": 0.01}
        elif kind == "capacity_outage":
            p = draw(st.integers(0, len(chain.processes) - 1))
            e = {
                "process": chain.processes[p],
                "fraction": draw(st.floats(0, 1)),
                "recovery": {
                    "curve": draw(st.sampled_from(["step", "linear"])),
                    "months": draw(st.integers(0, 3)),
                },
            }
        elif kind == "logistics_delay":
            e = {
                "delay_days": draw(st.floats(1, 90)),
                "exporters": [draw(st.sampled_from(regions))],
            }
        else:
            e = {
                "change": draw(st.floats(-0.5, 0.5)),
                "sectors": [draw(st.sampled_from(["s1", "s2"]))],
            }
        out.append({"kind": kind, "start": start, "duration_months": duration, **e})
    return out


@st.composite
def policies(draw: st.DrawFn, chain: Chain) -> list[dict[str, Any]]:
    regions, commodities = list(chain.regions), list(chain.commodities)
    out: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(
            st.sampled_from(
                [
                    "stockpile",
                    "new_capacity",
                    "recycling",
                    "substitution",
                    "partner_preference",
                    "price_floor",
                    "sector_priority",
                ]
            )
        )
        start = month(draw(st.integers(0, T - 1)))
        if kind == "stockpile":
            trigger = draw(
                st.sampled_from([{"date": start}, {"shortfall_pct": 5.0}, {"price_multiple": 1.5}])
            )
            p: dict[str, Any] = {
                "holder": draw(st.sampled_from(regions)),
                "commodity": draw(st.sampled_from(commodities)),
                "size_t": draw(st.floats(0, 20)),
                "trigger": trigger,
                "max_release_t_per_month": draw(st.floats(0.1, 5)),
                "refill_t_per_month": draw(st.sampled_from([0.0, 0.5])),
            }
        elif kind == "new_capacity":
            p = {
                "region": draw(st.sampled_from(regions)),
                "stage": draw(st.sampled_from(["mine", "refine", "make"])),
                "capacity_per_year": draw(st.floats(1, 50)),
                "start": start,
                "ramp_up_months": draw(st.integers(0, 4)),
            }
        elif kind == "recycling":
            p = {
                "region": draw(st.sampled_from(regions)),
                "commodity": "oxA",
                "quantity_t_per_year": draw(st.floats(0.5, 10)),
                "start": start,
            }
        elif kind == "substitution":
            p = {
                "sector": "s1",
                "commodity": "prod",
                "reduction": draw(st.floats(0, 0.5)),
                "start": start,
                "lag_months": draw(st.integers(0, 3)),
            }
        elif kind == "partner_preference":
            p = {"partners": "partners"}
        elif kind == "price_floor":
            p = {
                "commodity": "oxA",
                "floor_usd_per_kg": 40.0,
                "producers": [regions[0]],
                "payer": regions[-1],
                "start": start,
            }
        else:
            p = {"sectors": [draw(st.sampled_from(["s1", "s2"]))]}
        out.append({"kind": kind, **p})
    return out


@st.composite
def chains_and_scenarios(draw: st.DrawFn) -> tuple[Chain, Scenario]:
    chain = draw(random_chains())
    scenario = Scenario.model_validate(
        {
            "name": "random",
            "dataset": "tiny",
            "horizon_months": T,
            "events": draw(events(chain)),
            "policies": draw(policies(chain)),
        }
    )
    return chain, scenario


def _run(chain: Chain, scenario: Scenario | None) -> tuple[Any, RunArrays]:
    prep = prepare(chain, scenario, months=T)
    return prep, run_reference(prep)


def _scale(*arrays: np.ndarray) -> float:
    return max(1.0, *(float(np.abs(a[np.isfinite(a)]).max(initial=0.0)) for a in arrays))


@given(chains_and_scenarios())
def test_mass_balance_per_region_commodity_and_month(case: tuple[Chain, Scenario]) -> None:
    """Mass balance per (region, commodity, month)."""
    chain, scenario = case
    prep, run = _run(chain, scenario)
    stockpile = np.zeros((T + 1, len(chain.regions), len(chain.commodities)))
    for k, (r, c) in enumerate(zip(prep.stockpile_holder, prep.stockpile_commodity, strict=True)):
        stockpile[0, r, c] += prep.stockpile_initial[k]
        stockpile[1:, r, c] += run.stockpile_level[:, k]
    user = np.concatenate([run.initial_user_inventory[None], run.user_inventory])
    producer = np.concatenate([np.zeros_like(run.producer_stock[:1]), run.producer_stock])
    inflow = (
        run.production
        + run.extra_supply
        + run.shipments.sum(axis=2).transpose(0, 2, 1)
        + run.purchases.sum(axis=2).transpose(0, 2, 1)
    )
    outflow = (
        run.shipments.sum(axis=3).transpose(0, 2, 1)
        + run.purchases.sum(axis=3).transpose(0, 2, 1)
        + run.consumption
    )
    change = np.diff(user, axis=0) + np.diff(producer, axis=0) + np.diff(stockpile, axis=0)
    scale = _scale(inflow, outflow, user, producer, stockpile)
    np.testing.assert_allclose(inflow - outflow, change, rtol=0, atol=RTOL * scale)


@given(chains_and_scenarios())
def test_a_user_whose_requests_are_filled_sees_no_price_rise(
    case: tuple[Chain, Scenario],
) -> None:
    """The price step's fill-rate rule (VALIDATION.md [n342]): in a month a region's users
    got all they asked for of a commodity (deliveries + stockpile releases ≥ requests), its
    price there does not rise above last month's. Co-product linkage and the wedge, which
    tie a price to other prices, are off here: they may still lift it."""
    chain, scenario = case
    market = load_market().replace(coproduct_linkage=0.0, wedge=0.0)
    run = run_reference(prepare(chain, scenario, months=T, market=market))
    filled = run.deliveries + run.stockpile_release >= run.requests * (1 - 1e-12)
    p0 = np.broadcast_to(np.asarray(chain.price_usd_per_kg), run.price.shape[1:])
    before = np.concatenate([p0[None], run.price[:-1]])
    rise = run.price > before * (1 + RTOL)
    assert not (filled & rise).any()


@given(chains_and_scenarios())
def test_nothing_negative(case: tuple[Chain, Scenario]) -> None:
    """Nothing negative: flows, stocks, activity, output and prices."""
    chain, scenario = case
    _, run = _run(chain, scenario)
    for name, value in vars(run).items():
        arr = np.asarray(value)
        assert (arr >= -RTOL * _scale(arr)).all(), name


@given(chains_and_scenarios())
def test_no_shipment_above_its_cap(case: tuple[Chain, Scenario]) -> None:
    """No shipment above its cap (deliveries and stockpile purchases together)."""
    chain, scenario = case
    prep, run = _run(chain, scenario)
    sent = run.shipments + run.purchases
    limit = np.where(np.isfinite(prep.link_cap), prep.link_cap, np.inf)
    assert (sent <= limit * (1 + RTOL) + RTOL * _scale(sent)).all()


@given(random_chains())
def test_flat_baseline_run_reproduces_baseline_flows_every_month(chain: Chain) -> None:
    """On a flat demand path the baseline run reproduces the baseline flows exactly every month."""
    _, run = _run(chain, None)
    off_diagonal = run.shipments * (1 - np.eye(len(chain.regions)))[None, None]
    for t in range(T):
        for got, want in (
            (run.production[t], chain.production / 12),
            (off_diagonal[t], chain.trade_matrix / 12),
            (run.activity[t], chain.activity_per_year / 12),
            (run.process_consumption[t], chain.process_use / 12),
            (run.end_use_output[t], chain.output_per_year / 12),
            (run.price[t], np.broadcast_to(chain.price_usd_per_kg, run.price[t].shape)),
            (run.user_inventory[t], run.initial_user_inventory),
        ):
            np.testing.assert_allclose(got, want, rtol=RTOL, atol=RTOL * _scale(want))


@st.composite
def harsher_restrictions(
    draw: st.DrawFn,
) -> tuple[Chain, list[Scenario], int, int, range]:
    chain = draw(random_chains(inventories=False, price_cap=1.0))
    trade = chain.trade_matrix
    links = np.argwhere(trade > 0)
    if len(links) == 0:
        exporter, commodity = 0, 0
    else:
        commodity, exporter, _ = (int(x) for x in links[draw(st.integers(0, len(links) - 1))])
    start, duration = draw(st.integers(0, 6)), draw(st.integers(1, 6))
    severities = sorted(draw(st.lists(st.floats(0, 1), min_size=2, max_size=3)))
    delay = draw(st.sampled_from([0, 30]))
    scenarios = [
        Scenario.model_validate(
            {
                "name": f"s{k}",
                "dataset": "tiny",
                "horizon_months": T,
                "events": [
                    {
                        "kind": "export_restriction",
                        "exporter": chain.regions[exporter],
                        "commodities": [chain.commodities[commodity]],
                        "importers": "all",
                        "start": month(start),
                        "duration_months": duration,
                        "severity": s,
                        "licensing_delay_working_days": delay,
                    }
                ],
            }
        )
        for k, s in enumerate(severities)
    ]
    return chain, scenarios, exporter, commodity, range(start, min(T, start + duration))


@given(harsher_restrictions())
def test_harsher_single_commodity_restriction_never_raises_receipts(
    case: tuple[Chain, list[Scenario], int, int, range],
) -> None:
    """When a single commodity is restricted, a harsher restriction never raises the restricted
    importer's receipts of it in any month of the restriction window, nor its cumulative
    receipts up to that month.

    Preconditions (found by this test): user inventories have no target and prices cannot
    move (cap multiple 1), so that requests do not depend on the restriction. Otherwise
    requests "include inventory restoration" (DESIGN.md §4) and the rule can fail:
    a harsher restriction draws inventory down further and its restoration requests (the
    importer's own, or those of a downstream region it supplies) raise later receipts;
    or, under a milder one,
    users priced out by last month's price leave deliveries unused, which go to their
    inventory and lower next month's requests below the harsher case's.
    """
    chain, scenarios, exporter, c, window = case
    receipts = [_run(chain, s)[1].deliveries[:, :, c] for s in scenarios]
    for milder, harsher in itertools.pairwise(receipts):
        for j in range(len(chain.regions)):
            if j == exporter:
                continue
            scale = RTOL * _scale(milder[:, j])
            for t in window:
                assert harsher[t, j] <= milder[t, j] + scale, (t, j)
                assert harsher[: t + 1, j].sum() <= milder[: t + 1, j].sum() + scale, (t, j)
