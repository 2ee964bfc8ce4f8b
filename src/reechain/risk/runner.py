"""The risk runner: N histories, simulated in chunks, locally or on a Dask cluster.

:func:`run_risk` splits histories 0 … N − 1 into chunks of ``chunk_size``; each chunk
(:func:`run_chunk`) draws its histories from their own seed streams
(:func:`reechain.risk.sampler.history_seed`), runs them (and, with a policy, the same
histories with the policy added) through the engine and reduces them to per-history
figures (:class:`~reechain.risk.chunks.ChunkSummary`). The chunks are joined in history
order, so the result is bit-identical for any chunk size, worker count and engine.

Locally the chunks run one after another in this process; with a ``dask.distributed``
client they are submitted as tasks (the chain scattered to every worker once). A worker
that dies mid-run loses its tasks, which the scheduler gives to another worker: each
chunk is a pure function of its inputs, so the result does not change. ``done`` (chunks
already computed, e.g. stored by an interrupted run) are not run again; ``on_chunk`` is
told of each new chunk, in completion order, so the caller can store it.

The runner does no I/O itself: starting clusters, storing chunks and showing progress
are the caller's (``workflows/risk.py``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.chain.pipeline import draw_chain
from reechain.errors import ConsistencyError
from reechain.risk.chunks import ChunkSummary, summarize_batch
from reechain.risk.engines import Engine, EngineBatch, default_engine
from reechain.risk.events import KINDS, EventModel
from reechain.risk.inputs import UncertainInput, apply_inputs, draw_inputs
from reechain.risk.sampler import (
    attribution_vectors,
    draw_history,
    history_scenario,
    history_seed,
    map_history,
)
from reechain.scenario.models import Policy, Scenario

FloatArray = NDArray[np.float64]


FINGERPRINTED = ("chain", "engine", "risk", "scenario")
"""Parts of the package whose code decides a chunk's numbers."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:  # first called at import, when the engine is imported
    """Return a SHA-256 of the source that computes a chunk (checked on every worker).

    Workers must run the very code the client runs, or "bit-identical" means nothing: a
    worker started after the engine was edited, or a cluster on another release, would
    quietly give other numbers. The fingerprint is taken once per process.
    """
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for part in FINGERPRINTED:
        paths = [root / part] if part.endswith(".py") else sorted((root / part).rglob("*.py"))
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


code_fingerprint()


@dataclass(frozen=True, eq=False)
class RiskSpec:
    """Everything a run depends on besides the chain (picklable, sent to workers)."""

    seed: int
    runs: int
    horizon_months: int
    model: EventModel
    base: Scenario | None = None
    """Scenario every history is added to (its events and policies)."""
    policies: tuple[Policy, ...] = ()
    """Policies run on the same histories for a paired estimate (empty: none)."""
    inputs: tuple[UncertainInput, ...] = ()
    """Inputs drawn per history (empty: the stated values)."""
    pipeline: bool = False
    """Draw each history's pipeline future (projects' success and start, by development
    stage; :func:`reechain.chain.pipeline.draw_chain`), in its run and its baseline run."""
    demand_path: FloatArray | None = field(default=None, repr=False)
    code: str = field(default_factory=code_fingerprint)
    """Fingerprint of the code that made the spec (:func:`code_fingerprint`)."""

    def chunks(self, chunk_size: int) -> list[tuple[int, int]]:
        """Return the (start, stop) of each chunk."""
        size = max(1, int(chunk_size))
        return [(s, min(s + size, self.runs)) for s in range(0, self.runs, size)]


def _histories(
    chain: Chain, spec: RiskSpec, start: int, stop: int
) -> list[tuple[Chain, Scenario, FloatArray, FloatArray, FloatArray, int]]:
    out = []
    for i in range(start, stop):
        model, chain_i = spec.model, chain
        values = np.zeros(0)
        if spec.inputs:
            values = draw_inputs(spec.inputs, np.random.default_rng(history_seed(spec.seed, i, 1)))
            chain_i, model = apply_inputs(chain, spec.model, spec.inputs, values)
        if spec.pipeline:
            chain_i = draw_chain(chain_i, np.random.default_rng(history_seed(spec.seed, i, 2)))
        rng = np.random.default_rng(history_seed(spec.seed, i, 0))
        mapped = map_history(chain_i, draw_history(model, rng, spec.horizon_months))
        scenario = history_scenario(chain_i, mapped, spec.base, f"risk-h{i}", spec.horizon_months)
        by_kind, by_supplier = attribution_vectors(chain_i, mapped)
        out.append((chain_i, scenario, values, by_kind, by_supplier, len(mapped.events)))
    return out


def _with_policies(scenario: Scenario, policies: tuple[Policy, ...]) -> Scenario:
    return scenario.model_copy(update={"policies": (*scenario.policies, *policies)})


