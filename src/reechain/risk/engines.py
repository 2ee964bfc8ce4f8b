"""The engines the risk runner can use, behind one signature.

An *engine* here is a function ``engine(chain, scenarios, months, demand_path) ->
EngineBatch``: the arrays the risk summaries need, with the scenario axis K leading.
:func:`reference_engine` runs the reference engine scenario by scenario (the baseline
run once per call); :func:`vectorized_engine` runs the whole batch on the vectorized
engine and reduces it month by month to the same arrays. :func:`default_engine` picks
the vectorized engine when the package has it.

Each scenario's arrays depend on that scenario alone (both engines guarantee it), so
the risk summaries, computed per scenario, are the same whichever engine and whatever
batch a scenario was run in.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.groups import Month
from reechain.engine.kpis import gap, lost_units, material_shortfall, value_lost_usd
from reechain.engine.prepare import prepare
from reechain.engine.reference import run_reference
from reechain.engine.results import compare
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class EngineBatch:
    """What the risk summaries read from a batch of runs (axes: K, T, S, R, C)."""

    lost_units: FloatArray
    """(K, T, S, R) end-use output lost against the baseline run, sector units per month."""
    value_lost_usd: FloatArray
    """(K, T, S, R) USD per month."""
    material_shortfall: FloatArray
    """(K, T, R, C) commodity units per month beyond the baseline run's."""
    baseline_requirement: FloatArray
    """(K, T, R, C) use requirement of the baseline run, commodity units per month."""


Engine = Callable[[Chain, Sequence[Scenario], int, Any], EngineBatch]
"""``engine(chain, scenarios, months, demand_path) -> EngineBatch``."""

_BASELINES: weakref.WeakKeyDictionary[Chain, dict[tuple[str, int, str], Any]] = (
    weakref.WeakKeyDictionary()
)
"""Baseline runs per chain object (dropped with it), by engine, horizon and demand path.

A baseline run costs as much as a batch's month loop; every chunk of a run needs the same
one, so a process computes it once. It is deterministic, so caching changes no bit.
"""


def _baseline(
    chain: Chain, engine: str, months: int, demand_path: Any, run: Callable[[], Any]
) -> Any:
    demand = (
        "flat"
        if demand_path is None
        else hashlib.sha256(
            np.ascontiguousarray(demand_path, dtype=np.float64).tobytes()
        ).hexdigest()
    )
    per_chain = _BASELINES.setdefault(chain, {})
    key = (engine, months, demand)
    if key not in per_chain:
        per_chain.clear()  # one horizon and demand path at a time is what runs use
        per_chain[key] = run()
    return per_chain[key]


def reference_engine(
    chain: Chain, scenarios: Sequence[Scenario], months: int, demand_path: Any = None
) -> EngineBatch:
    """Return the batch's arrays from the reference engine, one scenario at a time."""
    base_prep, base = _baseline(
        chain,
        "reference",
        months,
        demand_path,
        lambda: (
            (bp := prepare(chain, None, months=months, demand_path=demand_path)),
            run_reference(bp),
        ),
    )
    lost, value, short, req = [], [], [], []
    for scenario in scenarios:
        if scenario.events or scenario.policies:
            prep = prepare(chain, scenario, months=months, demand_path=demand_path)
            run = run_reference(prep)
        else:
            prep, run = base_prep, base
        results = compare(scenario.name, chain.base_year + 1, prep, run, base, 0)
        lost.append(results.lost_units)
        value.append(results.value_lost_usd)
        short.append(results.material_shortfall)
        req.append(base.requirement)
    return EngineBatch(
        lost_units=np.stack(lost),
        value_lost_usd=np.stack(value),
        material_shortfall=np.stack(short),
        baseline_requirement=np.stack(req),
    )


def vectorized_engine(
    chain: Chain, scenarios: Sequence[Scenario], months: int, demand_path: Any = None
) -> EngineBatch:
    """Return the batch's arrays from the vectorized engine (``reechain.engine.run_vectorized``).

    ``run_batch`` keeps cumulative KPIs only; the risk summaries need monthly losses by
    sector and monthly material shortfalls, so this reduces each month itself through
    ``run_vectorized``'s ``on_month`` hook, with the definitions of
    :mod:`reechain.engine.kpis` (those of :func:`reechain.engine.results.compare`).
    """
    from reechain.engine import default_chunk_size, prepare_batch, run_vectorized

    base = _baseline(
        chain,
        "vectorized",
        months,
        demand_path,
        lambda: run_vectorized(
            prepare_batch(chain, [None], months=months, demand_path=demand_path)
        ),
    )
    K, T = len(scenarios), months
    R, C, S = len(chain.regions), len(chain.commodities), len(chain.sectors)
    lost = np.zeros((K, T, S, R))
    short = np.zeros((K, T, R, C))
    base_out = base.arrays["end_use_output"][0]
    base_req = base.arrays["requirement"][0]
    base_gap = gap(base_req, base.arrays["available"][0])

    def into(rows: slice) -> Callable[[int, Month], None]:
        def month(t: int, m: Month) -> None:
            lost[rows, t] = lost_units(base_out[t], m.end_use_requirement, m.end_use_output)
            short[rows, t] = material_shortfall(m.requirement, m.available, base_gap[t])

        return month

    # in blocks of the engine's own chunk size (small: the kernel is fastest when a month
    # of a block stays in cache); results do not depend on it
    block = default_chunk_size(chain, T)
    for lo in range(0, K, block):
        rows = slice(lo, min(K, lo + block))
        batch = prepare_batch(chain, list(scenarios[rows]), months=T, demand_path=demand_path)
        run_vectorized(batch, record=(), on_month=into(rows))
    return EngineBatch(
        lost_units=lost,
        value_lost_usd=value_lost_usd(lost, np.asarray(chain.value_usd_per_unit)[None, None]),
        material_shortfall=short,
        baseline_requirement=np.broadcast_to(base_req, (K, *base_req.shape)),
    )


def default_engine() -> Engine:
    """Return the vectorized engine when ``reechain.engine`` has it, else the reference."""
    import reechain.engine as engine

    return vectorized_engine if hasattr(engine, "run_vectorized") else reference_engine


ENGINES: dict[str, Engine] = {"reference": reference_engine, "vectorized": vectorized_engine}
"""Engines by name (``--engine``)."""
