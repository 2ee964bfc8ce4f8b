"""Shared fixtures: a private data directory per test, the sample dataset, hypothesis profiles."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import reechain
from reechain.chain import Chain
from reechain.data.dataset import Dataset

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

SAMPLE = Path(reechain.bundled_path("sample"))


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory, so no test sees another's store."""
    from reechain.cli.state import state

    monkeypatch.setattr(state, "home", None)  # as if no --home was given
    home = tmp_path / "home"
    monkeypatch.setenv("REECHAIN_HOME", str(home))
    monkeypatch.delenv("REECHAIN_DATABASE_URL", raising=False)
    return home


@pytest.fixture(scope="session")
def sample_dataset() -> Dataset:
    """The bundled sample dataset, validated."""
    return reechain.load_dataset(SAMPLE)


@pytest.fixture(scope="session")
def sample_chain(sample_dataset: Dataset) -> Chain:
    """The sample dataset compiled for its base year."""
    return reechain.compile_chain(sample_dataset)


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server for the session (private, on loopback, unless one is given)."""
    from tests.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    from tests.postgres import fresh_database

    with fresh_database(request.getfixturevalue("postgres_admin_url")) as url:
        yield url
