"""Benchmark: the batch's monthly KPI reduction alone (``runs._Accumulator.month``).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_kpi_reduction.py [--scenarios 32]
[--months 120] [--repeats 9]``. One chunk of ``bench_engine``'s seeded random scenarios
runs once on the kernel; each month's arrays are copied aside, then the reduction of all
months is timed ``--repeats`` times (CPU time), so the kernel's time and the machine's
other work on the second core stay out of the figure. Prints microseconds per
scenario-month, best and median. The copies are cold in cache, as a month's results are
when the kernel has run 32 scenarios since writing the first one's.
"""

from __future__ import annotations

import argparse
import time

import reechain
from bench_engine import random_scenarios
from reechain.engine import prepare_batch
from reechain.engine.groups import Month
from reechain.engine.runs import _Accumulator
from reechain.engine.vectorized import run_vectorized

KPI_INPUTS = (
    "end_use_requirement",
    "end_use_target",
    "end_use_output",
    "requirement",
    "available",
    "price",
    "floor_payment_usd",
)
"""The Month fields the reduction reads."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=32)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    B, T = args.scenarios, args.months
    base = run_vectorized(prepare_batch(chain, [None], months=T))
    batch = prepare_batch(chain, random_scenarios(chain, B, T), months=T)
    months: list[tuple[int, Month]] = []

    def keep(t: int, m: Month) -> None:
        fields = {f: getattr(m, f) for f in Month._fields}
        months.append((t, Month(**(fields | {f: fields[f].copy() for f in KPI_INPUTS}))))

    run_vectorized(batch, record=(), on_month=keep)

    def reduce_all() -> float:
        acc = _Accumulator(chain, base, B, T)
        start = time.process_time()
        for t, m in months:
            acc.month(t, m)
        acc.finish()
        return time.process_time() - start

    reduce_all()  # loads anything compiled
    times = sorted(reduce_all() for _ in range(args.repeats))
    per = 1e6 / (B * T)
    print(
        f"KPI reduction, {B} scenarios x {T} months: best {times[0] * per:.2f} us, "
        f"median {times[len(times) // 2] * per:.2f} us a scenario-month (CPU time)"
    )


if __name__ == "__main__":
    main()
