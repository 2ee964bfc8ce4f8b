"""Where a risk run's chunks are computed: here, a local Dask cluster, or a remote one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reechain.errors import InputError

NO_HTTP_PORT = {"dashboard": False, "dashboard_address": ":0"}
"""LocalCluster scheduler options: no dashboard, and its HTTP server (health routes) on a
free port, not 8787, which may be taken (a warning otherwise)."""


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """Yield a Dask client (None: run here), closing whatever it started.

    ``workers`` starts a ``LocalCluster`` of that many single-threaded processes;
    ``scheduler`` (``tcp://HOST:PORT``) connects to a running cluster.
    """
    if not workers and not scheduler:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError(
            "--workers and --scheduler need dask.distributed: pip install 'dask[distributed]'"
        ) from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise InputError(f"--scheduler: cannot reach {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=int(workers or 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs=NO_HTTP_PORT,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


__all__ = ["NO_HTTP_PORT", "dask_client"]
