"""Benchmark: how fast a dataset is read, validated, compiled and stored.

Run: ``.venv/bin/python benchmarks/bench_load.py [DATASET ...]``. Prints, per dataset, the
median of several runs of each step and the rows handled per second, so the figure survives
a noisy machine better than one timing would.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import reechain
from reechain.store import Store


def median_seconds(step: Callable[[], object], repeats: int = 7) -> float:
    """Return the median wall time of ``step`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(names: list[str]) -> None:
    """Print one line per dataset and step."""
    for name in names or reechain.bundled_datasets():
        path = reechain.bundled_path(name)
        dataset = reechain.load_dataset(path)
        rows = sum(len(r) for r in dataset.tables.values())
        load = median_seconds(lambda p=path: reechain.load_dataset(p))
        compile_ = median_seconds(lambda d=dataset: reechain.compile_chain(d))
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
            save = median_seconds(lambda s=store, d=dataset: s.add_dataset(d, replace=True), 3)
            read = median_seconds(lambda s=store, n=name: s.get_dataset(n), 3)
            store.close()
        print(f"{name}: {rows} rows")
        for step, seconds in (
            ("load+validate", load),
            ("compile", compile_),
            ("store write", save),
            ("store read+validate", read),
        ):
            print(f"  {step:<20} {seconds * 1e3:8.1f} ms  {rows / seconds:12,.0f} rows/s")


if __name__ == "__main__":
    main(sys.argv[1:])
