"""API tokens of platform operators and the centre's administrators.

Only a SHA-256 hash of each token is stored: a copy of the database does not
give access to the API. The short ``id`` is the public part of the token, shown
in listings and logs so a token can be named and revoked without revealing it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    """``admin`` (the centre: everything) or ``operator`` (one platform)."""
    platform: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(nullable=True)
