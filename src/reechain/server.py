"""The composition root: the REST API with the dashboard mounted, served; the main job.

This is the one module that puts the surfaces together, so that the API, the dashboard
and the CLI never import each other: :func:`create_server` builds the API app and mounts
the dashboard on it (same process, same store, same job runner), :func:`serve` runs it
with uvicorn (what ``reechain serve`` calls), and the main job prepares the store and
serves.

``python -m reechain.server [--host H] [--port P]`` (what ``make run`` calls) opens the
store of the data directory, calls :func:`prepare_main_job`, prints the address to open and
serves the API and the dashboard. Preparing twice does no work twice: a dataset already
stored with the same content is kept, and a scenario already run on the same inputs (same
inputs hash) is not run again.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from typing import TYPE_CHECKING

from reechain import config, workflows
from reechain.api import create_app, guards
from reechain.api.app import MAX_UPLOAD_BYTES
from reechain.api.auth import auth_required
from reechain.api.guards import split_names
from reechain.errors import InputError
from reechain.scenario.library import library_scenarios
from reechain.store import Store, dataset_hash
from reechain.workflows.hashing import inputs_hash
from reechain.workflows.simulate import simulation_parts

if TYPE_CHECKING:
    from fastapi import FastAPI

EVENT_LOOP = "asyncio"
"""uvicorn's event loop. Not uvloop (uvicorn's choice when it is installed): on a saturated
server uvloop leaves some connections unserved for hundreds of milliseconds while it serves
others, so the p99 latency is ten times the median; asyncio's own loop serves them in turn at
the same throughput (``benchmarks/bench_api_load.py``, BENCHMARKS.md)."""

AUTH_ENV = "REECHAIN_SERVE_AUTH"
JOBS_ENV = "REECHAIN_SERVE_JOBS"


def create_server(
    store: Store,
    *,
    auth: bool = False,
    workers: int = 2,
    allowed_hosts: Iterable[str] = (),
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
) -> FastAPI:
    """Return the API app on ``store`` with the dashboard at ``/`` (when Dash is installed)."""
    app = create_app(
        store,
        auth=auth,
        workers=workers,
        allowed_hosts=allowed_hosts,
        max_upload_bytes=max_upload_bytes,
    )
    if find_spec("dash") is not None:  # the web extra
        from reechain.web import mount_dashboard

        mount_dashboard(app)
    return app


def create_server_from_env() -> FastAPI:
    """Build the server from ``REECHAIN_SERVE_*`` variables: for the processes that uvicorn
    starts itself (``reechain serve --processes N``)."""
    return create_server(
        Store.open(config.database_url()),
        auth=os.environ.get(AUTH_ENV) == "1",
        workers=int(os.environ.get(JOBS_ENV, "2")),
        allowed_hosts=split_names(os.environ.get(config.ALLOWED_HOSTS_ENV, "")),
    )


def serve(
    store: Store,
    *,
    host: str,
    port: int,
    auth: bool | None = None,
    workers: int = 2,
    processes: int = 1,
    allowed_hosts: Iterable[str] = (),
    database_url: str | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """Serve API and dashboard on ``host:port`` until interrupted.

    ``auth`` None means on unless bound to loopback; off beyond loopback is refused, and so
    is auth without any user. The server answers loopback names, ``allowed_hosts`` (and
    those of REECHAIN_ALLOWED_HOSTS) and ``host`` when it is a specific address. With
    ``processes`` > 1, uvicorn starts the processes and each builds its own server from the
    environment (same database, auth, job workers and host names); ``store`` is closed.
    """
    import uvicorn

    names = [*split_names(os.environ.get(config.ALLOWED_HOSTS_ENV, "")), *allowed_hosts]
    try:
        hosts = sorted(guards.allowed_hosts(names, bound=host) - guards.LOOPBACK_NAMES)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    use_auth = _auth(host, auth, store)
    echo(
        f"reechain serving on http://{host}:{port}/ (dashboard: /; API docs: /docs; auth "
        f"{'on: sign in at /login with an API token' if use_auth else 'off'}; "
        f"store: {store.dialect}; hosts: loopback{''.join(', ' + h for h in hosts)})"
    )
    if processes == 1:
        app = create_server(store, auth=use_auth, workers=workers, allowed_hosts=hosts)
        uvicorn.run(app, host=host, port=port, log_level="warning", loop=EVENT_LOOP)
        return
    os.environ.update(
        {
            AUTH_ENV: "1" if use_auth else "0",
            JOBS_ENV: str(workers),
            config.ALLOWED_HOSTS_ENV: ",".join(hosts),
            config.DATABASE_URL_ENV: database_url or config.database_url(),
        }
    )
    store.close()
    uvicorn.run(
        "reechain.server:create_server_from_env",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="warning",
        loop=EVENT_LOOP,
    )


def _auth(host: str, auth: bool | None, store: Store) -> bool:
    """Return whether the server bound to ``host`` uses tokens; InputError where it may not."""
    beyond_loopback = auth_required(host)
    if auth is False and beyond_loopback:
        raise InputError(
            f"--no-auth is refused for --host {host}: bound beyond loopback, "
            "anyone who can reach the port could read and change your data"
        )
    use_auth = beyond_loopback if auth is None else auth
    if use_auth and not store.has_users():
        raise InputError(
            "auth is on but there is no user: create one with `reechain users add "
            "NAME --role admin --workspace WORKSPACE`, then `reechain users token "
            "NAME`"
        )
    return use_auth


HEADLINE = (
    "baseline",
    "cn-2010",
    "cn-2025-april",
    "cn-2025-october",
    "cn-processing-ban",
    "mmr-closure",
    "us-japan-package",
)
"""Headline scenarios of the default dataset's library, run first when they exist."""


