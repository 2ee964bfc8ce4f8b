"""Risk runs in the Python API: start clusters, store chunks, resume, summarise, plot.

:func:`run_risk_analysis` runs N disruption histories on top of a scenario (file, stored
or bundled name) and returns the risk tables. Where it runs: here (default), on a
``dask.distributed.LocalCluster`` of ``workers`` processes, or on the cluster at
``scheduler`` (``tcp://HOST:PORT``).

**Stored and resumable.** With a store, the run is recorded (kind ``risk``) with its
inputs hash; each finished chunk is written at once as a result row ``chunk-00012`` of
the running run (the per-history figures, ``.npz``). The final tables replace the chunk
rows and mark the run done in one transaction (:meth:`Store.finish_run`), so a run never
shows a partial result as final. If the process is interrupted (Ctrl-C, killed), the
run stays ``running`` with its chunks; the next call with the same inputs finds it (its
worker is dead, or is this process) and computes only the missing chunks, with the
chunk size it started with. A run that failed with an error keeps nothing.

Examples
--------
>>> from reechain.workflows.risk import run_risk_analysis
>>> run = run_risk_analysis("baseline", runs=4, seed=1, horizon_months=12)
>>> run.result.runs, run.run_id
(4, None)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reechain.chain import Chain, compile_chain
from reechain.errors import InputError, ReechainError
from reechain.risk import ChunkSummary, RiskResult, make_spec, risk_result, run_risk, summarize
from reechain.risk.checkpoint import NPZ, Checkpoint
from reechain.risk.cluster import dask_client
from reechain.risk.engines import ENGINES, Engine
from reechain.risk.runner import Progress, default_chunk_size
from reechain.risk.tables import load_parameters
from reechain.scenario.models import Policy
from reechain.scenario.validate import check_against_chain
from reechain.store import DEFAULT_WORKSPACE, Store
from reechain.workflows import jobs
from reechain.workflows.datasets import load_dataset
from reechain.workflows.hashing import inputs_hash
from reechain.workflows.jobs import JobContext, Outputs, json_output
from reechain.workflows.requests import RiskRequest, parse_request
from reechain.workflows.simulate import validate_scenario

RUN_KIND = "risk"


@dataclass(frozen=True)
class RiskRun:
    """A finished risk run: its result, its tables and, when stored, its id."""

    result: RiskResult
    tables: dict[str, list[dict[str, Any]]]
    run_id: str | None = None
    resumed_chunks: int = 0
    """Chunks taken from an interrupted earlier attempt."""


def _callable(engine: str | Engine | None) -> Engine | None:
    return None if isinstance(engine, str) else engine


def _policies(policy: str | Path | None, store: Store | None, chain: Chain) -> tuple[Policy, ...]:
    if policy is None:
        return ()
    scenario = validate_scenario(policy, store, chain=chain)
    if not scenario.policies:
        raise InputError(f"{policy}: the policy file has no policies")
    return scenario.policies


# --- the analysis ---------------------------------------------------------------------------


def risk_outputs(result: RiskResult, tables: dict[str, list[dict[str, Any]]]) -> Outputs:
    """Return a finished run's stored outputs: every table as JSON, the figures as .npz."""
    outputs: Outputs = {name: json_output(records) for name, records in tables.items()}
    outputs["meta"] = json_output(result.meta)
    outputs["figures.npz"] = (NPZ, result.figures.to_bytes())
    return outputs


