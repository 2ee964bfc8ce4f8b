"""The engine: month-by-month supply, trade, stocks, prices and end-use output.

Each rule lives in two places, under the same step names (require, supply, price, make,
refill, floors, next_utilisation): the readable oracle and the fast kernel.

- :mod:`~reechain.engine.prepare` turns a chain and a scenario into per-month arrays
  (:class:`Prepared`, shared by both); :mod:`~reechain.engine.batch` stacks scenarios into
  the typed groups of :mod:`~reechain.engine.groups` (NamedTuples of arrays numba takes).
- :mod:`~reechain.engine.reference` is the readable per-scenario loop of DESIGN.md
  section 4, the oracle; :mod:`~reechain.engine.kernel` the compiled numba kernel (numba
  is a core dependency; its cache is kept per version of the kernel's sources,
  :mod:`~reechain.engine.jit`), which :func:`run_vectorized` runs on a batch of
  scenarios, scenario axis first (the engine users run).
- :mod:`~reechain.engine.kpis` defines the KPIs once; :mod:`~reechain.engine.results`
  compares a run with its baseline run, :mod:`~reechain.engine.runs` reduces many runs
  month by month; :mod:`reechain.units` holds the units.

**Many scenarios** (Monte Carlo, sweeps): :func:`run_batch` ::

    run_batch(chain, scenarios, months=None, demand_path=None, chunk_size=None,
              progress=None) -> BatchResults

runs ``scenarios`` (a sequence of :class:`~reechain.scenario.Scenario`, None for the
baseline run) on the kernel in chunks of ``chunk_size`` (default: 32, what stays in
cache, fewer where 1 GiB would not hold them), against one baseline run on the same
horizon and demand path, and returns
:class:`BatchResults`: per-scenario KPI arrays with the scenario axis first, e.g.
``value_lost_usd`` (B, S, R), ``value_lost_by_region_usd`` (B, R),
``monthly_value_lost_usd`` (B, T, R), ``peak_price_usd_per_kg`` (B, R, C). Scenario i's
numbers are bit-identical whatever the chunking; ``progress(done, total)`` is called after
each chunk. For full monthly arrays of a few scenarios use
:func:`~reechain.engine.batch.prepare_batch` and :func:`run_vectorized`.

Examples
--------
>>> import reechain
>>> from reechain.engine import simulate
>>> results = simulate(reechain.compile_chain(reechain.load_dataset("sample")), months=2)
>>> results.run.price.shape
(2, 4, 7)
"""

from reechain.engine.arrays import RunArrays
from reechain.engine.batch import PreparedBatch, prepare_batch, stack_prepared
from reechain.engine.groups import Month
from reechain.engine.kpis import months_to_recovery
from reechain.engine.prepare import Prepared, prepare
from reechain.engine.reference import run_reference
from reechain.engine.reference_trade import waterfill
from reechain.engine.results import (
    Results,
    commodity_kpis,
    compare,
    headline_kpis,
    sector_kpis,
    simulate,
)
from reechain.engine.runs import BatchResults, default_chunk_size, run_batch
from reechain.engine.vectorized import BatchRun, run_vectorized

__all__ = [
    "BatchResults",
    "BatchRun",
    "Month",
    "Prepared",
    "PreparedBatch",
    "Results",
    "RunArrays",
    "commodity_kpis",
    "compare",
    "default_chunk_size",
    "headline_kpis",
    "months_to_recovery",
    "prepare",
    "prepare_batch",
    "run_batch",
    "run_reference",
    "run_vectorized",
    "sector_kpis",
    "simulate",
    "stack_prepared",
    "waterfill",
]
