"""The 2030 outlook against published outlooks (issue 18; VALIDATION.md, "Outlook").

IEA, Global Critical Minerals Outlook 2024, base case for 2030: magnet rare earths (Nd, Pr,
Dy, Tb) refining China 77 %, Malaysia 12 %, Australia 3 %; mining China 54 %, the top three
(China, Australia, Myanmar) 81 %. The IEA's base case takes the pipeline of operating and
announced projects adjusted for their chance of coming online, so it is compared with our
``expected`` case (stated-policies-like demand, ``stated``). None of these figures is an
input of the default dataset or of the pipeline: the rows are independent. Tolerance ±5
percentage points, fixed before the comparison was run.
"""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.chain import Chain
from reechain.metrics.concentration import chain_concentration
from reechain.workflows.outlook import future_chain
from tests.data.test_default_validation import mined_magnet_ree

MAGNET_OXIDES = "Nd2O3,Pr6O11,Dy2O3,Tb4O7"
TOLERANCE = 0.05


@pytest.fixture(scope="module")
def expected_2030() -> Chain:
    base = reechain.compile_chain(reechain.load_dataset("default"))
    return future_chain(base, 2030, "expected", demand="stated")


def refining_share(chain: Chain, region: str) -> float:
    (c,) = chain_concentration(chain, MAGNET_OXIDES, per="stage")
    return c.share_of(region)


def mining_shares(chain: Chain) -> np.ndarray:
    content = mined_magnet_ree(chain)
    return content / content.sum()


@pytest.mark.xfail(strict=True, reason="known gap: ours 91 % (range 89-92 %), see VALIDATION.md")
def test_iea_china_refines_77_percent_of_magnet_rees_in_2030(expected_2030: Chain) -> None:
    assert abs(refining_share(expected_2030, "CHN") - 0.77) <= TOLERANCE


@pytest.mark.xfail(strict=True, reason="known gap: ours 3 %, see VALIDATION.md")
def test_iea_malaysia_refines_12_percent_of_magnet_rees_in_2030(expected_2030: Chain) -> None:
    assert abs(refining_share(expected_2030, "MYS") - 0.12) <= TOLERANCE


@pytest.mark.xfail(strict=True, reason="known gap: ours 68 %, see VALIDATION.md")
def test_iea_china_mines_54_percent_of_magnet_rees_in_2030(expected_2030: Chain) -> None:
    shares = mining_shares(expected_2030)
    assert abs(shares[expected_2030.region_index("CHN")] - 0.54) <= TOLERANCE


def test_iea_top_three_mine_81_percent_of_magnet_rees_in_2030(expected_2030: Chain) -> None:
    shares = mining_shares(expected_2030)
    assert abs(np.sort(shares)[::-1][:3].sum() - 0.81) <= TOLERANCE
