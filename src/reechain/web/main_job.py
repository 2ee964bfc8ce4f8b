"""The main job: the bundled data imported and the headline scenarios run, then serve.

``python -m reechain.web.main_job [--host H] [--port P]`` (what ``make run`` calls) opens
the store of the data directory, calls :func:`prepare_main_job`, prints the address to
open and serves the API and the dashboard. Preparing twice does no work twice: a dataset
already stored with the same content is kept, and a scenario already run on the same inputs
(same inputs hash) is not run again.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from reechain import workflows
from reechain.scenario.library import library_scenarios
from reechain.store import Store, dataset_hash
from reechain.workflows.hashing import inputs_hash
from reechain.workflows.simulate import simulation_parts

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
    import uvicorn

    from reechain.api import create_app
    from reechain.api.auth import auth_required
    from reechain.cli.serve import EVENT_LOOP

    parser = argparse.ArgumentParser(prog="python -m reechain.web.main_job")
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
    app = create_app(store, auth=False)  # with the dashboard mounted
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", loop=EVENT_LOOP)


if __name__ == "__main__":
    main()
