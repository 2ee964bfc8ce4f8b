"""Briefings in the Python API: find a run or run a scenario, then word and render it.

The loading is here, the wording and drawing in :mod:`reechain.report` (imported when a
briefing is first asked for: Jinja2, WeasyPrint and matplotlib are not loaded otherwise).

Examples
--------
>>> from reechain.workflows.reports import briefing_for_scenario, render_briefing
>>> briefing = briefing_for_scenario("dy-restriction")
>>> render_briefing(briefing, "html")[:15]
b'<!doctype html>'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reechain.errors import InputError
from reechain.store import DEFAULT_WORKSPACE, RunInfo, Store
from reechain.workflows.datasets import load_dataset
from reechain.workflows.runs import load_run, run_fresh

if TYPE_CHECKING:
    from reechain.report import AnalysisBriefing, Briefing
    from reechain.report.summary import Comparisons

ANALYSIS_KINDS = ("risk", "optimize")
"""Run kinds that get an analysis briefing (a simulate run gets the scenario briefing)."""

FORMATS = ("html", "pdf")


DRAWS = 40
"""Runs with the uncertain inputs drawn, for the ranges of a briefing's summary."""
SEED = 20250404


def briefing_for_run(
    store: Store,
    run_id: str,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    focus: str | None = None,
    draws: int = DRAWS,
) -> Briefing:
    """Return the briefing of stored simulation run ``run_id`` for ``focus``."""
    from reechain.report import build_briefing

    tables = load_run(store, run_id, workspace=workspace)
    dataset = load_dataset(tables.dataset, store, workspace=workspace)
    extra = _comparisons(tables.scenario_text, dataset, draws) if tables.scenario_text else None
    return build_briefing(tables, dataset, focus=focus, comparisons=extra)


def briefing_for_scenario(
    name_or_path: str,
    store: Store | None = None,
    *,
    focus: str | None = None,
    draws: int = DRAWS,
) -> Briefing:
    """Return the briefing of a scenario (file, stored or bundled name), run now, for
    ``focus`` (a region, a group or ``world``), with ranges from ``draws`` runs."""
    from reechain.report import build_briefing

    tables = run_fresh(name_or_path, store)
    dataset = load_dataset(tables.dataset, store)
    extra = _comparisons(tables.scenario_text, dataset, draws)
    return build_briefing(tables, dataset, focus=focus, comparisons=extra)


def _comparisons(scenario_text: str, dataset: Any, draws: int) -> Comparisons:
    """Run the scenario beside itself: ``draws`` times with the uncertain inputs drawn
    within their bounds, and once with the dataset's policy package composed (the first
    bundled scenario of the dataset that holds only policies), over the same months."""
    import numpy as np

    from reechain.chain import compile_chain
    from reechain.engine.results import simulate
    from reechain.report.summary import Comparisons
    from reechain.risk.inputs import apply_chain_inputs, draw_inputs, uncertain_inputs
    from reechain.scenario import load_scenario
    from reechain.scenario.compose import compose
    from reechain.scenario.library import library_scenarios
    from reechain.scenario.validate import parse_scenario
    from reechain.workflows.demand import monthly_demand_path

    scenario, _ = parse_scenario(scenario_text, "scenario")
    chain = compile_chain(dataset)
    T = scenario.horizon_months
    demand = monthly_demand_path(scenario.demand, chain, T) if scenario.demand else None
    space = uncertain_inputs(chain)
    rng = np.random.default_rng(SEED)
    by_region: dict[str, list[float]] = {r: [] for r in chain.regions}
    for _ in range(draws if space else 0):
        drawn = apply_chain_inputs(chain, space, draw_inputs(space, rng))
        lost = simulate(drawn, scenario, demand_path=demand).value_lost_usd.sum(axis=(0, 1))
        for r, region in enumerate(chain.regions):
            by_region[region].append(float(lost[r]))
    packages = [
        path
        for name, path in library_scenarios(dataset.name).items()
        if name not in scenario.name.split("+")
    ]
    title, with_package = "", {}
    for path in packages if scenario.events else []:
        package = load_scenario(path)
        if package.events or not package.policies or package.dataset != scenario.dataset:
            continue
        both = simulate(chain, compose([scenario, package]), months=T, demand_path=demand)
        lost = both.value_lost_usd.sum(axis=(0, 1))
        title = package.title or package.name
        with_package = {r: float(lost[i]) for i, r in enumerate(chain.regions)}
        break
    return Comparisons(by_region, title, with_package)