def run_risk_analysis(
    scenario: str | Path = "baseline",
    store: Store | None = None,
    *,
    runs: int,
    seed: int,
    horizon_months: int = 120,
    chunk_size: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    policy: str | Path | None = None,
    demand: str | None = None,
    sample_inputs: bool = False,
    engine: str | Engine | None = None,
    progress: Progress | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    draw_pipeline: bool = False,
) -> RiskRun:
    """Return the risk tables of ``runs`` histories on top of ``scenario`` (USD, tonnes).

    With ``store`` the run is recorded and resumable (see the module docstring).
    """
    request = parse_request(
        RiskRequest,
        scenario=str(scenario),
        runs=runs,
        seed=seed,
        horizon_months=horizon_months,
        chunk_size=chunk_size,
        workers=workers,
        scheduler=scheduler,
        policy=None if policy is None else str(policy),
        demand=demand,
        sample_inputs=sample_inputs,
        engine=engine if isinstance(engine, str) else None,
        draw_pipeline=draw_pipeline,
    )
    if request.engine is not None and request.engine not in ENGINES:
        raise InputError(f"engine: got {request.engine!r}, expected one of {', '.join(ENGINES)}")
    chosen: Engine | None = ENGINES[request.engine] if request.engine else _callable(engine)
    base = validate_scenario(scenario, store, workspace=workspace)
    dataset = load_dataset(base.dataset, store, workspace=workspace)
    chain = compile_chain(dataset)
    policies = _policies(policy, store, chain)
    probe = base.model_copy(
        update={"horizon_months": horizon_months, "policies": (*base.policies, *policies)}
    )
    check_against_chain(probe, chain)  # e.g. a policy starting after the horizon
    path = None
    if demand:
        from reechain.workflows.demand import monthly_demand_path

        path = monthly_demand_path(demand, chain, horizon_months)
    spec = make_spec(
        chain,
        runs,
        seed,
        horizon_months,
        base=base,
        policies=policies,
        sample_inputs=sample_inputs,
        demand_path=path,
        pipeline=draw_pipeline,
    )
    drawn = {"draw_pipeline": True} if draw_pipeline else {}
    digest = inputs_hash(
        dataset,
        base=base,
        policies=[p.model_dump(mode="json") for p in policies],
        runs=runs,
        seed=seed,
        horizon=horizon_months,
        sample_inputs=sample_inputs,
        demand=path if path is not None else "flat",
        model=[p.model_dump(mode="json") for p in load_parameters()],
        **drawn,
    )
    meta = {"scenario": base.name, "policy": str(policy or ""), "demand": demand or "flat"}

    def compute(
        client: Any,
        size: int | None,
        done: dict[int, ChunkSummary],
        on_chunk: Callable[[int, ChunkSummary], None] | None,
    ) -> RiskRun:
        figures = run_risk(
            chain,
            spec,
            chunk_size=size,
            engine=chosen,
            client=client,
            done=done,
            on_chunk=on_chunk,
            progress=progress,
        )
        result = risk_result(chain, spec, figures, meta)
        return RiskRun(result, summarize(result), resumed_chunks=len(done))

    with dask_client(workers, scheduler) as client:
        if store is None:
            return compute(client, chunk_size, {}, None)
        run_id = store.find_interrupted(RUN_KIND, digest, workspace=workspace)
        done: dict[int, ChunkSummary] = {}
        if run_id is not None:
            size = store.get_run(run_id, workspace=workspace).params.get("chunk_size")
            chunk_size = int(size) if size else chunk_size
            done = Checkpoint(store, run_id).load()
        else:
            chunk_size = chunk_size or default_chunk_size(runs)
            run_id = jobs.start(
                store,
                RUN_KIND,
                dataset.name,
                scenario=base.name,
                params={
                    "runs": runs,
                    "seed": seed,
                    "horizon_months": horizon_months,
                    "chunk_size": chunk_size,
                    "policy": str(policy or ""),
                    "demand": demand or "flat",
                    "sample_inputs": sample_inputs,
                    **drawn,
                },
                seed=seed,
                inputs_hash=digest,
                workspace=workspace,
            )
        store.start_run(run_id)

        size = int(chunk_size or 1)
        checkpoint = Checkpoint(store, run_id)

        def on_chunk(number: int, summary: ChunkSummary) -> None:
            assert run_id is not None
            checkpoint.save(number, summary)
            store.set_progress(run_id, min(0.99, (number + 1) * size / runs))

        try:
            run = compute(client, chunk_size, done, on_chunk)
        except ReechainError as exc:
            store.fail_run(run_id, str(exc))
            raise
        except Exception as exc:
            store.fail_run(run_id, f"internal error: {exc.__class__.__name__}: {exc}")
            raise
        store.finish_run(run_id, risk_outputs(run.result, run.tables))
        return RiskRun(run.result, run.tables, run_id, run.resumed_chunks)


