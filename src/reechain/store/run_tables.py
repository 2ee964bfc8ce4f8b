"""A finished simulation's result tables, as the reports and the dashboard read them.

Built from a stored run (:func:`reechain.workflows.runs.load_run`) or from a fresh run of a
scenario (:func:`reechain.workflows.runs.run_fresh`). Stored runs are immutable once done,
so holders may cache them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

import pandas as pd

TABLES = ("monthly_sector", "monthly_commodity", "kpis_sector", "kpis_commodity")
"""The result tables of a simulate run, each stored as JSON records or Parquet."""

OPTIONAL_TABLES = ("trade",)
"""Tables read when the run has them."""


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
    trade: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Monthly shipments per link (empty for a run stored without its trade table)."""

    @property
    def label(self) -> str:
        """Return a short name for legends: scenario and the run id's first characters."""
        return f"{self.scenario} ({self.run_id[:8]})" if self.run_id else self.scenario


def result_frame(media: str, payload: bytes) -> pd.DataFrame:
    """Return a stored result (JSON records or Parquet bytes) as a DataFrame."""
    if media == "application/json":
        return pd.DataFrame.from_records(json.loads(payload))
    return pd.read_parquet(io.BytesIO(payload))


__all__ = ["OPTIONAL_TABLES", "TABLES", "RunTables", "result_frame"]
