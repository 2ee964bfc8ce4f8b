"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``store/migrations`` create exactly these tables; a test compares the
migrated database with this metadata, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("title", Text, nullable=False, default=""),
    Column("base_year", Integer, nullable=False),
    Column("version", String(64), nullable=False, default="1"),
    Column("description", Text, nullable=False, default=""),
    Column("meta", JSON, nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("content_hash", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
)
"""One row per imported dataset; its rows live in ``dataset_rows``."""

dataset_rows = Table(
    "dataset_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset_id", Integer, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    Column("table_name", String(32), nullable=False),
    Column("position", Integer, nullable=False),
    Column("line", Integer, nullable=False),
    Column("confidence", String(8), nullable=True),
    Column("payload", JSON, nullable=False),
    Index("ix_dataset_rows_dataset_table", "dataset_id", "table_name", "position"),
)
"""Every row of every table of a dataset, with the line it was read from."""

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("dataset", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""Scenario files (YAML text) saved by users."""

runs = Table(
    "runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("progress", Float, nullable=False, default=0.0),
    Column("dataset", String(64), nullable=False),
    Column("scenario", Text, nullable=False, default=""),
    Column("inputs_hash", String(64), nullable=False),
    Column("seed", Integer, nullable=True),
    Column("code_version", String(64), nullable=False),
    Column("params", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_runs_status", "status"),
)
"""Analyses: kind (simulate, risk, optimize, …), status and timings."""

results = Table(
    "results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(36), ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    UniqueConstraint("run_id", "name", name="uq_results_run_name"),
)
"""A run's outputs: JSON documents or Parquet blobs, written with the run's final status."""
