"""Generated customs trade files are imported whole, or refused cleanly with nothing written."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import Outcome, Tally, describe, examples, run_family
from tests.fuzz.trade import TradeChecks, generate

SEED = 5_000_000


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory) -> Tally:
    checks = TradeChecks(tmp_path_factory.mktemp("fuzz-trade"))
    return run_family("trade files", SEED, generate, checks.check, examples())


def test_no_crashes_and_no_partial_writes(tally: Tally) -> None:
    assert tally.tried == examples()
    assert not tally.crashes, describe(tally.crashes)
    assert tally.counts[Outcome.PARTIAL] == 0
    assert tally.counts[Outcome.CLEAN] > 0  # the generator does reach refusals
    assert tally.counts[Outcome.ACCEPTED] > 0  # and imports that succeed
