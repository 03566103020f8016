"""service records, ratings and complaints (issue 10)

Revision ID: 0004_service
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0004_service"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, harvester.store.models.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "service_counts",
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=160), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "record_id", "day", "kind"),
    )
    op.create_index(
        "ix_service_counts_platform_day", "service_counts", ["platform", "day"], unique=False
    )
    op.create_table(
        "service_term_clients",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "platform", "term", "client"),
    )
    op.create_table(
        "service_terms",
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("clients", sa.Integer(), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "day", "term"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=160), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _utc("created_at", nullable=False),
        _utc("updated_at", nullable=False),
        _utc("moderated_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_id", "client", name="uq_ratings_record_client"),
    )
    op.create_index("ix_ratings_record_id", "ratings", ["record_id"], unique=False)
    op.create_index("ix_ratings_platform_status", "ratings", ["platform", "status"], unique=False)
    op.create_index("ix_ratings_status_updated", "ratings", ["status", "updated_at"], unique=False)
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.String(length=160), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        _utc("received_at", nullable=False),
        _utc("forwarded_at", nullable=True),
        _utc("answered_at", nullable=True),
        _utc("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_complaints_platform_status", "complaints", ["platform", "status"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_complaints_platform_status", table_name="complaints")
    op.drop_table("complaints")
    op.drop_index("ix_ratings_status_updated", table_name="ratings")
    op.drop_index("ix_ratings_platform_status", table_name="ratings")
    op.drop_index("ix_ratings_record_id", table_name="ratings")
    op.drop_table("ratings")
    op.drop_table("service_terms")
    op.drop_table("service_term_clients")
    op.drop_index("ix_service_counts_platform_day", table_name="service_counts")
    op.drop_table("service_counts")
