"""link checks: the latest landing-page outcome per record

Revision ID: 0003_linkcheck
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0003_linkcheck"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_checks",
        sa.Column("record_id", sa.String(length=160), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("checked_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index(
        "ix_link_checks_platform_checked", "link_checks", ["platform", "checked_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_link_checks_platform_checked", table_name="link_checks")
    op.drop_table("link_checks")
