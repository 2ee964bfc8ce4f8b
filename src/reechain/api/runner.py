"""Run jobs in the background so that no request waits for an analysis."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from reechain.names import names_only
from reechain.store import Store
from reechain.workflows import jobs

log = logging.getLogger(__name__)


def _execute(store: Store, run_id: str) -> str:
    """Carry out a run for the server: its dataset and scenario are names, never paths."""
    with names_only():
        return jobs.execute(store, run_id)


class JobRunner:
    """A small thread pool that carries out pending runs of one store."""

    def __init__(self, store: Store, workers: int = 2) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="reechain-job")
        self._futures: dict[str, Future[str]] = {}

    def submit(self, run_id: str) -> None:
        """Queue run ``run_id``; it starts when a worker is free."""
        self._futures[run_id] = self._pool.submit(_execute, self.store, run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> str:
        """Wait for run ``run_id`` (for tests and the CLI) and return its final status."""
        return self._futures[run_id].result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop taking jobs and wait for those running."""
        self._pool.shutdown(wait=True, cancel_futures=True)
