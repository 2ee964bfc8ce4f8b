"""Risk statistics on hand-checkable samples, and the tables of a small run."""

from __future__ import annotations

import numpy as np
import pytest

from reechain.chain import Chain
from reechain.risk import simulate_risk, summarize
from reechain.risk.chunks import ordered_sum, yearly
from reechain.risk.sensitivity import sensitivity_records, spearman
from reechain.risk.summary import precision_table, quantile_interval, statistics


def test_statistics_of_a_known_sample() -> None:
    x = np.arange(1.0, 101.0)  # 1 … 100
    s = statistics(x)
    assert s["mean"] == 50.5
    assert s["p95"] == pytest.approx(95.05)  # linear interpolation
    assert s["es95"] == pytest.approx(np.mean([96, 97, 98, 99, 100]))  # mean at or above P95
    assert s["p99"] == pytest.approx(99.01)
    assert s["es99"] == 100.0
    assert s["mc_se"] == pytest.approx(np.std(x, ddof=1) / 10)
    assert s["prob_positive"] == 1.0
    lo, hi = quantile_interval(x, 0.95)
    assert lo <= 95 <= hi


def test_yearly_and_ordered_sums() -> None:
    monthly = np.arange(2 * 18 * 3, dtype=float).reshape(2, 18, 3)
    years = yearly(monthly)
    assert years.shape == (2, 2, 3)
    np.testing.assert_array_equal(years[:, 0], monthly[:, :12].sum(axis=1))
    np.testing.assert_array_equal(years[:, 1], monthly[:, 12:].sum(axis=1))
    np.testing.assert_array_equal(ordered_sum(monthly, 1), monthly.sum(axis=1))


def test_tables_of_a_small_run(sample_chain: Chain) -> None:
    result = simulate_risk(sample_chain, 20, seed=3, horizon_months=24)
    tables = summarize(result)
    dims = {(r["dimension"], r["measure"]) for r in tables["distribution"]}
    assert ("region", "annual_value_lost_usd") in dims
    assert ("sector", "cumulative_lost_units") in dims
    assert ("element", "cumulative_shortfall_share") in dims
    for r in tables["distribution"]:
        assert r["p95"] <= r["p99"] + 1e-9
        assert r["es95"] >= r["p95"] - 1e-6
    curve = [r["value"] for r in tables["exceedance"] if r["dimension"] == "world"]
    assert curve == sorted(curve)  # rarer, larger
    for basis in ("tail_p95", "all"):
        for dim in ("event_kind", "supplier"):
            shares = [
                r["share"]
                for r in tables["attribution"]
                if r["basis"] == basis and r["dimension"] == dim
            ]
            assert sum(shares) == pytest.approx(1.0)
    assert tables["policy"] == []
    assert tables["sensitivity"] == []


def test_a_wide_standard_error_warns_and_suggests_n(sample_chain: Chain) -> None:
    result = simulate_risk(sample_chain, 6, seed=3, horizon_months=12)
    (p,) = precision_table(result, target=0.01)
    assert p["relative_se"] > 0.01
    assert "run about" in p["warning"]
    assert p["suggested_runs"] == int(np.ceil(6 * (p["relative_se"] / 0.01) ** 2))


def test_sensitivity_ranks_the_input_that_drives_the_tail_first() -> None:
    rng = np.random.default_rng(0)
    draws = rng.random((300, 3))
    loss = 100 * draws[:, 1] ** 4 + rng.random(300)
    records = sensitivity_records(("a", "b", "c"), draws, loss)
    assert records[0]["input"] == "b"
    assert records[0]["rank"] == 1
    assert records[0]["tail_high_usd"] > records[0]["tail_low_usd"]
    assert spearman(draws[:, 1], loss) > 0.8


def test_sampled_inputs_give_a_sensitivity_ranking(sample_chain: Chain) -> None:
    result = simulate_risk(sample_chain, 9, seed=2, horizon_months=12, sample_inputs=True)
    ranking = summarize(result, ["sensitivity"])["sensitivity"]
    assert len(ranking) == len(result.inputs)
    assert {"rate export_restriction", "elasticity Dy_oxide"} <= {r["input"] for r in ranking}


def test_value_added_lost_is_reported_beside_gross_output(sample_chain: Chain) -> None:
    """The world and each region get a value-added (GDP) distribution: each history's gross
    output lost by sector and region × that sector's value-added ratio, summed."""
    result = simulate_risk(sample_chain, 20, seed=3, horizon_months=24)
    rows = {(r["dimension"], r["key"], r["measure"]): r for r in summarize(result)["distribution"]}
    gross = rows[("world", "all", "cumulative_value_lost_usd")]
    added = rows[("world", "all", "cumulative_value_added_lost_usd")]
    assert result.value_added_ratio is not None
    want = (result.figures.value_sector_region * result.value_added_ratio[None]).sum(axis=(1, 2))
    assert added["mean"] == pytest.approx(float(want.mean()), rel=1e-12)
    assert 0 < added["mean"] < gross["mean"]
    assert ("region", "JPN", "cumulative_value_added_lost_usd") in rows