def analysis_briefing(
    store: Store, run_id: str, *, workspace: str = DEFAULT_WORKSPACE
) -> AnalysisBriefing:
    """Return the briefing of a finished ``risk`` or ``optimize`` run."""
    from reechain.report import build_analysis_briefing

    run = store.get_run(run_id, workspace=workspace)
    if run.kind not in ANALYSIS_KINDS:
        raise InputError(
            f"run {run_id} is a {run.kind} run; expected one of {', '.join(ANALYSIS_KINDS)}"
        )
    if run.status != "done":
        raise InputError(f"run {run_id} is {run.status}; only finished runs have results")
    dataset = load_dataset(run.dataset, store, workspace=workspace)
    return build_analysis_briefing(run, _outputs(store, run, workspace), dataset)


def briefing_for(
    run_or_scenario: str,
    store: Store,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    focus: str | None = None,
    draws: int = DRAWS,
) -> Briefing | AnalysisBriefing:
    """Return the briefing of a stored run id (or its first 8+ characters) — a simulate,
    risk or optimize run — else of a scenario run now; a scenario's for ``focus``."""
    if len(run_or_scenario) >= 8:
        for run in store.list_runs(None, 5000, workspace=workspace):
            if run.id.startswith(run_or_scenario) and run.status == "done":
                return run_briefing(store, run.id, workspace=workspace, focus=focus, draws=draws)
    return briefing_for_scenario(run_or_scenario, store, focus=focus, draws=draws)


def run_briefing(
    store: Store,
    run_id: str,
    *,
    workspace: str = DEFAULT_WORKSPACE,
    focus: str | None = None,
    draws: int = DRAWS,
) -> Briefing | AnalysisBriefing:
    """Return the briefing of stored run ``run_id``, whatever its kind."""
    if store.get_run(run_id, workspace=workspace).kind == "simulate":
        return briefing_for_run(store, run_id, workspace=workspace, focus=focus, draws=draws)
    return analysis_briefing(store, run_id, workspace=workspace)


def briefing_file(
    store: Store, run_id: str, fmt: str, *, workspace: str = DEFAULT_WORKSPACE
) -> tuple[str, bytes]:
    """Return (file name, bytes) of the briefing of stored run ``run_id`` as ``fmt``."""
    run = store.get_run(run_id, workspace=workspace)
    briefing = run_briefing(store, run_id, workspace=workspace)
    return f"briefing-{run.kind}-{run.scenario}-{run_id[:8]}.{fmt}", render_briefing(briefing, fmt)


def briefing_name(briefing: Briefing | AnalysisBriefing) -> str:
    """Return a short name for a briefing's file: its scenario, or its kind and subject."""
    from reechain.report import AnalysisBriefing

    if isinstance(briefing, AnalysisBriefing):
        return f"{briefing.kind}-{briefing.subject}"
    return briefing.scenario


def render_briefing(briefing: Briefing | AnalysisBriefing, fmt: str) -> bytes:
    """Return ``briefing`` rendered as ``fmt`` (html or pdf)."""
    from reechain.report import render_html, render_pdf

    if fmt not in FORMATS:
        raise InputError(f"--format: got {fmt!r}, expected html or pdf")
    return render_html(briefing).encode() if fmt == "html" else render_pdf(briefing)


def write_briefing(briefing: Briefing | AnalysisBriefing, out: str | Path, fmt: str) -> Path:
    """Write ``briefing`` as ``fmt`` to ``out``; return the path written."""
    from reechain.report import write_report

    return write_report(briefing, out, fmt)


def _outputs(store: Store, run: RunInfo, workspace: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in store.result_names(run.id, workspace=workspace):
        media, payload = store.get_result(run.id, name, workspace=workspace)
        out[name] = json.loads(payload) if media == "application/json" else payload
    return out


__all__ = [
    "analysis_briefing",
    "briefing_file",
    "briefing_for",
    "briefing_for_run",
    "briefing_for_scenario",
    "briefing_name",
    "render_briefing",
    "run_briefing",
    "write_briefing",
]