def _stack(batches: list[EngineBatch]) -> EngineBatch:
    return EngineBatch(
        lost_units=np.concatenate([b.lost_units for b in batches]),
        value_lost_usd=np.concatenate([b.value_lost_usd for b in batches]),
        material_shortfall=np.concatenate([b.material_shortfall for b in batches]),
        baseline_requirement=np.concatenate([b.baseline_requirement for b in batches]),
    )


def run_chunk(
    chain: Chain, spec: RiskSpec, start: int, stop: int, engine: Engine | None = None
) -> ChunkSummary:
    """Return the per-history figures of histories ``start`` … ``stop − 1``.

    Raises ConsistencyError when this process runs other code than the spec's maker.
    """
    if spec.code != code_fingerprint():
        raise ConsistencyError(
            "this worker runs different reechain code from the client (engine, risk or "
            "scenario sources differ): restart the workers with the same version"
        )
    engine = engine or default_engine()
    histories = _histories(chain, spec, start, stop)
    scenarios = [h[1] for h in histories]
    policy_scenarios = [_with_policies(s, spec.policies) for s in scenarios]
    T, demand = spec.horizon_months, spec.demand_path
    policy: EngineBatch | None = None
    if spec.inputs or spec.pipeline:  # each history has its own chain: one call per history
        batch = _stack([engine(h[0], [h[1]], T, demand) for h in histories])
        if spec.policies:
            policy = _stack(
                [
                    engine(h[0], [p], T, demand)
                    for h, p in zip(histories, policy_scenarios, strict=True)
                ]
            )
    else:
        batch = engine(chain, scenarios, T, demand)
        if spec.policies:
            policy = engine(chain, policy_scenarios, T, demand)
    K, J = len(histories), len(spec.inputs)
    return summarize_batch(
        chain,
        batch,
        index=np.arange(start, stop, dtype=np.int64),
        attribution_kind=np.array([h[3] for h in histories]).reshape(K, len(KINDS)),
        attribution_supplier=np.array([h[4] for h in histories]).reshape(K, -1),
        event_count=np.array([h[5] for h in histories], dtype=np.int64),
        inputs=np.array([h[2] for h in histories]).reshape(len(histories), J),
        policy=policy,
    )


def default_chunk_size(runs: int) -> int:
    """Return ⌈N / 20⌉ histories per chunk, at least 32 (the engine's month loop has a fixed
    cost per call, so small chunks waste it) and at most 128 (memory), never above N."""
    return max(1, min(runs, max(32, math.ceil(runs / 20)), 128))


Progress = Callable[[int, int], None]
"""``progress(histories done, histories in all)``."""


def run_risk(
    chain: Chain,
    spec: RiskSpec,
    *,
    chunk_size: int | None = None,
    engine: Engine | None = None,
    client: Any = None,
    done: Mapping[int, ChunkSummary] | None = None,
    on_chunk: Callable[[int, ChunkSummary], None] | None = None,
    progress: Progress | None = None,
) -> ChunkSummary:
    """Return the per-history figures of all ``spec.runs`` histories, in history order.

    ``chunk_size`` defaults to :func:`default_chunk_size`; ``client`` is a
    ``dask.distributed.Client`` (None: run here); ``done`` maps chunk number → summary
    already computed; ``on_chunk(number, summary)`` is called for each new chunk.
    """
    engine = engine or default_engine()
    size = chunk_size or default_chunk_size(spec.runs)
    chunks = spec.chunks(size)
    results: dict[int, ChunkSummary] = {
        j: s for j, s in (done or {}).items() if j < len(chunks) and len(s.index) > 0
    }
    finished = sum(len(s.index) for s in results.values())
    if progress:
        progress(finished, spec.runs)
    todo = [j for j in range(len(chunks)) if j not in results]

    def record(j: int, summary: ChunkSummary) -> None:
        nonlocal finished
        results[j] = summary
        finished += len(summary.index)
        if on_chunk:
            on_chunk(j, summary)
        if progress:
            progress(finished, spec.runs)

    if client is None:
        for j in todo:
            start, stop = chunks[j]
            record(j, run_chunk(chain, spec, start, stop, engine))
    else:
        from distributed import as_completed

        chain_future = client.scatter(chain, broadcast=True, hash=False)
        spec_future = client.scatter(spec, broadcast=True, hash=False)
        futures = {
            client.submit(
                run_chunk,
                chain_future,
                spec_future,
                *chunks[j],
                engine,
                key=f"risk-chunk-{j:05d}-{spec.seed}-{id(spec):x}",
                pure=False,
            ): j
            for j in todo
        }
        for future in as_completed(list(futures)):  # type: ignore[no-untyped-call]
            record(futures[future], future.result())
            future.release()
    return ChunkSummary.concat([results[j] for j in range(len(chunks))])