def _risk_job(ctx: JobContext) -> Outputs:
    """The ``risk`` kind of run (REST API): histories on top of ``ctx.scenario``, here.

    Params: ``runs``, ``seed``, ``horizon_months`` (120), ``chunk_size``, ``policy`` (a
    stored or bundled scenario whose policies are compared), ``demand``,
    ``sample_inputs``, ``draw_pipeline``. Chunks are stored under the run as they finish.
    """
    p = ctx.params
    runs, seed = int(p.get("runs", 100)), int(p.get("seed", 0))
    horizon = int(p.get("horizon_months", 120))
    chain = compile_chain(ctx.load_dataset())
    base = validate_scenario(
        ctx.scenario or "baseline",
        ctx.store,
        chain=chain,
        workspace=ctx.workspace,
        dataset=ctx.dataset,  # a bundled name means the library's scenario for this dataset
    )
    policies = _policies(p.get("policy") or None, ctx.store, chain)
    path = None
    if p.get("demand"):
        from reechain.workflows.demand import monthly_demand_path

        path = monthly_demand_path(str(p["demand"]), chain, horizon)
    spec = make_spec(
        chain,
        runs,
        seed,
        horizon,
        base=base,
        policies=policies,
        sample_inputs=bool(p.get("sample_inputs", False)),
        demand_path=path,
        pipeline=bool(p.get("draw_pipeline", False)),
    )
    size = int(p.get("chunk_size") or default_chunk_size(runs))
    checkpoint = Checkpoint(ctx.store, ctx.run_id)
    figures = run_risk(
        chain,
        spec,
        chunk_size=size,
        done=checkpoint.load(),
        on_chunk=checkpoint.save,
        progress=lambda done, total: ctx.progress(0.99 * done / total),
    )
    result = risk_result(chain, spec, figures, {"scenario": base.name})
    return risk_outputs(result, summarize(result))


# --- charts ---------------------------------------------------------------------------------


def write_risk_plot(
    result: RiskResult, tables: dict[str, list[dict[str, Any]]], out: str | Path
) -> Path:
    """Write exceedance curves (world and the five most exposed regions) and, with sampled
    inputs, the tornado chart of the ten inputs that move the tail most, to ``out``."""
    from matplotlib.figure import Figure

    path = Path(out)
    tornado = tables.get("sensitivity", [])[:10]
    fig = Figure(figsize=(13 if tornado else 7, 5), layout="constrained")
    axes = fig.subplots(1, 2 if tornado else 1, squeeze=False)[0]
    ax = axes[0]
    total = np.sort(result.total_value_lost_usd)[::-1]
    n = total.size
    prob = np.arange(1, n + 1) / n
    ax.step(total / 1e9, prob, where="post", label="world", linewidth=2)
    by_region = result.figures.value_region_year.sum(axis=1)
    for r in np.argsort(-by_region.mean(axis=0))[:5]:
        if by_region[:, r].max() > 0:
            ax.step(
                np.sort(by_region[:, r])[::-1] / 1e9,
                prob,
                where="post",
                label=result.regions[r],
            )
    ax.set_yscale("log")
    ax.set_xlabel("cumulative value lost over the horizon (billion USD)")
    ax.set_ylabel("probability of exceeding")
    ax.set_title(f"Exceedance, {n} histories")
    ax.legend()
    if tornado:
        tx = axes[1]
        names = [r["input"] for r in tornado][::-1]
        low = np.array([r["tail_low_usd"] for r in tornado][::-1]) / 1e9
        high = np.array([r["tail_high_usd"] for r in tornado][::-1]) / 1e9
        centre = float(np.quantile(result.total_value_lost_usd, 0.9)) / 1e9
        y = np.arange(len(names))
        tx.barh(y, low - centre, left=centre, color="tab:blue", label="input in its lowest third")
        tx.barh(y, high - centre, left=centre, color="tab:red", label="input in its highest third")
        tx.axvline(centre, color="black", linewidth=0.8)
        tx.set_yticks(y, names)
        tx.set_xlabel("P90 of world value lost (billion USD)")
        tx.set_title("What moves the tail (tornado)")
        tx.legend(loc="lower right")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
