"""The out-of-sample check: the engine on fresh histories, here or on a Dask cluster, with
95 % intervals and a warning when in and out of sample disagree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import distributed
import numpy as np
import pytest

from reechain.chain import Chain
from reechain.optimize.evaluate import EngineLosses, OutOfSample, Portfolio, engine_losses
from reechain.optimize.histories import sample_histories
from reechain.optimize.model import Solution, SolveStatus
from reechain.optimize.settings import Settings
from reechain.risk.cluster import NO_HTTP_PORT


@pytest.fixture
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs=NO_HTTP_PORT,
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_the_engine_on_dask_gives_the_local_numbers(sample_chain: Chain, client: Any) -> None:
    """Nine histories in chunks of two on two worker processes: the same losses, bit for bit."""
    members = tuple(sample_chain.regions[:2])
    histories = sample_histories(sample_chain, 4, 0, 9, 24, members, prefix="fresh")
    nothing = Portfolio(members, {}, {})
    here = engine_losses(sample_chain, histories, (), nothing, Settings(), horizon_years=2)
    there = engine_losses(
        sample_chain, histories, (), nothing, Settings(), horizon_years=2, client=client, chunk=2
    )
    assert np.array_equal(here.loss_usd, there.loss_usd)
    assert here.loss_by_member_usd is not None
    assert there.loss_by_member_usd is not None
    assert np.array_equal(here.loss_by_member_usd, there.loss_by_member_usd)
    assert here.loss_by_member_usd.sum(axis=1) == pytest.approx(here.loss_usd)


def _solution(loss: list[float]) -> Solution:
    n = len(loss)
    return Solution(
        status=SolveStatus.OPTIMAL,
        members=("A",),
        candidates=(),
        build=np.zeros(0),
        stock_names=(),
        stock_size_t=np.zeros(0),
        first_stage_cost_usd=0.0,
        investment_usd=0.0,
        loss_usd=np.array(loss),
        lost_output_usd=np.array(loss),
        shortfall_t=np.zeros((n, 1)),
        objective_usd=0.0,
        mip_gap=0.0,
        build_seconds=0.0,
        solve_seconds=0.0,
        n_variables=0,
        n_constraints=0,
    )


def _engine(loss: list[float]) -> EngineLosses:
    x = np.array(loss)
    return EngineLosses(tuple(f"h{i}" for i in range(len(x))), x, x, x)


def test_disagreeing_estimates_are_a_warning() -> None:
    """In sample 1, 2, 3 (mean 2, standard error 0.58, interval 0.87–3.13); out of sample
    9, 10, 11 (9.87–11.13): the intervals do not meet, and the warning says which is higher."""
    check = OutOfSample(_solution([1, 2, 3]), _engine([1, 2, 3]), _engine([9, 10, 11]))
    assert not check.agree
    warning = check.warning()
    assert warning is not None
    assert "is higher than in sample" in warning
    assert check.in_sample_engine.standard_error == pytest.approx(np.sqrt(1 / 3))


def test_agreeing_estimates_are_no_warning() -> None:
    check = OutOfSample(_solution([1, 2, 3]), _engine([1, 2, 3]), _engine([2, 3, 1, 2]))
    assert check.agree
    assert check.warning() is None
    rows = check.records()
    assert [r["evaluation"] for r in rows] == [
        "in-sample, optimiser's surrogate",
        "in-sample, engine",
        "out-of-sample, engine",
    ]
    for r in rows:
        assert r["expected_loss_low_usd"] < r["expected_loss_usd"] < r["expected_loss_high_usd"]
