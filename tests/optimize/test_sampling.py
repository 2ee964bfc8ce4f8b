"""Tail-aware in-sample histories: strata by severity, weights that keep the mean unbiased."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reechain
from reechain.optimize.evaluate import estimate
from reechain.optimize.histories import sample_histories
from reechain.optimize.sampling import (
    ALLOCATION,
    allocate,
    severity_score,
    stratified_histories,
)
from reechain.scenario.models import Scenario


@pytest.fixture(scope="module")
def chain() -> reechain.Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


def test_weights_are_each_stratum_share_of_the_pool(chain: reechain.Chain) -> None:
    """40 of a pool of 120: each stratum's weights add up to its share of the pool, and the
    severe stratum (top 10 % of the pool) is drawn three times as often as it occurs."""
    h = stratified_histories(chain, 5, 40, 60, ["USA", "JPN"])
    pool = sample_histories(chain, 5, 0, 120, 60, ["USA", "JPN"], prefix="in")
    scores = np.array([severity_score(s) for s in pool.scenarios])
    cuts = np.quantile(scores, (0.5, 0.9))
    labels = np.searchsorted(cuts, scores, side="right")
    assert len(h) == 40
    assert h.weights.sum() == pytest.approx(1.0)
    for stratum in range(3):
        in_pool = float((labels == stratum).mean())
        assert h.weights[h.strata == stratum].sum() == pytest.approx(in_pool)
    severe = float((h.strata == 2).mean())
    assert severe == pytest.approx(ALLOCATION[2], abs=0.05)
    names = {s.name for s in pool.scenarios}
    assert {s.name for s in h.scenarios} <= names


def test_the_weighted_mean_of_the_pool_score_is_unbiased(chain: reechain.Chain) -> None:
    """Over ten roots, the stratified estimate of the mean severity score is centred on the
    pools' own means (two-phase sampling), and its error is smaller than plain sampling's."""
    stratified, plain, truth = [], [], []
    for root in range(10):
        h = stratified_histories(chain, root, 30, 60, ["USA", "JPN"])
        pool = sample_histories(chain, root, 0, 90, 60, ["USA", "JPN"], prefix="in")
        scores = np.array([severity_score(s) for s in h.scenarios])
        all_scores = np.array([severity_score(s) for s in pool.scenarios])
        stratified.append(float(h.weights @ scores))
        plain.append(float(all_scores[:30].mean()))
        truth.append(float(all_scores.mean()))
    err_s = np.array(stratified) - np.array(truth)
    err_p = np.array(plain) - np.array(truth)
    assert abs(err_s.mean()) < 0.1 * np.mean(truth)
    assert np.sqrt((err_s**2).mean()) < np.sqrt((err_p**2).mean())


def test_severity_score_by_hand() -> None:
    """A 50 % restriction for 10 months (1 × 0.5 × 10) and a full outage of a plant for 4
    months (0.25 × 1 × 4): 6."""
    scenario = Scenario.model_validate(
        {
            "name": "x",
            "dataset": "default",
            "horizon_months": 24,
            "events": [
                {
                    "kind": "export_restriction",
                    "exporter": "CHN",
                    "commodities": ["Dy2O3"],
                    "severity": 0.5,
                    "start": "2025-01",
                    "duration_months": 10,
                },
                {
                    "kind": "capacity_outage",
                    "region": "MYS",
                    "stage": "separate",
                    "fraction": 1.0,
                    "start": "2025-01",
                    "duration_months": 4,
                },
            ],
        }
    )
    assert severity_score(scenario) == pytest.approx(6.0)


@given(
    n=st.integers(1, 400),
    counts=st.lists(st.integers(0, 600), min_size=3, max_size=3).filter(lambda c: sum(c) > 0),
)
def test_allocation_fills_the_slots_within_each_stratum(n: int, counts: list[int]) -> None:
    take = allocate(min(n, sum(counts)), counts)
    assert sum(take) == min(n, sum(counts))
    assert all(0 <= t <= c for t, c in zip(take, counts, strict=True))


def test_stratified_standard_error_by_hand() -> None:
    """Two strata of weight ½: values (0, 2) and (10, 10): mean ½ × 1 + ½ × 10 = 5.5;
    variance (½)² × 2 ÷ 2 + 0 = 0.25, standard error 0.5."""
    est = estimate(np.array([0.0, 2.0, 10.0, 10.0]), np.array([0.25] * 4), np.array([0, 0, 1, 1]))
    assert est.mean == pytest.approx(5.5)
    assert est.standard_error == pytest.approx(0.5)
    assert est.low == pytest.approx(5.5 - 1.959963984540054 * 0.5)
