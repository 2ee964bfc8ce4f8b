"""Benchmark of the default optimiser run with the engine in the loop (issue 20).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_optimize_loop.py [--scenarios 200]
[--out-of-sample 500] [--partnership us-japan]``.

Times each part of ``reechain optimize us-japan`` at its defaults, without the bill's
coalition solves: drawing the stratified histories (pool of 3 × S), preparing the linear
engine's arrays (``build_instance``), then per engine-loop iteration the model build, the
HiGHS solve and the engine run on the S in-sample histories, and the out-of-sample engine
run. Prints one markdown row per part and the loop's gaps.
"""

from __future__ import annotations

import argparse
import time

import reechain
from reechain.optimize import bundled_candidates, load_partnership, settings_of
from reechain.optimize.analysis import draw
from reechain.optimize.evaluate import OutOfSample, engine_losses
from reechain.optimize.loop import engine_runner, solve_with_engine
from reechain.optimize.second_stage import build_instance, open_candidates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=None)
    parser.add_argument("--out-of-sample", type=int, default=None)
    parser.add_argument("--partnership", default="us-japan")
    args = parser.parse_args()
    p = load_partnership(args.partnership)
    n_in = args.scenarios or p.scenarios
    n_out = p.out_of_sample if args.out_of_sample is None else args.out_of_sample
    chain = reechain.compile_chain(reechain.load_dataset(p.dataset))
    table = bundled_candidates()
    settings = settings_of(p)
    rows: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    inside, fresh = draw(chain, p, n_in, n_out)
    rows.append(
        (f"draw {len(inside)} of {inside.pool_size} + {len(fresh)} fresh", time.perf_counter() - t0)
    )
    t0 = time.perf_counter()
    inst = build_instance(
        chain,
        p.members,
        table,
        inside,
        horizon_years=p.horizon_years,
        steps_per_year=p.steps_per_year,
    )
    rows.append(("prepare (build_instance)", time.perf_counter() - t0))
    cands = open_candidates(chain, table, p.members)
    run = engine_runner(chain, inside, cands, settings, horizon_years=p.horizon_years)
    t0 = time.perf_counter()
    tracked = solve_with_engine(inst, settings, run)
    loop_s = time.perf_counter() - t0
    for step in tracked.steps:
        rows.append((f"iteration {step.iteration}: model build", step.build_seconds))
        rows.append((f"iteration {step.iteration}: HiGHS solve", step.solve_seconds))
        rows.append((f"iteration {step.iteration}: engine on {len(inside)}", step.engine_seconds))
    rows.append(("engine loop, all", loop_s))
    t0 = time.perf_counter()
    fresh_engine = engine_losses(
        chain, fresh, cands, tracked.solution, settings, horizon_years=p.horizon_years
    )
    rows.append((f"out of sample: engine on {len(fresh)}", time.perf_counter() - t0))
    print("| part | seconds |\n|---|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} |")
    first = tracked.steps[0]
    print(f"| first build + solve | {first.build_seconds + first.solve_seconds:.1f} |")
    print()
    for step in tracked.steps:
        print(step.record())
    oos = OutOfSample(tracked.solution, tracked.engine, fresh_engine, inside.strata)
    for r in oos.records():
        print(r)
    print("warning:", oos.warning())
    print("variables", tracked.solution.n_variables, "constraints", tracked.solution.n_constraints)


if __name__ == "__main__":
    main()
