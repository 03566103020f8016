"""The link checker's evidence: the latest HTTP outcome of each record's landing page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class LinkCheckRow(Base):
    """One row per record: the URL checked and what came back.

    The URL is kept because a record's landing page may change after the check;
    an outcome for another URL is stale and no longer counts against the record.
    """

    __tablename__ = "link_checks"
    __table_args__ = (Index("ix_link_checks_platform_checked", "platform", "checked_at"),)

    record_id: Mapped[str] = mapped_column(
        String(160), ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))
    """``ok``, ``http_error``, ``timeout``, ``network_error`` or ``invalid_url``."""
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The final HTTP status, when the server answered."""
    method: Mapped[str] = mapped_column(String(8), default="HEAD")
    """The method whose answer counted (GET when HEAD was refused)."""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
