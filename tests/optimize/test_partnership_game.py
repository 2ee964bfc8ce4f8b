"""Cost sharing computed for four partners (USA, JPN, AUS, eu27) on the default chain."""

from __future__ import annotations

import pytest

import reechain
from reechain.optimize.analysis import coalition_cost, draw
from reechain.optimize.candidates import bundled_candidates
from reechain.optimize.partnership import bundled_partnership
from reechain.optimize.settings import settings_of
from reechain.optimize.shapley import shapley_shares


@pytest.fixture(scope="module")
def chain() -> reechain.Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


def test_quad_eu_shares(chain: reechain.Chain) -> None:
    """Fifteen coalition solves (3 histories, 3 years): shares add up to the grand
    coalition's cost, pooling never costs more than standing alone, and AUS, with no end
    use of its own in the default dataset, has a standalone cost of zero."""
    partnership = bundled_partnership("quad-eu").model_copy(update={"horizon_years": 3})
    inside, _ = draw(chain, partnership, 3, 0)
    cost = coalition_cost(
        chain, partnership, bundled_candidates(), inside, settings_of(partnership)
    )
    shares = shapley_shares(partnership.members, cost)
    assert shares.players == ("USA", "JPN", "AUS", "eu27")
    assert sum(shares.share_usd) == pytest.approx(shares.grand_coalition_usd, rel=1e-9)
    assert shares.grand_coalition_usd <= sum(shares.standalone_usd) * (1 + 1e-3)
    assert shares.standalone_usd[2] == pytest.approx(0.0, abs=1.0)
    assert len(shares.coalition_costs) == 15
    assert len(shares.records()) == 4
