"""core tables: platforms, sources, records, findings, runs

Revision ID: 0001_core
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platforms",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=300), nullable=True),
        sa.Column("agency_codes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("protocol", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("schedule", sa.String(length=100), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_sources_platform"), "sources", ["platform"], unique=False)
    op.create_table(
        "records",
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_identifier", sa.String(length=512), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("cstr_key", sa.String(length=300), nullable=True),
        sa.Column("doi", sa.String(length=300), nullable=True),
        sa.Column("resource_kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_format", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "source_datestamp", harvester.store.models.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("modified", sa.Date(), nullable=True),
        sa.Column("quality_score", sa.Float(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column(
            "first_seen_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "last_seen_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "harvested_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("changed_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source"],
            ["sources.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_identifier", name="uq_records_source_identifier"),
    )
    op.create_index("ix_records_changed", "records", ["changed_at", "id"], unique=False)
    op.create_index(op.f("ix_records_cstr_key"), "records", ["cstr_key"], unique=False)
    op.create_index(op.f("ix_records_doi"), "records", ["doi"], unique=False)
    op.create_index("ix_records_platform_deleted", "records", ["platform", "deleted"], unique=False)
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("started_at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", harvester.store.models.UtcDateTime(timezone=True), nullable=True),
        sa.Column("window_from", sa.String(length=40), nullable=True),
        sa.Column("source_started_at", sa.String(length=40), nullable=True),
        sa.Column("checkpoint", sa.JSON(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("resumed_from", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_runs_source_started", "runs", ["source", "started_at"], unique=False)
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.String(length=160), nullable=False),
        sa.Column("platform", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_findings_platform_rule", "findings", ["platform", "rule"], unique=False)
    op.create_index(op.f("ix_findings_record_id"), "findings", ["record_id"], unique=False)
    op.create_table(
        "run_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_identifier", sa.String(length=512), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", harvester.store.models.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_run_errors_run_id"), "run_errors", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_run_errors_run_id"), table_name="run_errors")
    op.drop_table("run_errors")
    op.drop_index(op.f("ix_findings_record_id"), table_name="findings")
    op.drop_index("ix_findings_platform_rule", table_name="findings")
    op.drop_table("findings")
    op.drop_index("ix_runs_source_started", table_name="runs")
    op.drop_table("runs")
    op.drop_index("ix_records_platform_deleted", table_name="records")
    op.drop_index(op.f("ix_records_doi"), table_name="records")
    op.drop_index(op.f("ix_records_cstr_key"), table_name="records")
    op.drop_index("ix_records_changed", table_name="records")
    op.drop_table("records")
    op.drop_index(op.f("ix_sources_platform"), table_name="sources")
    op.drop_table("sources")
    op.drop_table("platforms")
