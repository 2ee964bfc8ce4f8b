"""A simulation's result tables, from a stored run or from a fresh run of a scenario.

Both the reports and the dashboard read runs through :func:`load_run`, so a stored run's
tables are parsed in one place. Stored runs are immutable once done, so callers may cache.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reechain import workflows
from reechain.errors import InputError
from reechain.store import DEFAULT_WORKSPACE, RunInfo, Store

TABLES = ("monthly_sector", "monthly_commodity", "kpis_sector", "kpis_commodity")


@dataclass(frozen=True, eq=False)
class RunTables:
    """A finished simulation: what was run and its result tables (see result_tables)."""

    scenario: str
    dataset: str
    run_id: str | None
    created: str
    scenario_text: str
    monthly_sector: pd.DataFrame
    monthly_commodity: pd.DataFrame
    kpis_sector: pd.DataFrame
    kpis_commodity: pd.DataFrame

    @property
    def label(self) -> str:
        """Return a short name for legends: scenario and the run id's first characters."""
        return f"{self.scenario} ({self.run_id[:8]})" if self.run_id else self.scenario


def _frame(media: str, payload: bytes) -> pd.DataFrame:
    if media == "application/json":
        return pd.DataFrame.from_records(json.loads(payload))
    return pd.read_parquet(io.BytesIO(payload))


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
        frames[table] = _frame(*store.get_result(run_id, name, workspace=workspace))
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
        return workflows.scenario_source(run.scenario, store, workspace=workspace)[1]
    except Exception:  # the scenario may have been deleted since; the run still stands
        return ""


def run_fresh(name_or_path: str, store: Store | None = None) -> RunTables:
    """Return the tables of a fresh run of a scenario (file, stored or bundled name)."""
    from datetime import UTC, datetime

    found = workflows.run_scenario(name_or_path, store)
    tables = workflows.result_tables(found.results)
    frames: dict[str, Any] = {t: pd.DataFrame.from_records(tables[t]) for t in TABLES}
    _, text = workflows.scenario_source(name_or_path, store)
    scenario = workflows.validate_scenario_text(text, str(name_or_path), store)
    return RunTables(
        scenario=scenario.name,
        dataset=scenario.dataset,
        run_id=found.run_id,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        scenario_text=text,
        **frames,
    )
