"""A policy runs on the same histories as the base: the difference is a paired estimate."""

from __future__ import annotations

import numpy as np

from reechain.chain import Chain
from reechain.risk import simulate_risk, summarize
from tests.risk.conftest import POLICY

N, HORIZON = 30, 24


def test_paired_estimate_has_lower_variance_than_unpaired(sample_chain: Chain) -> None:
    paired = simulate_risk(
        sample_chain, N, seed=11, horizon_months=HORIZON, policies=POLICY.policies
    )
    base = paired.total_value_lost_usd
    with_policy = paired.policy_total_value_lost_usd
    assert with_policy is not None
    # the same policy on independent histories (another seed): the unpaired comparison
    unpaired = simulate_risk(sample_chain, N, seed=12, horizon_months=HORIZON, base=POLICY)
    independent = unpaired.total_value_lost_usd
    var_paired = np.var(base - with_policy, ddof=1)
    var_unpaired = np.var(base, ddof=1) + np.var(independent, ddof=1)
    assert var_paired < 0.5 * var_unpaired
    assert with_policy.mean() < base.mean()  # stockpiles help on average

    world = summarize(paired)["policy"][0]
    assert world["region"] == "world"
    assert world["paired_se"] < world["unpaired_se"]
    assert world["mean_avoided"] == float(np.mean(base - with_policy))
