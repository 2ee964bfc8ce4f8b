"""Generated request bodies get a documented answer below 500, and a refusal stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from reechain.server import create_server
from reechain.store import Store
from tests.fuzz.api import ApiChecks, generate
from tests.fuzz.harness import Outcome, Tally, describe, examples, run_family

SEED = 4_000_000


@pytest.fixture(scope="module")
def tally(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tally]:
    folder: Path = tmp_path_factory.mktemp("fuzz-api")
    store = Store.open(f"sqlite:///{folder / 'store.sqlite'}")
    with TestClient(create_server(store), base_url="http://127.0.0.1") as client:
        yield run_family("api bodies", SEED, generate, ApiChecks(client, store).check, examples())
    store.close()


def test_no_crashes_and_no_partial_writes(tally: Tally) -> None:
    assert tally.tried == examples()
    assert not tally.crashes, describe(tally.crashes)
    assert tally.counts[Outcome.PARTIAL] == 0
    assert tally.counts[Outcome.CLEAN] > 0
    assert tally.counts[Outcome.ACCEPTED] > 0
