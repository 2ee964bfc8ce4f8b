"""Risk: Monte Carlo over disruption histories, on one machine or a Dask cluster.

How likely and how bad: N ten-year histories of disruptions are drawn from event models
calibrated on the documented history (:mod:`~reechain.risk.events`,
:mod:`~reechain.risk.calibration`; data in ``reechain/risk/bundled``), turned into scenarios
(:mod:`~reechain.risk.sampler`), simulated in chunks with the engine, locally or on Dask
(:mod:`~reechain.risk.runner`), and summarised (:mod:`~reechain.risk.summary`,
:mod:`~reechain.risk.sensitivity`). History *i* always draws from
``SeedSequence(seed).spawn(n)[i]``, so results are bit-identical for any chunk size and
worker count.

Public API:

- :func:`simulate_risk` ``(chain, runs, seed, horizon_months=120, *, base, policies,
  sample_inputs, demand_path, chunk_size, engine, client, …) -> RiskResult``;
- :func:`summarize` ``(result) -> dict[str, list[record]]``;
- :func:`sample_histories` ``(chain, n, seed, horizon_months=120, *, model=None,
  base=None, start=0) -> list[Scenario]``: the histories as scenarios, for other
  analyses (the optimiser evaluates candidate portfolios on them); history *i* is the
  same whatever ``start`` and ``n``;
- :func:`calibrate`, :func:`model_from_parameters`, :class:`EventModel`.

Example
-------
>>> import reechain
>>> from reechain.risk import sample_histories
>>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
>>> len(sample_histories(chain, 5, seed=42, horizon_months=24))
5
"""

from reechain.risk.analysis import make_spec, risk_result, simulate_risk
from reechain.risk.calibration import calibrate
from reechain.risk.chunks import ChunkSummary
from reechain.risk.engines import EngineBatch, reference_engine, vectorized_engine
from reechain.risk.events import (
    KINDS,
    EventModel,
    HistoricalEvent,
    ModelParameter,
    model_from_parameters,
)
from reechain.risk.runner import RiskSpec, run_chunk, run_risk
from reechain.risk.sampler import sample_histories
from reechain.risk.summary import RiskResult, summarize

__all__ = [
    "KINDS",
    "ChunkSummary",
    "EngineBatch",
    "EventModel",
    "HistoricalEvent",
    "ModelParameter",
    "RiskResult",
    "RiskSpec",
    "calibrate",
    "make_spec",
    "model_from_parameters",
    "reference_engine",
    "risk_result",
    "run_chunk",
    "run_risk",
    "sample_histories",
    "simulate_risk",
    "summarize",
    "vectorized_engine",
]
