"""Benchmark: scenario-months per second of the vectorized and reference engines.

Run: ``.venv/bin/python benchmarks/bench_engine.py [--sizes 1,100,10000] [--reference 1,100]
[--months 120] [--chunk N]``. Each case runs in a fresh child
process so its peak memory (``ru_maxrss``) is its own. On the default chain it measures:

- the batch engine (the compiled numba kernel) at each size: data preparation
  (``prepare`` per scenario, then stacking) and the monthly step (:func:`run_vectorized`,
  KPIs reduced on the fly, as :func:`run_batch` does) apart and together, in
  scenario-months per second;
- the reference engine at each size (per scenario-month, so the ratio holds);
- the machine's memory bandwidth (a large numpy copy), and from it the bound on
  scenario-months per second set by the bytes one scenario-month must touch: its own
  sourcing shares and link caps (C × R × R each) and intensities (R × S × C), read once,
  plus the state and results written (about 30 arrays of R × C and 4 of P).

Wall-clock rates are printed with CPU-time rates (process time of the case, preparation
included), which are steadier on a shared machine. Scenarios are seeded random Chinese
export restrictions (commodities, severity, start, duration) with some capacity outages,
so that every scenario has its own caps.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

import reechain
from reechain.chain import Chain
from reechain.scenario import Scenario


def random_scenarios(chain: Chain, n: int, months: int, seed: int = 20250404) -> list[Scenario]:
    """Return ``n`` seeded random scenarios (scenario i the same however many are drawn)."""
    out = []
    exported = [c for k, c in enumerate(chain.commodities) if chain.exports[0, k] > 0]
    for i, child in enumerate(np.random.SeedSequence(seed).spawn(n)):
        rng = np.random.default_rng(child)
        start = int(rng.integers(0, max(1, months - 12)))
        events: list[dict[str, Any]] = [
            {
                "kind": "export_restriction",
                "exporter": "CHN",
                "commodities": sorted(
                    rng.choice(exported, size=int(rng.integers(1, 8)), replace=False).tolist()
                ),
                "importers": "all",
                "start": f"{2025 + start // 12}-{start % 12 + 1:02d}",
                "duration_months": int(rng.integers(1, 24)),
                "severity": float(rng.uniform(0.1, 1.0)),
                "licensing_delay_working_days": float(rng.choice([0, 45])),
            }
        ]
        if rng.uniform() < 0.3:
            events.append(
                {
                    "kind": "capacity_outage",
                    "region": "MMR",
                    "stage": "mine",
                    "fraction": float(rng.uniform(0.2, 1.0)),
                    "start": "2025-02",
                    "duration_months": int(rng.integers(1, 12)),
                }
            )
        out.append(
            Scenario.model_validate(
                {"name": f"random-{i}", "dataset": "default", "horizon_months": months}
                | {"events": events}
            )
        )
    return out


def bandwidth_gb_per_s() -> float:
    """Return the best of five copies of a 512 MiB array, GB/s (bytes read + written)."""
    a = np.ones(1 << 26)
    b = np.empty_like(a)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - start)
    return 2 * a.nbytes / best / 1e9


def bytes_per_scenario_month(chain: Chain) -> int:
    """Bytes one scenario-month must touch at least (see the module docstring)."""
    R, C, S = len(chain.regions), len(chain.commodities), len(chain.sectors)
    P = len(chain.processes)
    return 8 * (2 * C * R * R + R * S * C + 30 * R * C + 4 * P)


def case(engine: str, size: int, months: int, chunk: int | None) -> dict[str, Any]:
    """Run one case in this process; return its timings and peak memory."""
    from reechain.engine import default_chunk_size, prepare, prepare_batch, run_reference
    from reechain.engine.runs import _Accumulator
    from reechain.engine.vectorized import run_vectorized

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    scenarios = random_scenarios(chain, size, months)
    record: dict[str, Any] = {"engine": engine, "scenarios": size, "months": months}
    cpu0 = time.process_time()
    if engine == "reference":
        start = time.perf_counter()
        prep_s = 0.0
        for s in scenarios:
            t0 = time.perf_counter()
            prep = prepare(chain, s, months=months)
            prep_s += time.perf_counter() - t0
            run_reference(prep)
        total = time.perf_counter() - start
        record |= {"prepare_s": prep_s, "step_s": total - prep_s, "total_s": total}
    else:
        chunk_size = chunk or default_chunk_size(chain, months)
        # the baseline run also loads the compiled kernel, outside the timing
        base = run_vectorized(prepare_batch(chain, [None], months=months))
        prep_s = step_s = 0.0
        for lo in range(0, size, chunk_size):
            part = scenarios[lo : lo + chunk_size]
            t0 = time.perf_counter()
            batch = prepare_batch(chain, part, months=months)
            t1 = time.perf_counter()
            acc = _Accumulator(chain, base, len(part), months)
            run_vectorized(batch, record=(), on_month=acc.month)
            acc.finish()
            prep_s += t1 - t0
            step_s += time.perf_counter() - t1
        record |= {
            "chunk": chunk_size,
            "prepare_s": prep_s,
            "step_s": step_s,
            "total_s": prep_s + step_s,
        }
    sm = size * months
    cpu = time.process_time() - cpu0
    record |= {
        "cpu_s": cpu,
        "cpu_scenario_months_per_s": sm / cpu,
        "step_scenario_months_per_s": sm / record["step_s"],
        "total_scenario_months_per_s": sm / record["total_s"],
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9,
    }
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,100,10000")
    parser.add_argument("--reference", default="1,100")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--chunk", type=int, default=None)
    parser.add_argument("--case", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        if args.case[0] == "bandwidth":
            print(json.dumps({"bandwidth_gb_per_s": bandwidth_gb_per_s()}))
        else:
            print(json.dumps(case(args.case[0], int(args.case[1]), args.months, args.chunk)))
        return
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    bw = float(_child(["bandwidth", "0"])["bandwidth_gb_per_s"])
    per = bytes_per_scenario_month(chain)
    bound = bw * 1e9 / per
    print(
        f"machine: {os.cpu_count()} CPUs; numpy {np.__version__}; python {sys.version.split()[0]}"
    )
    print(f"memory bandwidth (copy, read + write): {bw:.1f} GB/s")
    print(
        f"bytes a scenario-month must touch: {per / 1e3:.0f} kB -> bound "
        f"{bound:,.0f} scenario-months/s"
    )
    results = []
    todo = [("reference", int(n)) for n in args.reference.split(",") if n]
    todo += [("vectorized", int(n)) for n in args.sizes.split(",") if n]
    for engine, size in todo:
        extra = ["--months", str(args.months)] + (
            ["--chunk", str(args.chunk)] if args.chunk else []
        )
        row = _child([engine, str(size)], extra)
        results.append(row)
        print(
            f"{engine:19s} {size:>6d} x {args.months} months: step "
            f"{row['step_scenario_months_per_s']:>8,.0f} sm/s, with preparation "
            f"{row['total_scenario_months_per_s']:>8,.0f} sm/s "
            f"(prepare {row['prepare_s']:.1f} s, step {row['step_s']:.1f} s, "
            f"chunk {row.get('chunk', '-')}); CPU-time rate "
            f"{row['cpu_scenario_months_per_s']:,.0f} sm/s; peak RSS {row['peak_rss_gb']:.2f} GB",
            flush=True,
        )
    ref = [r for r in results if r["engine"] == "reference"]
    if ref:
        ref_rate = max(r["total_scenario_months_per_s"] for r in ref)
        ref_cpu = max(r["cpu_scenario_months_per_s"] for r in ref)
        for r in results:
            if not r["engine"].startswith("vectorized"):
                continue
            step, total = r["step_scenario_months_per_s"], r["total_scenario_months_per_s"]
            print(
                f"{r['engine']:19s} {r['scenarios']:>6d}: {step / ref_rate:,.1f}x the reference "
                f"(step), {total / ref_rate:,.1f}x (with preparation), "
                f"{r['cpu_scenario_months_per_s'] / ref_cpu:,.1f}x (CPU time); "
                f"step {bound / step:.1f}x below the bandwidth bound"
            )
    print(json.dumps({"bandwidth_gb_per_s": bw, "bytes_per_scenario_month": per, "cases": results}))


def _child(case_args: list[str], extra: list[str] | None = None) -> dict[str, Any]:
    """Run one case in a fresh process (its own peak memory); return its JSON record."""
    command = [sys.executable, __file__, "--case", *case_args, *(extra or [])]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    record: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return record


if __name__ == "__main__":
    main()
