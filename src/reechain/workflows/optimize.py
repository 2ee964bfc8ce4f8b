"""The partnership optimiser in the Python API: load a partnership, optimise, store the run.

:func:`optimize_partnership` reads a partnership (a bundled name such as ``us-japan`` or a
YAML file), its dataset and candidate table, calls :func:`reechain.optimize.analyse` and,
with a store, records an ``optimize`` run whose outputs are the result tables as JSON
(written with the final status in one transaction).

Examples
--------
>>> from reechain.workflows.optimize import optimize_partnership
>>> run = optimize_partnership("us-japan", scenarios=2, out_of_sample=0, gap_histories=0,
...                            horizon_years=3, shares=False, max_iterations=1)
>>> run.analysis.solution.status.value
'optimal'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reechain.chain import compile_chain
from reechain.errors import InputError, NotFoundError
from reechain.names import check_name, did_you_mean, local_path, yaml_file
from reechain.optimize.analysis import LoopOptions, PartnershipAnalysis, analyse
from reechain.optimize.candidates import CandidateTable, bundled_candidates, read_candidates
from reechain.optimize.loop import MAX_ITERATIONS, TOLERANCE
from reechain.optimize.partnership import (
    Partnership,
    bundled_partnerships,
    parse_partnership,
)
from reechain.risk.cluster import dask_client
from reechain.store import DEFAULT_WORKSPACE, Store
from reechain.workflows import jobs
from reechain.workflows.datasets import load_dataset
from reechain.workflows.hashing import inputs_hash
from reechain.workflows.jobs import JobContext, Outputs, json_output
from reechain.workflows.requests import OptimizeRequest, parse_request

RUN_KIND = "optimize"


@dataclass(frozen=True)
class OptimizeRun:
    """A finished partnership analysis and, when it was stored, its run id."""

    analysis: PartnershipAnalysis
    run_id: str | None = None


def partnership_source(name_or_path: str | Path) -> tuple[str, str]:
    """Return (file name, YAML text) of a partnership file or bundled name (only a bundled
    name inside a server)."""
    path = yaml_file(name_or_path)
    if path is None:  # a bundled name, never a file of the working directory
        name = check_name(str(name_or_path), "partnership")
        bundled = bundled_partnerships()
        if name not in bundled:
            hint = did_you_mean(name, list(bundled))
            raise NotFoundError(
                f"no partnership named {name!r} (bundled: {', '.join(sorted(bundled))})"
                + (f"; {hint}" if hint else "")
            )
        path = bundled[name]
    try:
        return str(path), path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the partnership file ({exc})") from exc


def load_candidates(partnership: Partnership, base: Path | None = None) -> CandidateTable:
    """Return the partnership's candidate table: ``default`` or a CSV path (relative to base)."""
    if partnership.candidates == "default":
        return bundled_candidates()
    local_path(partnership.candidates, "candidates")
    path = Path(partnership.candidates)
    if not path.is_absolute() and base is not None:
        path = base / path
    return read_candidates(path)


def _analyse(
    partnership: Partnership,
    table: CandidateTable,
    store: Store | None,
    workspace: str,
    params: dict[str, Any],
    progress: Callable[[float], None] | None,
    cluster: tuple[int | None, str | None] = (None, None),
) -> PartnershipAnalysis:
    """Run the analysis; ``cluster`` (workers, scheduler) is for a local caller only: a
    stored run's params never name one, so the server never starts or reaches a cluster."""
    chain = compile_chain(load_dataset(partnership.dataset, store, workspace=workspace))
    options = LoopOptions(
        tolerance=float(params.get("tolerance") or TOLERANCE),
        max_iterations=int(params.get("max_iterations") or MAX_ITERATIONS),
    )
    with dask_client(*cluster) as client:
        return analyse(
            chain,
            partnership,
            table,
            scenarios=params.get("scenarios"),
            out_of_sample=params.get("out_of_sample"),
            budget_usd=params.get("budget_usd"),
            frontier=bool(params.get("frontier", False)),
            shapley=bool(params.get("shares", True)),
            gap_histories=int(params.get("gap_histories", 10)),
            options=options,
            side_payments=bool(params.get("side_payments", False)),
            client=client,
            progress=progress,
        )