@dataclass(frozen=True)
class Prepared:
    """What prepare_main_job did: datasets imported, runs made and runs already there."""

    imported: tuple[str, ...]
    ran: tuple[str, ...]
    kept: tuple[str, ...]


def headline_scenarios(dataset: str = workflows.DEFAULT_DATASET) -> list[str]:
    """Return the headline scenarios to precompute: the dataset's library (headline first),
    else the bundled sample library."""
    found = library_scenarios(dataset) or library_scenarios("sample")
    first = [n for n in HEADLINE if n in found]
    return first + [n for n in found if n not in first]


def prepare_main_job(
    store: Store,
    dataset: str = workflows.DEFAULT_DATASET,
    *,
    echo: Callable[[str], None] = lambda _line: None,
) -> Prepared:
    """Import ``dataset`` (if not stored with the same content) and run the headline
    scenarios (if not already run on the same inputs) into ``store``."""
    imported: list[str] = []
    ran: list[str] = []
    kept: list[str] = []
    names = headline_scenarios(dataset)
    datasets = {dataset}
    for name in names:
        datasets.add(workflows.validate_scenario(name, store).dataset)
    for name in sorted(datasets):
        bundled = workflows.load_dataset(workflows.bundled_path(name))
        stored = {d.name: d.content_hash for d in store.list_datasets()}
        if stored.get(name) != dataset_hash(bundled):
            workflows.import_dataset(name, store, replace=name in stored)
            imported.append(name)
            echo(f"imported dataset {name}")
    done = {
        (r.scenario, r.inputs_hash) for r in store.list_runs("simulate", 1000) if r.status == "done"
    }
    for name in names:
        scenario = workflows.validate_scenario(name, store)
        ds = workflows.load_dataset(scenario.dataset, store)
        key = inputs_hash(ds, **simulation_parts(scenario, scenario.horizon_months, None))
        if (scenario.name, key) in done:
            kept.append(name)
            continue
        workflows.run_scenario(name, store)
        ran.append(name)
        echo(f"ran scenario {name}")
    return Prepared(tuple(imported), tuple(ran), tuple(kept))


def main(argv: list[str] | None = None) -> None:
    """Prepare the main job, print the address and serve API + dashboard (loopback, no auth)."""
    parser = argparse.ArgumentParser(prog="python -m reechain.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if auth_required(args.host):
        parser.error(
            f"--host {args.host}: beyond loopback the server needs auth; use `reechain serve`"
        )
    store = workflows.open_store()
    done = prepare_main_job(store, echo=print)
    print(
        f"ready: {len(done.ran)} scenario runs made, {len(done.kept)} already there. "
        f"Open http://{args.host}:{args.port}/ in a browser (API docs at /docs)."
    )
    serve(store, host=args.host, port=args.port, auth=False)


if __name__ == "__main__":
    main()
