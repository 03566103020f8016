"""Tables of the portal's service records, user evaluation and complaints (issue 10).

Nothing here identifies a person. Service events are kept only as daily counts
per record; the one pseudonymous table (``service_term_clients``: which keyed
hash of a client searched which term, today) is rolled up into counts and
emptied once its day is over. A rating is keyed by an HMAC of its client and
record, which links a client's repeated ratings of one record and nothing more.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class ServiceCountRow(Base):
    """How often one record was shown, viewed, resolved or followed on one day."""

    __tablename__ = "service_counts"
    __table_args__ = (Index("ix_service_counts_platform_day", "platform", "day"),)

    platform: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(160), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    """impression, view, resolution, landing or download."""
    count: Mapped[int] = mapped_column(Integer, default=0)


class ServiceTermClientRow(Base):
    """Today's searches of a term whose results showed a platform's records, per client hash.

    ``client`` is an HMAC under a key that lives only in the API process's memory
    and changes every day; rows are rolled up and deleted once their day is over.
    """

    __tablename__ = "service_term_clients"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    platform: Mapped[str] = mapped_column(String(64), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    searches: Mapped[int] = mapped_column(Integer, default=0)


class ServiceTermRow(Base):
    """A past day's count of a term, kept only if enough distinct clients searched it."""

    __tablename__ = "service_terms"

    platform: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    clients: Mapped[int] = mapped_column(Integer)
    searches: Mapped[int] = mapped_column(Integer)


class RatingRow(Base):
    """One client's rating of one record; a new rating by the same client replaces it."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("record_id", "client", name="uq_ratings_record_client"),
        Index("ix_ratings_platform_status", "platform", "status"),
        Index("ix_ratings_status_updated", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(160), index=True)
    platform: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    """HMAC of (record, client) under the deployment's secret: not reversible to an address."""
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    """pending, approved or rejected; only approved ratings are published."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ComplaintRow(Base):
    """A complaint about a platform or one of its records (regulation art. 33)."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_platform_status", "platform", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(160), nullable=True)
    category: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    """Only if the complainant gave one; shown to the centre and the platform's operator."""
    status: Mapped[str] = mapped_column(String(16))
    """received -> forwarded -> answered -> closed."""
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
