"""Generated datasets are accepted and read back, or refused cleanly with nothing stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reechain.store import Store
from tests.fuzz.datasets import DatasetChecks, mutate_book, mutate_files, sample_book
from tests.fuzz.harness import Outcome, Tally, describe, examples, run_family

CSV_SEED = 1_000_000
XLSX_SEED = 2_000_000


@pytest.fixture(scope="module")
def tallies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Tally]]:
    work = tmp_path_factory.mktemp("fuzz-datasets")
    store = Store.open(f"sqlite:///{work / 'store.sqlite'}")
    checks = DatasetChecks(work, store)
    book = sample_book()
    yield {
        "csv": run_family("csv", CSV_SEED, mutate_files, checks.check_folder, examples()),
        "xlsx": run_family(
            "xlsx",
            XLSX_SEED,
            lambda rng: mutate_book(rng, book),
            checks.check_book,
            examples(),
        ),
    }
    store.close()


@pytest.mark.parametrize("family", ["csv", "xlsx"])
def test_no_crashes_and_no_partial_writes(tallies: dict[str, Tally], family: str) -> None:
    tally = tallies[family]
    assert tally.tried == examples()
    assert not tally.crashes, describe(tally.crashes)
    assert tally.counts[Outcome.PARTIAL] == 0
    assert tally.counts[Outcome.CLEAN] > 0  # the generator does reach refusals
