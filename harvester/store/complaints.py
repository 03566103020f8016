"""Complaints about a platform's openness (regulation art. 33) and how they were handled.

Workflow: ``received`` (filed by anyone) → ``forwarded`` (the centre passes it
to the platform) → ``answered`` (the platform's operator, or the centre,
answers) → ``closed`` (the centre). Each step keeps its time, any other step
is a :class:`~harvester.errors.StateConflict`. The response time the
evaluation looks at is received → answered.
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
from harvester.store.service_models import ComplaintRow

MAX_TEXT_LENGTH = 5000


class ComplaintStatus(StrEnum):
    RECEIVED = "received"
    FORWARDED = "forwarded"
    ANSWERED = "answered"
    CLOSED = "closed"


NEXT: dict[ComplaintStatus, ComplaintStatus] = {
    ComplaintStatus.RECEIVED: ComplaintStatus.FORWARDED,
    ComplaintStatus.FORWARDED: ComplaintStatus.ANSWERED,
    ComplaintStatus.ANSWERED: ComplaintStatus.CLOSED,
}
"""The one step allowed from each state."""

CATEGORIES: dict[str, tuple[str, str]] = {
    "not_obtainable": ("标为开放共享但无法获取", "listed as openly shared but not obtainable"),
    "access_refused": ("共享申请被拒绝或无答复", "a sharing request was refused or not answered"),
    "charged": ("公益性使用被收费", "charged for public-interest use"),
    "wrong_metadata": ("元数据错误或过时", "metadata wrong or out of date"),
    "broken_identifier": ("标识符无法解析", "the identifier does not resolve"),
    "other": ("其他", "other"),
}
"""Category code -> (zh, en)."""


@dataclass(frozen=True, slots=True)
class Complaint:
    id: int
    platform: str
    record_id: str | None
    category: str
    text: str
    contact_email: str | None
    status: str
    answer: str | None
    received_at: datetime
    forwarded_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None

    @property
    def response_hours(self) -> float | None:
        if self.answered_at is None:
            return None
        return round((self.answered_at - self.received_at).total_seconds() / 3600, 2)

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "platform": self.platform,
            "record_id": self.record_id,
            "category": self.category,
            "text": self.text,
            "contact_email": self.contact_email,
            "status": self.status,
            "answer": self.answer,
            "received_at": self.received_at.isoformat(),
            "forwarded_at": iso(self.forwarded_at),
            "answered_at": iso(self.answered_at),
            "closed_at": iso(self.closed_at),
            "response_hours": self.response_hours,
        }


def _complaint(row: ComplaintRow) -> Complaint:
    return Complaint(
        id=row.id,
        platform=row.platform,
        record_id=row.record_id,
        category=row.category,
        text=row.text,
        contact_email=row.contact_email,
        status=row.status,
        answer=row.answer,
        received_at=row.received_at,
        forwarded_at=row.forwarded_at,
        answered_at=row.answered_at,
        closed_at=row.closed_at,
    )


def file_complaint(
    session: Session,
    *,
    platform: str,
    record_id: str | None,
    category: str,
    text: str,
    contact_email: str | None = None,
    now: datetime | None = None,
) -> Complaint:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    row = ComplaintRow(
        platform=platform,
        record_id=record_id,
        category=category,
        text=text,
        contact_email=contact_email or None,
        status=ComplaintStatus.RECEIVED,
        received_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    return _complaint(row)


def get_complaint(session: Session, complaint_id: int) -> Complaint | None:
    row = session.get(ComplaintRow, complaint_id)
    return _complaint(row) if row is not None else None


def list_complaints(
    session: Session,
    *,
    platform: str | None = None,
    status: ComplaintStatus | None = None,
    page: int = 1,
    size: int = 50,
) -> tuple[int, list[Complaint]]:
    """Newest first; ``platform=None`` lists every platform's (the centre's view)."""
    query = select(ComplaintRow)
    if platform is not None:
        query = query.where(ComplaintRow.platform == platform)
    if status is not None:
        query = query.where(ComplaintRow.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(ComplaintRow.received_at.desc(), ComplaintRow.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    )
    return total, [_complaint(r) for r in rows]


def advance(
    session: Session,
    complaint_id: int,
    to: ComplaintStatus,
    *,
    answer: str | None = None,
    now: datetime | None = None,
) -> Complaint | None:
    """Move a complaint one step on; ``None`` when there is no such complaint."""
    row = session.get(ComplaintRow, complaint_id)
    if row is None:
        return None
    current = ComplaintStatus(row.status)
    if NEXT.get(current) is not to:
        allowed = NEXT.get(current)
        raise StateConflict(
            f"complaint {complaint_id} is {current.value}; it can only be "
            + (f"{allowed.value} next" if allowed else "left as it is"),
            detail={"status": current.value, "next": allowed.value if allowed else None},
        )
    if to is ComplaintStatus.ANSWERED and not (answer or "").strip():
        raise ValueError("an answer needs text")
    now = now or utcnow()
    row.status = to
    if to is ComplaintStatus.FORWARDED:
        row.forwarded_at = now
    elif to is ComplaintStatus.ANSWERED:
        row.answered_at, row.answer = now, (answer or "").strip()
    else:
        row.closed_at = now
    session.flush()
    return _complaint(row)


def complaint_stats(
    session: Session, platform: str, *, since: datetime, until: datetime
) -> dict[str, Any]:
    """Complaints received in ``[since, until)``: counts and response times (received →
    answered, in hours; unanswered ones are counted apart, not as zero)."""
    rows = [
        _complaint(r)
        for r in session.scalars(
            select(ComplaintRow).where(
                ComplaintRow.platform == platform,
                ComplaintRow.received_at >= since,
                ComplaintRow.received_at < until,
            )
        )
    ]
    hours = [c.response_hours for c in rows if c.response_hours is not None]
    return {
        "received": len(rows),
        "by_status": {s.value: sum(c.status == s for c in rows) for s in ComplaintStatus},
        "by_category": {k: sum(c.category == k for c in rows) for k in CATEGORIES},
        "answered": len(hours),
        "unanswered": len(rows) - len(hours),
        "response_hours": {
            "mean": round(statistics.fmean(hours), 2) if hours else None,
            "median": round(statistics.median(hours), 2) if hours else None,
            "max": max(hours) if hours else None,
        },
    }
