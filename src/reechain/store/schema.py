"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``store/migrations`` create exactly these tables; a test compares the
migrated database with this metadata, so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

DEFAULT_WORKSPACE = "default"
"""The workspace of a single analyst working without accounts."""

datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace", String(64), nullable=False, default=DEFAULT_WORKSPACE),
    Column("name", String(64), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("base_year", Integer, nullable=False),
    Column("version", String(64), nullable=False, default="1"),
    Column("description", Text, nullable=False, default=""),
    Column("meta", JSON, nullable=False),
    Column("origin", Text, nullable=False, default=""),
    Column("content_hash", String(64), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace", "name", name="uq_datasets_workspace_name"),
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
    Column("workspace", String(64), nullable=False, default=DEFAULT_WORKSPACE),
    Column("name", String(128), nullable=False),
    Column("dataset", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("workspace", "name", name="uq_scenarios_workspace_name"),
)
"""Scenario files (YAML text) saved by users."""

runs = Table(
    "runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace", String(64), nullable=False, default=DEFAULT_WORKSPACE),
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
    Column("worker", String(128), nullable=True),
    Index("ix_runs_status", "status"),
    Index("ix_runs_workspace_created", "workspace", "created_at", "id"),
)
"""Analyses: kind (simulate, risk, optimize, …), status and timings; listed newest first."""

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

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("workspace", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)
"""Accounts for a shared server: a role (viewer, analyst, admin) in one workspace."""

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)
"""API tokens: only a SHA-256 of each token is kept, with its first characters to name it."""
