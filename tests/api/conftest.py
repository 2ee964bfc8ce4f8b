"""An API app on a private store, with auth off (one analyst) or on (users and tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from reechain.api import create_app
from reechain.store import Store

LOCAL = "http://127.0.0.1"
"""Where test clients send requests: a loopback host, as a local browser or script would."""


@pytest.fixture
def api_store(store_url: str) -> Iterator[Store]:
    store = Store.open(store_url)
    yield store
    store.close()


@pytest.fixture
def client(api_store: Store) -> Iterator[TestClient]:
    """The API of a single analyst on loopback: no auth."""
    with TestClient(create_app(api_store, auth=False), base_url=LOCAL) as test_client:
        yield test_client


@dataclass
class Team:
    """Tokens of users in two workspaces, keyed 'role@workspace'."""

    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


@pytest.fixture
def team(api_store: Store) -> Team:
    tokens = {}
    for workspace in ("team-a", "team-b"):
        for role in ("viewer", "analyst", "admin"):
            name = f"{role}-{workspace}"
            api_store.add_user(name, role, workspace)
            tokens[f"{role}@{workspace}"] = api_store.create_token(name)
    return Team(tokens)


@pytest.fixture
def secure_client(api_store: Store) -> Iterator[TestClient]:
    """The API of a shared server: every request needs a token."""
    with TestClient(create_app(api_store, auth=True), base_url=LOCAL) as test_client:
        yield test_client
