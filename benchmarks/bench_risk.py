"""Benchmark of the risk runner: throughput, Dask scaling and per-chunk overhead.

Run: ``.venv/bin/python benchmarks/bench_risk.py [--dataset default] [--runs 32]
[--horizon 60]``. Prints a Markdown table for BENCHMARKS.md:

- **throughput**: scenario-months per second of a local run (vectorized engine, histories
  sampled, simulated and summarised), one chunk and ⌈N/8⌉-history chunks;
- **scaling**: the same run on a ``dask.distributed.LocalCluster`` of 1 and of 2 worker
  processes (one thread each), cluster start excluded; target ≥ 1.7× from 1 to 2;
- **worker CPU time**: CPU seconds each worker spent (``time.process_time``), which gives
  the scaling an idle machine would show, 1-worker CPU ÷ busiest of 2 workers (on a
  shared machine the wall-clock ratio measures the neighbours as much as the runner);
- **per-chunk overhead**: (time with chunks of 1 − time with one chunk) ÷ (N − 1), locally
  and on the 2-worker cluster (sampling, engine call set-up, summaries, Dask scheduling).

Every run is checked to give the same per-history figures as the first.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import fields
from typing import Any

import numpy as np

import reechain
from reechain.risk import ChunkSummary, simulate_risk
from reechain.risk.cluster import NO_HTTP_PORT


def _same(a: Any, b: Any) -> bool:
    return all(
        np.array_equal(getattr(a.figures, f.name), getattr(b.figures, f.name))
        for f in fields(ChunkSummary)
    )


def _timed(chain: Any, args: argparse.Namespace, **kw: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = simulate_risk(chain, args.runs, seed=args.seed, horizon_months=args.horizon, **kw)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="default")
    parser.add_argument("--runs", type=int, default=32)
    parser.add_argument("--horizon", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many timings")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    chain = reechain.compile_chain(reechain.load_dataset(args.dataset))
    N, T = args.runs, args.horizon
    chunk = max(1, -(-N // 8))
    sm = N * T

    def best(**kw: Any) -> tuple[float, Any]:
        timings = [_timed(chain, args, **kw) for _ in range(args.repeat)]
        return min(timings, key=lambda x: x[0])

    t_one, first = best(chunk_size=N)
    t_chunked, r = best(chunk_size=chunk)
    assert _same(first, r)
    t_ones, r = best(chunk_size=1)
    assert _same(first, r)
    rows = [
        ("local, one chunk", t_one, sm / t_one),
        (f"local, chunks of {chunk}", t_chunked, sm / t_chunked),
        ("local, chunks of 1", t_ones, sm / t_ones),
    ]
    cluster_times = {}
    worker_cpu: dict[int, tuple[float, float]] = {}
    for workers in (1, 2):
        started = time.perf_counter()
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                scheduler_kwargs=NO_HTTP_PORT,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            start_s = time.perf_counter() - started
            simulate_risk(chain, 2, seed=0, horizon_months=2, client=client)  # warm imports
            cpu0 = client.run(time.process_time)
            t, r = best(chunk_size=chunk, client=client)
            cpu1 = client.run(time.process_time)
            assert _same(first, r)
            cluster_times[workers] = t
            busy = [cpu1[w] - cpu0[w] for w in cpu1 if w in cpu0]
            worker_cpu[workers] = (sum(busy), max(busy))
            rows.append((f"LocalCluster {workers} worker(s), chunks of {chunk}", t, sm / t))
            if workers == 2:
                t1, r = best(chunk_size=1, client=client)
                assert _same(first, r)
                t_big, r = best(chunk_size=N, client=client)
                dask_overhead = (t1 - t_big / 1) / (N - 1) if N > 1 else 0.0
                rows.append(("LocalCluster 2 workers, chunks of 1", t1, sm / t1))
        rows.append((f"  (cluster start, {workers} worker(s))", start_s, float("nan")))
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; dataset {args.dataset}, N = {N}, T = {T}"
    )
    print("| run | seconds | scenario-months/s |\n|---|---:|---:|")
    for name, t, rate in rows:
        print(f"| {name} | {t:.2f} | {rate:,.0f} |")
    print(f"\nscaling 1 → 2 workers: {cluster_times[1] / cluster_times[2]:.2f}× (target ≥ 1.7×)")
    (cpu_1, _), (cpu_2, busiest_2) = worker_cpu[1], worker_cpu[2]
    print(
        f"worker CPU seconds: 1 worker {cpu_1:.2f}; 2 workers {cpu_2:.2f} in all, busiest "
        f"{busiest_2:.2f}: CPU-bound scaling on an idle machine ≈ {cpu_1 / busiest_2:.2f}×"
    )
    print(f"per-chunk overhead, local: {(t_ones - t_one) / max(N - 1, 1) * 1e3:.1f} ms")
    print(
        f"per-chunk overhead, 2-worker cluster (wall, 2 in parallel): {dask_overhead * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
