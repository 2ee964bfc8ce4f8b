"""A simulation's result tables, from a stored run or from a fresh run of a scenario.

Both the reports and the dashboard read runs through :func:`load_run`, so a stored run's
tables are parsed in one place. Stored runs are immutable once done, so callers may cache.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reechain.errors import InputError
from reechain.store import DEFAULT_WORKSPACE, RunInfo, Store
from reechain.store.run_tables import OPTIONAL_TABLES, TABLES, RunTables, result_frame
from reechain.workflows.simulate import (
    result_tables,
    run_scenario,
    scenario_source,
    validate_scenario_text,
)


def load_run(store: Store, run_id: str, *, workspace: str = DEFAULT_WORKSPACE) -> RunTables:
    """Return the tables of finished simulation run ``run_id``; InputError otherwise."""
    run = store.get_run(run_id, workspace=workspace)
    if run.kind != "simulate":
        raise InputError(f"run {run_id} is a {run.kind} run; a briefing needs a simulate run")
    if run.status != "done":
        raise InputError(f"run {run_id} is {run.status}; only finished runs have results")
    names = set(store.result_names(run_id, workspace=workspace))
    frames = {}
    for table in TABLES:
        name = f"{table}.parquet" if f"{table}.parquet" in names else table
        frames[table] = result_frame(*store.get_result(run_id, name, workspace=workspace))
    for table in OPTIONAL_TABLES:
        if f"{table}.parquet" in names:
            got = store.get_result(run_id, f"{table}.parquet", workspace=workspace)
            frames[table] = result_frame(*got)
    return RunTables(
        scenario=run.scenario,
        dataset=run.dataset,
        run_id=run.id,
        created=run.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        scenario_text=_scenario_text(run, store, workspace),
        **frames,
    )


def _scenario_text(run: RunInfo, store: Store, workspace: str) -> str:
    try:
        return scenario_source(run.scenario, store, workspace=workspace)[1]
    except Exception:  # the scenario may have been deleted since; the run still stands
        return ""


def run_fresh(name_or_path: str, store: Store | None = None) -> RunTables:
    """Return the tables of a fresh run of a scenario (file, stored or bundled name)."""
    from datetime import UTC, datetime

    found = run_scenario(name_or_path, store)
    tables = result_tables(found.results)
    frames: dict[str, Any] = {
        t: pd.DataFrame.from_records(tables[t]) for t in (*TABLES, *OPTIONAL_TABLES)
    }
    _, text = scenario_source(name_or_path, store)
    scenario = validate_scenario_text(text, str(name_or_path), store)
    return RunTables(
        scenario=scenario.name,
        dataset=scenario.dataset,
        run_id=found.run_id,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scenario_text=text,
        **frames,
    )
