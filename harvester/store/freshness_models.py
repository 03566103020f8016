"""Daily snapshots of each platform's freshness figures (the centre's trend charts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base


class FreshnessSnapshotRow(Base):
    __tablename__ = "freshness_snapshots"

    platform: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
