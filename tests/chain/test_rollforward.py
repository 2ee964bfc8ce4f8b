"""A chain rolled forward to a future year (issue 18): hand-checked on the sample chain.

The sample separates 1,100 t in China and 200 t in Australia. A 300 t/yr US plant that
starts in January 2027 and ramps over 24 months is fully online in 2030 and makes
300 × 0.85 = 255 t; with flat demand the incumbents make the other 1,045 t pro rata, so
China makes 1,100 × 1,045 / 1,300 and its share falls from 1,100/1,300 to 884.2/1,300.
"""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.chain import compile_chain
from reechain.chain.pipeline import online
from reechain.chain.rollforward import demand_growth, roll_forward, supply_gap
from reechain.metrics.concentration import chain_concentration
from tests.chain.pipeline_data import USA_SEPARATION, with_pipeline


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> reechain.Chain:
    folder = with_pipeline(tmp_path_factory.mktemp("rolled"), USA_SEPARATION)
    return compile_chain(reechain.load_dataset(folder))


def separation_shares(chain: reechain.Chain) -> dict[str, float]:
    (c,) = chain_concentration(chain, stage="separate", per="stage")
    return {r: c.share_of(r) for r in ("CHN", "AUS", "USA")}


def test_a_plant_added_with_a_start_year_changes_shares_only_after_it_starts(
    chain: reechain.Chain,
) -> None:
    announced = online(chain, "announced")
    before = separation_shares(roll_forward(chain, 2026, announced))
    after = separation_shares(roll_forward(chain, 2030, announced))
    assert before == pytest.approx({"CHN": 1100 / 1300, "AUS": 200 / 1300, "USA": 0.0})
    factor = (1300 - 255) / 1300
    assert after == pytest.approx(
        {"CHN": 1100 * factor / 1300, "AUS": 200 * factor / 1300, "USA": 255 / 1300}
    )


def test_operating_only_keeps_the_base_year_shares(chain: reechain.Chain) -> None:
    rolled = roll_forward(chain, 2030, online(chain, "operating-only"))
    assert separation_shares(rolled) == pytest.approx(separation_shares(chain))


def test_the_rolled_chain_balances_and_names_its_year(chain: reechain.Chain) -> None:
    rolled = roll_forward(chain, 2030, online(chain, "announced"), 1.2)
    assert rolled.year == 2030
    assert rolled.balance_problems() == []
    assert "USA_sep_new" in rolled.processes
    assert rolled.process_status[rolled.processes.index("USA_sep_new")] == "operating"


def test_demand_growth_scales_end_use_and_the_stages_up_to_capacity(
    chain: reechain.Chain,
) -> None:
    assert demand_growth(chain, 1.2) == pytest.approx(1.2)
    rolled = roll_forward(chain, 2030, online(chain, "operating-only"), 1.2)
    np.testing.assert_allclose(rolled.output_per_year, chain.output_per_year * 1.2)
    mine = rolled.processes.index("CHN_mine")
    assert rolled.activity_per_year[mine] == pytest.approx(1200)  # capacity 1,200 t binds
    (gap,) = [g for g in supply_gap(chain, 2030, (), 1.3) if g.stage == "mine"]
    assert gap.demand_per_year == pytest.approx(1.3 * 1300)
    assert gap.supply_per_year == pytest.approx(1200 + 250 + 120)  # every mine at capacity
    assert gap.gap_per_year == pytest.approx(1690 - 1570)
