"""Monte Carlo with a drawn pipeline (issue 18): each history draws which projects reach
production and when, from their development stage's chance and delay; the draw is the
history's own (bit-identical for any chunking) and is seen by its run and its baseline run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import reechain
from reechain.chain import Chain, compile_chain
from reechain.chain.pipeline import draw_chain, online
from reechain.engine.prepare import prepare
from reechain.risk import simulate_risk
from tests.chain.pipeline_data import USA_SEPARATION, with_pipeline


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    folder: Path = with_pipeline(tmp_path_factory.mktemp("risk"), USA_SEPARATION)
    return compile_chain(reechain.load_dataset(folder))


def test_a_drawn_chain_runs_its_own_future_in_the_engine(chain: Chain) -> None:
    drawn = [draw_chain(chain, np.random.default_rng(i)) for i in range(400)]
    built = [d.pipeline[0].capacity_per_year > 0 for d in drawn]
    assert np.mean(built) == pytest.approx(0.5, abs=0.07)  # probability 0.5
    starts = [d.pipeline[0].start_year * 12 + d.pipeline[0].start_month for d in drawn]
    assert min(starts) >= 2027 * 12 + 1  # never before the announced start
    one = next(d for d in drawn if d.pipeline[0].capacity_per_year > 0)
    assert one.pipeline_case == "announced"
    prep = prepare(one, months=120)
    assert "pipeline:USA_sep_new" in prep.processes
    assert prepare(chain, months=12).processes == prepare(chain, months=12, online=()).processes
    assert online(chain, "operating-only") == ()


def test_the_drawn_pipeline_is_the_same_for_any_chunking(chain: Chain) -> None:
    one = simulate_risk(chain, runs=4, seed=3, horizon_months=36, pipeline=True, chunk_size=1)
    all_ = simulate_risk(chain, runs=4, seed=3, horizon_months=36, pipeline=True, chunk_size=4)
    assert one.figures.to_bytes() == all_.figures.to_bytes()
    assert one.meta["pipeline_drawn"] is True


def test_the_risk_workflow_draws_the_pipeline_when_asked() -> None:
    from reechain.workflows.risk import run_risk_analysis

    run = run_risk_analysis("dy-restriction", runs=2, seed=1, horizon_months=12, draw_pipeline=True)
    assert run.result.meta["pipeline_drawn"] is True
    plain = run_risk_analysis("dy-restriction", runs=2, seed=1, horizon_months=12)
    assert plain.result.meta["pipeline_drawn"] is False
