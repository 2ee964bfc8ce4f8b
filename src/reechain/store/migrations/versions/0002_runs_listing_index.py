"""An index for listing a workspace's newest runs: a page of runs costs the same however many
runs the workspace holds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_runs_workspace_created", "runs", ["workspace", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_runs_workspace_created", "runs")
