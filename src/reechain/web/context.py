"""What the dashboard's callbacks use: the store, the job runner, auth and cached chains.

The services live in the Flask app's config (one set per dashboard, no module globals), so
that several dashboards (e.g. in tests) can run in one process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import flask

from reechain import workflows
from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset
from reechain.store import Store

SERVICES_KEY = "REECHAIN_SERVICES"


class Runner(Protocol):
    """Carries out pending runs in the background (the API's JobRunner)."""

    def submit(self, run_id: str) -> None: ...


@dataclass
class Services:
    """The store, the runner and whether auth is on, for one dashboard."""

    store: Store
    runner: Runner
    auth: bool = False
    cache: dict[Any, Any] = field(default_factory=dict)
    """Finished runs' tables by (workspace, run id): a done run never changes."""
    _chains: dict[tuple[str, str, str], Chain] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def dataset_names(self, workspace: str) -> list[str]:
        """Return the bundled datasets and those stored in ``workspace``, sorted."""
        stored = {d.name for d in self.store.list_datasets(workspace=workspace)}
        return sorted(set(workflows.bundled_datasets()) | stored)

    def dataset(self, name: str, workspace: str) -> Dataset:
        """Return dataset ``name`` as the workspace sees it (stored first, then bundled)."""
        return workflows.load_dataset(name, self.store, workspace=workspace)

    def chain(self, name: str, workspace: str) -> Chain:
        """Return the compiled chain of dataset ``name`` (cached per content)."""
        stored = {d.name: d.content_hash for d in self.store.list_datasets(workspace=workspace)}
        key = (workspace, name, stored.get(name, "bundled"))
        with self._lock:
            found = self._chains.get(key)
        if found is None:
            found = compile_chain(self.dataset(name, workspace))
            with self._lock:
                self._chains[key] = found
        return found


def services() -> Services:
    """Return the services of the dashboard handling the current request."""
    found: Any = flask.current_app.config[SERVICES_KEY]
    assert isinstance(found, Services)
    return found
