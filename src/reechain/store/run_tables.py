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


# --- headline losses -------------------------------------------------------------------
# Gross output and value added (GDP) lost, summed over sectors and regions; job-months;
# the most jobs idle at once (the largest monthly sum, never a sum of each sector's peak).
# Definitions: reechain.engine.kpis and the README's KPI table. Tables stored before value
# added and job-months were recorded lack their columns: those figures are then None.


@dataclass(frozen=True)
class HeadlineLosses:
    """Totals over every sector and region of one run (None: not in the stored tables)."""

    gross_output_lost_usd: float
    value_added_lost_usd: float | None
    job_months: float | None
    peak_jobs_at_risk: float
    """Most jobs idle in one month, all sectors and regions together."""


def headline_losses(kpis_sector: pd.DataFrame, monthly_sector: pd.DataFrame) -> HeadlineLosses:
    """Return the run's headline losses from its ``kpis_sector`` and ``monthly_sector``.

    Examples
    --------
    >>> ks = pd.DataFrame({"cumulative_value_lost_usd": [10.0, 5.0],
    ...                    "cumulative_value_added_lost_usd": [3.0, 1.0],
    ...                    "job_months": [2.0, 2.0]})
    >>> ms = pd.DataFrame({"month": ["2025-01", "2025-02"] * 2, "jobs_at_risk": [2, 0, 0, 2]})
    >>> headline_losses(ks, ms).peak_jobs_at_risk
    2.0
    """
    value_added = (
        float(kpis_sector["cumulative_value_added_lost_usd"].sum())
        if "cumulative_value_added_lost_usd" in kpis_sector
        else None
    )
    months = float(kpis_sector["job_months"].sum()) if "job_months" in kpis_sector else None
    by_month = (
        monthly_sector.groupby("month")["jobs_at_risk"].sum()
        if len(monthly_sector) and "jobs_at_risk" in monthly_sector
        else pd.Series(dtype=float)
    )
    return HeadlineLosses(
        gross_output_lost_usd=float(kpis_sector["cumulative_value_lost_usd"].sum()),
        value_added_lost_usd=value_added,
        job_months=months,
        peak_jobs_at_risk=float(by_month.max()) if len(by_month) else 0.0,
    )


__all__ = [
    "OPTIONAL_TABLES",
    "TABLES",
    "HeadlineLosses",
    "RunTables",
    "headline_losses",
    "result_frame",
]