def optimize_partnership(
    name_or_path: str | Path,
    store: Store | None = None,
    *,
    scenarios: int | None = None,
    out_of_sample: int | None = None,
    budget_usd: float | None = None,
    frontier: bool = False,
    shares: bool = True,
    gap_histories: int = 10,
    horizon_years: int | None = None,
    side_payments: bool = False,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[float], None] | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> OptimizeRun:
    """Return the optimal portfolio of a partnership, its checks, frontier and bill split.

    With ``store``, the run is recorded (kind ``optimize``) with its result tables. The
    second stage is refitted to the engine until within ``tolerance`` (at most
    ``max_iterations`` solves); ``side_payments`` allows negative bills; ``workers`` or
    ``scheduler`` run the out-of-sample engine check on Dask.
    """
    parse_request(
        OptimizeRequest,
        partnership=str(name_or_path),
        scenarios=scenarios,
        out_of_sample=out_of_sample,
        budget_usd=budget_usd,
        frontier=frontier,
        shares=shares,
        gap_histories=gap_histories,
        horizon_years=horizon_years,
        side_payments=side_payments,
        max_iterations=max_iterations,
        tolerance=tolerance,
        workers=workers,
        scheduler=scheduler,
    )
    file, text = partnership_source(name_or_path)
    partnership = parse_partnership(text, file)
    if horizon_years is not None:
        partnership = partnership.model_copy(update={"horizon_years": horizon_years})
    table = load_candidates(partnership, Path(file).parent)
    params: dict[str, Any] = {
        "partnership": partnership.name,
        "partnership_yaml": text,
        "horizon_years": partnership.horizon_years,
        "scenarios": scenarios,
        "out_of_sample": out_of_sample,
        "budget_usd": budget_usd,
        "frontier": frontier,
        "shares": shares,
        "gap_histories": gap_histories,
        "side_payments": side_payments,
        "max_iterations": max_iterations,
        "tolerance": tolerance,
        "candidates_file": str(Path(file).parent / partnership.candidates)
        if partnership.candidates != "default"
        else "default",
    }
    if store is None:
        return OptimizeRun(
            _analyse(partnership, table, None, workspace, params, progress, (workers, scheduler))
        )
    finished: list[PartnershipAnalysis] = []

    def job(ctx: JobContext) -> Outputs:
        def tick(x: float) -> None:
            ctx.progress(x)
            if progress:
                progress(x)

        finished.append(
            _analyse(
                partnership, table, ctx.store, ctx.workspace, params, tick, (workers, scheduler)
            )
        )
        return analysis_outputs(finished[0])

    digest = inputs_hash(None, **params)
    run_id = jobs.start(
        store,
        RUN_KIND,
        partnership.dataset,
        scenario=partnership.name,
        params=params,
        seed=partnership.seed,
        workspace=workspace,
        inputs_hash=digest,
    )
    jobs.run_here(store, run_id, job)
    return OptimizeRun(finished[0], run_id)


def analysis_outputs(analysis: PartnershipAnalysis) -> Outputs:
    """Return a run's stored outputs: every result table as JSON."""
    return {name: json_output(records) for name, records in analysis.tables().items()}


def _optimize_job(ctx: JobContext) -> Outputs:
    """The ``optimize`` kind of run: params hold the partnership YAML and the options."""
    params = dict(ctx.params)
    text = params.get("partnership_yaml")
    if not isinstance(text, str):
        raise InputError("optimize run: params.partnership_yaml is missing")
    partnership = parse_partnership(text, f"run:{ctx.run_id}")
    options = (
        *("scenarios", "out_of_sample", "budget_usd", "frontier", "shares", "gap_histories"),
        *("horizon_years", "side_payments", "max_iterations", "tolerance"),
    )
    parse_request(
        OptimizeRequest,
        partnership=partnership.name,
        **{k: params[k] for k in options if params.get(k) is not None},
    )
    if params.get("horizon_years"):
        partnership = partnership.model_copy(update={"horizon_years": int(params["horizon_years"])})
    source = params.get("candidates_file", "default")
    if source != "default":
        local_path(source, "candidates_file")
    table = bundled_candidates() if source == "default" else read_candidates(str(source))
    analysis = _analyse(partnership, table, ctx.store, ctx.workspace, params, ctx.progress)
    return analysis_outputs(analysis)


def write_plot(analysis: PartnershipAnalysis, path: str | Path) -> list[Path]:
    """Draw the frontier (or the chosen portfolio) and write it as PNG and SVG."""
    from reechain.optimize.plots import frontier_figure
    from reechain.workflows.metrics import save_plot

    return save_plot(frontier_figure(analysis), path)
