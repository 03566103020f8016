"""Complaints about openness (regulation art. 33): filed by anyone, handled by the platform.

Anyone may file one, about a platform or one of its records (by the API, or
by the form on each record page). Reading needs a token: the centre's admin
sees every complaint, forwards and closes them; a platform's operator sees and
answers only their own platform's (403 for another's). A contact address is
kept only if given and shown only to them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field, field_validator

from harvester.store.complaints import (
    CATEGORIES,
    MAX_TEXT_LENGTH,
    Complaint,
    ComplaintStatus,
    advance,
    file_complaint,
    get_complaint,
    list_complaints,
)
from harvester.store.platforms import platform_exists
from harvester.store.records import get_record
from search_api.auth import Principal
from search_api.deps import AdminDep, DbDep, TokenDep
from search_api.errors import InvalidParameter, NotFound
from search_api.service.log import ServiceDep

router = APIRouter(prefix="/api/complaints", tags=["complaints"])

_EMAIL = re.compile(r"[^@\s<>\"]{1,64}@[^@\s<>\"]{1,189}\.[^@\s<>\".]{2,63}")

Category = Literal[
    "not_obtainable", "access_refused", "charged", "wrong_metadata", "broken_identifier", "other"
]
assert set(get_args(Category)) == set(CATEGORIES), "Category must list CATEGORIES"


class ComplaintIn(BaseModel):
    platform: str | None = Field(default=None, max_length=64)
    record_id: str | None = Field(default=None, max_length=160)
    category: Category
    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)
    contact_email: str | None = Field(default=None, max_length=254)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if value and not _EMAIL.fullmatch(value):
            raise ValueError("not an e-mail address")
        return value or None


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)


@router.post("", status_code=status.HTTP_201_CREATED)
def file(body: ComplaintIn, db: DbDep, service: ServiceDep) -> dict[str, Any]:
    """File a complaint about a platform (``platform``) or a record (``record_id``)."""
    complaint = receive(body, db, service)
    return {
        "id": complaint.id,
        "platform": complaint.platform,
        "status": complaint.status,
        "received_at": complaint.received_at.isoformat(),
    }


def receive(body: ComplaintIn, db: DbDep, service: ServiceDep) -> Complaint:
    """Check and keep a complaint: the API and the record page's form both file here."""
    text = body.text.strip()
    if not text:
        raise InvalidParameter("text", "say what is wrong")
    with db.session() as session:
        platform = body.platform
        if body.record_id is not None:
            stored = get_record(session, body.record_id)
            if stored is None:
                raise InvalidParameter("record_id", f"no record with id {body.record_id!r}")
            if platform is not None and platform != stored.record.platform:
                raise InvalidParameter(
                    "platform", f"record {body.record_id!r} belongs to {stored.record.platform!r}"
                )
            platform = stored.record.platform
        if platform is None:
            raise InvalidParameter("platform", "name the platform or the record")
        if not platform_exists(session, platform):
            raise InvalidParameter("platform", f"no platform {platform!r}")
        return file_complaint(
            session,
            platform=platform,
            record_id=body.record_id,
            category=body.category,
            text=text,
            contact_email=body.contact_email,
            now=service.recorder.now(),
        )


@router.get("")
def listing(
    db: DbDep,
    principal: TokenDep,
    platform: str | None = None,
    state: Annotated[ComplaintStatus | None, Query(alias="status")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Newest first: every platform's for the centre, the operator's own platform's otherwise."""
    if platform is not None:
        principal.ensure_platform(platform)
    elif not principal.is_admin:
        platform = principal.platform
    with db.session() as session:
        total, items = list_complaints(
            session, platform=platform, status=state, page=page, size=size
        )
    return {"total": total, "page": page, "size": size, "items": [c.as_json() for c in items]}


def _own(db: DbDep, complaint_id: int, principal: Principal) -> Complaint:
    with db.session() as session:
        complaint = get_complaint(session, complaint_id)
    if complaint is None:
        raise NotFound(f"no complaint with id {complaint_id}")
    principal.ensure_platform(complaint.platform)
    return complaint


def _advance(
    db: DbDep, service: ServiceDep, complaint_id: int, to: ComplaintStatus, answer: str | None
) -> dict[str, Any]:
    with db.session() as session:
        complaint = advance(session, complaint_id, to, answer=answer, now=service.recorder.now())
    if complaint is None:
        raise NotFound(f"no complaint with id {complaint_id}")
    return complaint.as_json()


@router.get("/{complaint_id}")
def one(complaint_id: int, db: DbDep, principal: TokenDep) -> dict[str, Any]:
    return _own(db, complaint_id, principal).as_json()


@router.post("/{complaint_id}/forward")
def forward(complaint_id: int, db: DbDep, _: AdminDep, service: ServiceDep) -> dict[str, Any]:
    """The centre passes a received complaint to the platform."""
    return _advance(db, service, complaint_id, ComplaintStatus.FORWARDED, None)


@router.post("/{complaint_id}/answer")
def answer(
    complaint_id: int, body: AnswerIn, db: DbDep, principal: TokenDep, service: ServiceDep
) -> dict[str, Any]:
    """The platform's operator (or the centre) answers a forwarded complaint."""
    _own(db, complaint_id, principal)
    if not body.answer.strip():
        raise InvalidParameter("answer", "an answer needs text")
    return _advance(db, service, complaint_id, ComplaintStatus.ANSWERED, body.answer)


@router.post("/{complaint_id}/close")
def close(complaint_id: int, db: DbDep, _: AdminDep, service: ServiceDep) -> dict[str, Any]:
    """The centre closes an answered complaint."""
    return _advance(db, service, complaint_id, ComplaintStatus.CLOSED, None)
