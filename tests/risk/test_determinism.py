"""Bit-identical results for any chunk size and either engine."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from reechain.chain import Chain
from reechain.risk import reference_engine, simulate_risk, summarize, vectorized_engine
from tests.risk.conftest import POLICY, assert_identical

N = 15


@pytest.mark.parametrize("chunk_size", [1, 7, N])
def test_chunk_size_does_not_change_any_bit(sample_chain: Chain, chunk_size: int) -> None:
    reference = simulate_risk(sample_chain, N, seed=7, horizon_months=24, chunk_size=4)
    result = simulate_risk(sample_chain, N, seed=7, horizon_months=24, chunk_size=chunk_size)
    assert_identical(reference, result)
    assert summarize(reference) == summarize(result)


def test_policy_and_sampled_inputs_are_chunk_independent_too(sample_chain: Chain) -> None:
    kw: dict[str, Any] = {"policies": POLICY.policies, "sample_inputs": True}
    a = simulate_risk(sample_chain, 7, seed=3, horizon_months=24, chunk_size=1, **kw)
    b = simulate_risk(sample_chain, 7, seed=3, horizon_months=24, chunk_size=7, **kw)
    assert_identical(a, b)
    assert a.figures.inputs.shape[1] == len(a.inputs) > 0
    assert a.figures.policy_value_region_year.shape == a.figures.value_region_year.shape


def test_the_reference_and_vectorized_engines_agree(sample_chain: Chain) -> None:
    """Both engines give the same histories' figures (to 1e-9 relative; here bit for bit)."""
    a = simulate_risk(sample_chain, 10, seed=11, horizon_months=24, engine=reference_engine)
    b = simulate_risk(sample_chain, 10, seed=11, horizon_months=24, engine=vectorized_engine)
    np.testing.assert_allclose(a.total_value_lost_usd, b.total_value_lost_usd, rtol=1e-9)
    np.testing.assert_allclose(
        a.figures.shortfall_element_year, b.figures.shortfall_element_year, rtol=1e-9, atol=1e-9
    )
    assert a.total_value_lost_usd.sum() > 0


def test_another_seed_gives_other_histories(sample_chain: Chain) -> None:
    a = simulate_risk(sample_chain, 8, seed=1, horizon_months=24)
    b = simulate_risk(sample_chain, 8, seed=2, horizon_months=24)
    assert not np.array_equal(a.total_value_lost_usd, b.total_value_lost_usd)


def test_a_worker_running_other_code_refuses(sample_chain: Chain) -> None:
    from dataclasses import replace

    from reechain.errors import ConsistencyError
    from reechain.risk import make_spec, run_chunk

    spec = replace(make_spec(sample_chain, 2, seed=1, horizon_months=6), code="other")
    with pytest.raises(ConsistencyError, match="different reechain code"):
        run_chunk(sample_chain, spec, 0, 2)
