"""Benchmark of the partnership optimiser: build and solve time of the default instance.

Run: ``.venv/bin/python benchmarks/bench_optimize.py [--scenarios 50 200 1000]
[--partnership us-japan] [--time-limit 600] [--monolithic]``.

For each S: draws S ten-year histories (the risk module's sampler), prepares the linear
engine's arrays (``build_instance``: the engine's own preparation of each history), builds
the MILP with linopy (``build_model``) and solves it with HiGHS (``solve_model``), each
timed separately, and prints one row per S: candidates, variables, constraints, the four
times and the objective. The target (issue 9) is S = 200 in at most 60 s wall, with the
model build no longer than the solve.
"""

from __future__ import annotations

import argparse
import time

import reechain
from reechain.optimize import bundled_candidates, load_partnership, settings_of
from reechain.optimize.histories import sample_histories
from reechain.optimize.model import build_model, read_solution, solve_model
from reechain.optimize.second_stage import build_instance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--partnership", default="us-japan")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument(
        "--monolithic", action="store_true", help="one MILP instead of the decomposition"
    )
    args = parser.parse_args()
    partnership = load_partnership(args.partnership)
    chain = reechain.compile_chain(reechain.load_dataset(partnership.dataset))
    table = bundled_candidates()
    settings = settings_of(partnership).with_(
        time_limit_s=args.time_limit, decompose=not args.monolithic
    )
    months = partnership.horizon_years * 12
    print(
        "| S | method | variables | constraints | draws (s) | prepare (s) | build (s) "
        "| solve (s) | total (s) | status | objective (USD bn) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for S in args.scenarios:
        t0 = time.perf_counter()
        histories = sample_histories(
            chain, partnership.seed, 0, S, months, partnership.members, prefix="in"
        )
        t1 = time.perf_counter()
        inst = build_instance(
            chain,
            partnership.members,
            table,
            histories,
            horizon_years=partnership.horizon_years,
            steps_per_year=partnership.steps_per_year,
        )
        t2 = time.perf_counter()
        built = build_model(inst, settings)
        solved = solve_model(built)
        status, solve_s = solved.status, solved.seconds
        total = time.perf_counter() - t0
        objective = (
            read_solution(built, solved).total_cost_usd / 1e9
            if status.value in ("optimal", "feasible")
            else float("nan")
        )
        print(
            f"| {S} | {solved.method} | {built.model.nvars:,} | {built.model.ncons:,} "
            f"| {t1 - t0:.1f} | {t2 - t1:.1f} | {built.build_seconds:.1f} | {solve_s:.1f} "
            f"| {total:.1f} | {status.value} | {objective:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
