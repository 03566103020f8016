"""Snapshots of compliance reports, so each report can say what changed since the last."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class ComplianceSnapshotRow(Base):
    """The figures of one platform's compliance report at the time it was made."""

    __tablename__ = "compliance_snapshots"
    __table_args__ = (Index("ix_compliance_snapshots_platform", "platform", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
