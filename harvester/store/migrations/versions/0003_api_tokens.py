"""API tokens: hashed bearer tokens with a role and, for operators, a platform

Revision ID: 0003_api_tokens
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0003_api_tokens"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", harvester.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", harvester.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_api_tokens_platform"), "api_tokens", ["platform"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_tokens_platform"), table_name="api_tokens")
    op.drop_table("api_tokens")
