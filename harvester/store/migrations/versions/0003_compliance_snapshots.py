"""compliance snapshots: the figures of each compliance report, for change since the last

Revision ID: 0003_compliance_snapshots
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0003_compliance_snapshots"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compliance_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("created_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_compliance_snapshots_platform",
        "compliance_snapshots",
        ["platform", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_compliance_snapshots_platform", table_name="compliance_snapshots")
    op.drop_table("compliance_snapshots")
