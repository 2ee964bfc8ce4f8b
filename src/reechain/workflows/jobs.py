"""Analyses as stored runs: the kinds of run there are, and how one is carried out.

A *kind* is a function that takes a :class:`JobContext` and returns the run's outputs
(name → (media type, bytes)). :data:`KINDS` is the one static table of kinds; a kind whose
module is heavy to import (the optimiser needs linopy, risk needs scipy.stats) is named by
``"module:function"`` and imported on first use.

:func:`execute` records the run as running, reports progress, honours cancellation, and
writes the outputs together with the final status in one transaction, so a run is never
shown as done with half its results. The server runs jobs in a thread pool; the CLI runs
them in the foreground.
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reechain.chain import compile_chain
from reechain.chain.summary import commodity_summary, residual_summary, stage_summary
from reechain.errors import InputError, ReechainError, RunFailedError
from reechain.names import did_you_mean
from reechain.store import DEFAULT_WORKSPACE, Store

Outputs = dict[str, tuple[str, bytes]]
JSON = "application/json"

log = logging.getLogger(__name__)


class Cancelled(Exception):  # noqa: N818 (a signal, not an error)
    """Raised inside a job when its run has been cancelled."""


@dataclass(frozen=True)
class JobContext:
    """What a job may use: the store, its workspace, its inputs and a progress callback."""

    store: Store
    run_id: str
    dataset: str
    scenario: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    workspace: str = DEFAULT_WORKSPACE

    def progress(self, fraction: float) -> None:
        """Record progress (0–1); raise Cancelled if the run was cancelled meanwhile."""
        if self.store.get_run(self.run_id, workspace=None).status == "cancelled":
            raise Cancelled(self.run_id)
        self.store.set_progress(self.run_id, fraction)

    def load_dataset(self) -> Any:
        """Return the run's dataset: stored in the workspace, else bundled."""
        from reechain.workflows.datasets import load_dataset

        return load_dataset(self.dataset, self.store, workspace=self.workspace)


JobFunction = Callable[[JobContext], Outputs]


def json_output(records: Any) -> tuple[str, bytes]:
    """Return records as a JSON output of a run."""
    return JSON, json.dumps(records, default=str, allow_nan=False).encode()


def _summary_job(ctx: JobContext) -> Outputs:
    """The stage-by-stage chain summary of a dataset, as a stored run."""
    year = ctx.params.get("year")
    chain = compile_chain(ctx.load_dataset(), None if year is None else int(year))
    ctx.progress(0.5)
    return {
        "stages": json_output(stage_summary(chain)),
        "commodities": json_output(commodity_summary(chain)),
        "residuals": json_output(residual_summary(chain)),
    }


KINDS: Mapping[str, JobFunction | str] = {
    "summary": _summary_job,
    "simulate": "reechain.workflows.simulate:_simulate_job",
    "risk": "reechain.workflows.risk:_risk_job",
    "optimize": "reechain.workflows.optimize:_optimize_job",
}
"""Every kind of run, by name: its job function, or where to import it from."""


def job_for(kind: str) -> JobFunction:
    """Return the job function of ``kind``; InputError naming the kinds otherwise."""
    found = KINDS.get(kind)
    if isinstance(found, str):
        module, _, name = found.partition(":")
        found = getattr(importlib.import_module(module), name)
    if found is None:
        raise InputError(
            f"kind: got {kind!r}, expected one of {', '.join(sorted(KINDS))}"
            + (f"; {hint}" if (hint := did_you_mean(kind, KINDS)) else "")
        )
    return found


def start(
    store: Store,
    kind: str,
    dataset: str,
    *,
    scenario: str = "",
    params: Mapping[str, Any] | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    seed: int | None = None,
    inputs_hash: str = "",
) -> str:
    """Record a pending run of ``kind`` and return its id (checks the kind exists)."""
    job_for(kind)
    return store.create_run(
        kind,
        dataset,
        scenario=scenario,
        params=params,
        seed=seed,
        workspace=workspace,
        inputs_hash=inputs_hash,
    )


def execute(store: Store, run_id: str, function: JobFunction | None = None) -> str:
    """Carry out the pending run ``run_id`` and return its final status.

    ``function`` replaces the kind's job (the caller already holds the inputs, e.g. a
    compiled chain, and wants the results object too); the record keeping is the same.

    A user's mistake (a ReechainError) fails the run with its message; any other error
    fails it as an internal error and is logged with its traceback.
    """
    try:
        return _execute(store, run_id, function)
    except (ReechainError, _Internal):
        return store.get_run(run_id, workspace=None).status


def run_here(store: Store, run_id: str, function: JobFunction | None = None) -> None:
    """Carry out the pending run ``run_id`` in this process, recorded as :func:`execute` does.

    Raises what stopped it: a user's mistake as itself (an InputError …), an internal
    error or a cancellation as :class:`~reechain.errors.RunFailedError`.
    """
    try:
        status = _execute(store, run_id, function)
    except _Internal as exc:
        raise RunFailedError(run_id, "failed", str(exc)) from exc.__cause__
    if status != "done":
        raise RunFailedError(run_id, status, store.get_run(run_id, workspace=None).error or "")


class _Internal(Exception):  # noqa: N818 (carries a recorded internal error)
    """An unexpected error, already recorded on the run."""


def _execute(store: Store, run_id: str, function: JobFunction | None) -> str:
    run = store.get_run(run_id, workspace=None)
    if run.status != "pending":
        return run.status
    ctx = JobContext(store, run.id, run.dataset, run.scenario, run.params, run.workspace)
    store.start_run(run.id)
    try:
        outputs = (function or job_for(run.kind))(ctx)
    except Cancelled:
        return "cancelled"
    except ReechainError as exc:
        store.fail_run(run.id, str(exc))
        raise
    except Exception as exc:
        log.exception("run %s (%s) failed", run.id, run.kind)
        message = f"internal error: {exc.__class__.__name__}: {exc}"
        store.fail_run(run.id, message)
        raise _Internal(message) from exc
    store.finish_run(run.id, outputs)
    return store.get_run(run.id, workspace=None).status
