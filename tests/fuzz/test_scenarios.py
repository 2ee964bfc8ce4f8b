"""Generated scenario YAML is accepted and serialises, or is refused cleanly."""

from __future__ import annotations

import pytest

import reechain
from reechain.chain import compile_chain
from tests.fuzz.harness import Outcome, Tally, describe, examples, run_family
from tests.fuzz.scenarios import ScenarioChecks, generate

SEED = 3_000_000


@pytest.fixture(scope="module")
def tally() -> Tally:
    checks = ScenarioChecks(compile_chain(reechain.load_dataset("sample")))
    return run_family("scenario yaml", SEED, generate, checks.check, examples())


def test_no_crashes(tally: Tally) -> None:
    assert tally.tried == examples()
    assert not tally.crashes, describe(tally.crashes)
    assert tally.counts[Outcome.CLEAN] > 0
