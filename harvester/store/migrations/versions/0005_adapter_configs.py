"""adapter configurations: the content of each JSON configuration version stored items name

Revision ID: 0005_adapter_configs
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0005_adapter_configs"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adapter_configs",
        sa.Column("format", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column(
            "first_used_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("format"),
    )


def downgrade() -> None:
    op.drop_table("adapter_configs")
