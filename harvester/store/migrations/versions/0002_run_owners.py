"""run owners: host and pid of the process behind each running harvest

Revision ID: 0002_run_owners
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0002_run_owners"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_owners",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column(
            "heartbeat_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id"),
    )


def downgrade() -> None:
    op.drop_table("run_owners")
