"""Tables of the catalogue store, the source of truth (the search index is a view of it).

Portable across SQLite and PostgreSQL: JSON columns hold the unified record and
reports; timestamps are stored as UTC. ``changed_at`` on a record moves on every
insert, update or tombstone and is the cursor of incremental index sync and of
the OAI-PMH provider's datestamps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class SourceRow(Base):
    """A harvestable endpoint of a platform, with its protocol settings and schedule."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform: Mapped[str] = mapped_column(String(64), index=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    protocol: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Protocol options: metadata_prefix, sets, granularity, JSON adapter name …"""
    schedule: Mapped[str | None] = mapped_column(String(100), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    """When the source was removed; its row, runs and (withdrawn) records stay as history."""


class PlatformRow(Base):
    """A national platform (data centre or resource centre) and its CSTR agency codes."""

    __tablename__ = "platforms"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(32), default="data")
    """``data`` for science data centres, ``bio`` for biological resource centres."""
    site: Mapped[str | None] = mapped_column(String(300), nullable=True)
    agency_codes: Mapped[list[Any]] = mapped_column(JSON, default=list)


class RecordRow(Base):
    """One unified record, its raw payload, and the bookkeeping of harvesting it."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("source", "source_identifier", name="uq_records_source_identifier"),
        Index("ix_records_changed", "changed_at", "id"),
        Index("ix_records_platform_live", "platform", "deleted", "id"),
        # with ``id``: a platform's live records page in id order without sorting them all
    )

    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), ForeignKey("sources.id"))
    source_identifier: Mapped[str] = mapped_column(String(512))
    platform: Mapped[str] = mapped_column(String(64))
    cstr_key: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    doi: Mapped[str | None] = mapped_column(String(300), nullable=True, index=True)
    text_key: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """``mappings.text.text_key`` of the title and description: what duplicates share."""
    resource_kind: Mapped[str] = mapped_column(String(32), default="dataset")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The unified record as JSON (``Record.model_dump(mode='json')``)."""
    raw: Mapped[str] = mapped_column(Text, default="")
    raw_format: Mapped[str] = mapped_column(String(64), default="")
    mapped_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """``mappings.formats.mapping_release`` of the release that mapped ``raw`` into ``data``;
    ``None``: a release before this column. With the same raw payload, format, source and
    platform, that release maps the same ``data`` again, so a harvest need not map it."""
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    source_datestamp: Mapped[datetime | None] = mapped_column(nullable=True)
    modified: Mapped[date | None] = mapped_column(Date, nullable=True)
    quality_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    judged_with: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """``mappings.rules.engine.judgement_key`` of the context the findings and score were
    made in; ``None`` when they were not (yet): then re-judging must read the record."""
    recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    """The day the findings may change by the calendar alone; ``None``: never."""
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    """Gone from a complete full pass after the grace period (not an OAI deletion)."""
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    harvested_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class FindingRow(Base):
    """A rule's finding on a record; replaced whenever the record is re-evaluated."""

    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_platform_rule", "platform", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(
        String(160), ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class RunRow(Base):
    """One harvest run of one source: its window, checkpoint and report."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_source_started", "source", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64), ForeignKey("sources.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(16))
    """``full`` or ``incremental``."""
    status: Mapped[str] = mapped_column(String(16), default="running")
    """running, succeeded, failed, interrupted, timed_out."""
    trigger: Mapped[str] = mapped_column(String(16), default="manual")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    window_from: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The ``from`` sent to the source, in the source's own granularity."""
    source_started_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    """The run's start in the source's clock: the next incremental run's ``from``."""
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    resumed_from: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RunErrorRow(Base):
    """A record-level error in a run: the record identifier and why it failed."""

    __tablename__ = "run_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    source_identifier: Mapped[str] = mapped_column(String(512))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)
