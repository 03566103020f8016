"""User evaluation of records: 1–5 stars and an optional comment, moderated by the centre.

User evaluation is one of the three inputs of the centre's evaluation (art. 27),
so one client must not weigh more than another: a client's ratings of a record
share one key (an HMAC of client and record, computed by the API) and a new
rating replaces the old one. A rating without a comment has nothing to
moderate and counts at once; a comment waits for the centre's approval, and
until then neither it nor its stars are published. Comments are stored as
plain text: whatever renders them as HTML must escape them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harvester.errors import StateConflict
from harvester.store.models import utcnow
from harvester.store.service_models import RatingRow

MAX_COMMENT_LENGTH = 1000


class RatingStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Rating:
    id: int
    record_id: str
    platform: str
    stars: int
    comment: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    moderated_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "record_id": self.record_id,
            "platform": self.platform,
            "stars": self.stars,
            "comment": self.comment,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "moderated_at": self.moderated_at.isoformat() if self.moderated_at else None,
        }


def _rating(row: RatingRow) -> Rating:
    return Rating(
        id=row.id,
        record_id=row.record_id,
        platform=row.platform,
        stars=row.stars,
        comment=row.comment,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        moderated_at=row.moderated_at,
    )


def rate(
    session: Session,
    *,
    record_id: str,
    platform: str,
    client: str,
    stars: int,
    comment: str | None,
    now: datetime | None = None,
) -> Rating:
    """Record or replace ``client``'s rating of the record.

    A changed comment goes back to moderation; an unchanged one keeps its
    decision, so repeating a rejected rating does not bring it back.
    """
    now = now or utcnow()
    comment = (comment or "").strip() or None
    if not 1 <= stars <= 5:
        raise ValueError("stars must be 1 to 5")
    if comment is not None and len(comment) > MAX_COMMENT_LENGTH:
        raise ValueError(f"a comment has at most {MAX_COMMENT_LENGTH} characters")
    row = session.scalars(
        select(RatingRow).where(RatingRow.record_id == record_id, RatingRow.client == client)
    ).first()
    fresh = RatingStatus.APPROVED if comment is None else RatingStatus.PENDING
    if row is None:
        row = RatingRow(
            record_id=record_id,
            platform=platform,
            client=client,
            stars=stars,
            comment=comment,
            status=fresh,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
    else:
        if comment != row.comment:
            row.status, row.moderated_at = fresh, None
        row.stars, row.comment, row.updated_at = stars, comment, now
    session.flush()
    return _rating(row)


def record_ratings(session: Session, record_id: str) -> dict[str, Any]:
    """What the public sees: the average and count of approved ratings, approved comments."""
    rows = session.scalars(
        select(RatingRow)
        .where(RatingRow.record_id == record_id, RatingRow.status == RatingStatus.APPROVED)
        .order_by(RatingRow.updated_at.desc(), RatingRow.id.desc())
    ).all()
    stars = [r.stars for r in rows]
    return {
        "record_id": record_id,
        "average": round(statistics.fmean(stars), 2) if stars else None,
        "count": len(stars),
        "distribution": {str(n): stars.count(n) for n in range(1, 6)},
        "comments": [
            {"stars": r.stars, "comment": r.comment, "date": r.updated_at.date().isoformat()}
            for r in rows
            if r.comment
        ],
    }


def platform_ratings(
    session: Session,
    platform: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Average and count of a platform's approved ratings (last given in ``[since, until)``)."""
    query = select(
        func.count(), func.avg(RatingRow.stars), func.count(func.distinct(RatingRow.record_id))
    ).where(RatingRow.platform == platform, RatingRow.status == RatingStatus.APPROVED)
    if since is not None:
        query = query.where(RatingRow.updated_at >= since)
    if until is not None:
        query = query.where(RatingRow.updated_at < until)
    count, average, records = session.execute(query).one()
    pending = session.scalar(
        select(func.count()).where(
            RatingRow.platform == platform, RatingRow.status == RatingStatus.PENDING
        )
    )
    return {
        "platform": platform,
        "count": int(count),
        "average": round(float(average), 2) if average is not None else None,
        "records_rated": int(records),
        "pending_moderation": int(pending or 0),
    }


def approved_comments(
    session: Session, platform: str, *, since: datetime, until: datetime, limit: int
) -> list[Rating]:
    rows = session.scalars(
        select(RatingRow)
        .where(
            RatingRow.platform == platform,
            RatingRow.status == RatingStatus.APPROVED,
            RatingRow.comment.is_not(None),
            RatingRow.updated_at >= since,
            RatingRow.updated_at < until,
        )
        .order_by(RatingRow.updated_at.desc(), RatingRow.id.desc())
        .limit(limit)
    )
    return [_rating(r) for r in rows]


def moderation_queue(
    session: Session, status: RatingStatus, *, page: int, size: int
) -> tuple[int, list[Rating]]:
    """Ratings in ``status``, oldest first (the queue the centre works through)."""
    where = RatingRow.status == status
    total = session.scalar(select(func.count()).select_from(RatingRow).where(where)) or 0
    rows = session.scalars(
        select(RatingRow)
        .where(where)
        .order_by(RatingRow.updated_at, RatingRow.id)
        .offset((page - 1) * size)
        .limit(size)
    )
    return total, [_rating(r) for r in rows]


def moderate(
    session: Session, rating_id: int, decision: RatingStatus, now: datetime | None = None
) -> Rating | None:
    """Approve or reject a rating; ``None`` when there is no such rating."""
    if decision is RatingStatus.PENDING:
        raise StateConflict("a rating can be approved or rejected, not sent back to pending")
    row = session.get(RatingRow, rating_id)
    if row is None:
        return None
    row.status, row.moderated_at = decision, now or utcnow()
    session.flush()
    return _rating(row)
