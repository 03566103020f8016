"""freshness snapshots: one row of figures per platform and day

Revision ID: 0002_freshness
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_freshness"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "freshness_snapshots",
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "day"),
    )


def downgrade() -> None:
    op.drop_table("freshness_snapshots")
