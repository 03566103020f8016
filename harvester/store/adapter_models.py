"""The JSON adapter configurations that mapped stored items, kept by version.

A JSON item's payload format names the configuration version that maps it
(``json:<name>@<version>``, :mod:`mappings.formats.jsonspec`). The file
itself belongs to the deployment and may change, move or go; its content is
kept here, once per version, so the store alone is enough to map the raw
items again exactly as they were mapped when harvested.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class AdapterConfigRow(Base):
    __tablename__ = "adapter_configs"

    format: Mapped[str] = mapped_column(String(64), primary_key=True)
    """The payload format that names this version, as in ``records.raw_format``."""
    content: Mapped[str] = mapped_column(Text)
    """The configuration as canonical JSON."""
    origin: Mapped[str] = mapped_column(Text)
    """The file it was first read from."""
    first_used_at: Mapped[datetime] = mapped_column(default=utcnow)
