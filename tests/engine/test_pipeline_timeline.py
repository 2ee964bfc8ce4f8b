"""The timeline in the engine (issue 18): pipeline capacity comes online at its start.

On the sample chain, USA_magnet_2 (``building``, start 2026) and a new US separation plant
from a pipeline row (start January 2027) stay idle in the operating-only run; in the
announced run the results are identical before January 2026 and differ after it, in both
engines, which agree.
"""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.chain import compile_chain
from reechain.chain.pipeline import online
from reechain.engine import simulate
from reechain.engine.prepare import prepare
from tests.chain.pipeline_data import USA_SEPARATION, with_pipeline

MONTHS = 48


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> reechain.Chain:
    folder = with_pipeline(tmp_path_factory.mktemp("timeline"), USA_SEPARATION)
    return compile_chain(reechain.load_dataset(folder))


@pytest.mark.parametrize("engine", ["reference", "vectorized"])
def test_a_plant_with_a_start_year_changes_results_only_after_that_year(
    chain: reechain.Chain, engine: str
) -> None:
    idle = simulate(chain, months=MONTHS, engine=engine)
    announced = simulate(chain, months=MONTHS, engine=engine, online=online(chain, "announced"))
    usa, magnet = chain.regions.index("USA"), chain.commodities.index("NdFeB")
    np.testing.assert_array_equal(announced.run.production[:12], idle.run.production[:12])
    later = announced.run.production[12:, usa, magnet]
    assert (later > idle.run.production[12:, usa, magnet]).all()


def test_both_engines_agree_on_the_announced_run(chain: reechain.Chain) -> None:
    entries = online(chain, "announced")
    a = simulate(chain, months=MONTHS, engine="reference", online=entries)
    b = simulate(chain, months=MONTHS, engine="vectorized", online=entries)
    np.testing.assert_allclose(a.run.production, b.run.production, rtol=1e-9, atol=1e-12)


def test_a_project_that_is_no_dataset_process_is_a_new_process_that_ramps_up(
    chain: reechain.Chain,
) -> None:
    prep = prepare(chain, months=MONTHS, online=online(chain, "announced"))
    k = prep.processes.index("pipeline:USA_sep_new")
    assert prep.capacity_per_month[23, k] == 0.0  # December 2026
    assert prep.capacity_per_month[24, k] == pytest.approx(300 / 12 / 24)  # January 2027
    assert prep.capacity_per_month[47, k] == pytest.approx(300 / 12)
    assert prep.utilisation0[k] == pytest.approx(0.85)


def test_the_new_plant_takes_share_from_the_incumbents_once_online(chain: reechain.Chain) -> None:
    idle = simulate(chain, months=MONTHS)
    announced = simulate(chain, months=MONTHS, online=online(chain, "announced"))
    usa, chn = chain.regions.index("USA"), chain.regions.index("CHN")
    ndpr = chain.commodities.index("NdPr_oxide")
    assert announced.run.production[23, usa, ndpr] == 0.0
    assert announced.run.production[30:, usa, ndpr].min() > 0.0
    assert (announced.run.production[30:, chn, ndpr] < idle.run.production[30:, chn, ndpr]).all()


def test_the_baseline_without_a_pipeline_is_unchanged(chain: reechain.Chain) -> None:
    plain = prepare(chain, months=6)
    empty = prepare(chain, months=6, online=())
    assert plain.processes == empty.processes
    np.testing.assert_array_equal(plain.capacity_per_month, empty.capacity_per_month)
    np.testing.assert_array_equal(plain.sourcing_share, empty.sourcing_share)
