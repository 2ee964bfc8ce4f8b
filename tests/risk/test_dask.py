"""A real dask.distributed LocalCluster (2 worker processes) gives the local result, even
when one of its workers is killed mid-run."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from reechain.chain import Chain
from reechain.risk import simulate_risk
from reechain.risk.cluster import NO_HTTP_PORT

distributed = pytest.importorskip("distributed")

RUNS, CHUNK, HORIZON, SEED = 24, 2, 24, 17


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


@pytest.fixture(scope="module")
def local(sample_chain: Chain) -> Any:
    return simulate_risk(sample_chain, RUNS, seed=SEED, horizon_months=HORIZON, chunk_size=5)


def test_local_cluster_gives_the_local_result(sample_chain: Chain, local: Any, client: Any) -> None:
    from tests.risk.conftest import assert_identical

    on_cluster = simulate_risk(
        sample_chain, RUNS, seed=SEED, horizon_months=HORIZON, chunk_size=CHUNK, client=client
    )
    assert_identical(local, on_cluster)
    assert len(client.scheduler_info()["workers"]) == 2


def test_killing_a_worker_mid_run_changes_nothing(
    sample_chain: Chain, local: Any, client: Any
) -> None:
    from tests.risk.conftest import assert_identical

    pids = client.run(os.getpid)  # worker address → process id
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if 0 < done < total and not killed:
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)  # the nanny restarts it; its tasks are rerun
            killed.append(victim)

    on_cluster = simulate_risk(
        sample_chain,
        RUNS,
        seed=SEED,
        horizon_months=HORIZON,
        chunk_size=CHUNK,
        client=client,
        progress=progress,
    )
    assert killed
    assert_identical(local, on_cluster)
    client.wait_for_workers(2, timeout=30)
    assert killed[0] not in client.run(os.getpid).values()
