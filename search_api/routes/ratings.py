"""User evaluation: rate a record, read its published ratings, moderate (the centre).

A client's ratings of one record count once (keyed by :class:`ServiceRecorder`'s
per-record HMAC, not by address); comments wait for the centre's approval.
JSON carries comments as data; HTML pages must escape them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Path, Query, Request, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from harvester.store.platforms import platform_exists
from harvester.store.ratings import (
    MAX_COMMENT_LENGTH,
    Rating,
    RatingStatus,
    moderate,
    moderation_queue,
    platform_ratings,
    rate,
    record_ratings,
)
from harvester.store.records import get_record
from search_api.deps import AdminDep, DbDep, SameSiteDep
from search_api.errors import Gone, NotFound
from search_api.routes.exports import record_page_url
from search_api.service.log import ServiceDep

router = APIRouter(tags=["evaluation"])

RecordId = Annotated[str, Path(max_length=160)]


class RatingIn(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_LENGTH)


class Decision(BaseModel):
    decision: Literal["approve", "reject"]


def _rate(db: DbDep, service: ServiceDep, record_id: str, body: RatingIn) -> Rating:
    with db.session() as session:
        stored = get_record(session, record_id)
        if stored is None:
            raise NotFound(f"no record with id {record_id!r}")
        if stored.record.deleted:
            raise Gone(f"record {record_id!r} was deleted at its source")
        return rate(
            session,
            record_id=record_id,
            platform=stored.record.platform,
            client=service.rating_key(record_id),
            stars=body.stars,
            comment=body.comment,
            now=service.recorder.now(),
        )


@router.post("/api/records/{record_id}/ratings", status_code=status.HTTP_201_CREATED)
def rate_record(
    record_id: RecordId, body: RatingIn, db: DbDep, service: ServiceDep
) -> dict[str, Any]:
    """Rate a record 1–5, optionally with a comment (published after moderation).

    Rating again replaces your earlier rating of the same record.
    """
    rating = _rate(db, service, record_id, body)
    return {
        "record_id": record_id,
        "stars": rating.stars,
        "comment": rating.comment,
        "status": rating.status,
        "message": "published"
        if rating.status == RatingStatus.APPROVED
        else "held for moderation before publication",
    }


@router.get("/api/records/{record_id}/ratings")
def ratings_of_record(record_id: RecordId, db: DbDep) -> dict[str, Any]:
    """Average and count of the published ratings, and the approved comments."""
    with db.session() as session:
        if get_record(session, record_id) is None:
            raise NotFound(f"no record with id {record_id!r}")
        return record_ratings(session, record_id)


@router.get("/api/platforms/{platform}/ratings")
def ratings_of_platform(platform: str, db: DbDep) -> dict[str, Any]:
    """Average and count of the platform's published ratings."""
    with db.session() as session:
        if not platform_exists(session, platform):
            raise NotFound(f"no platform {platform!r}")
        return platform_ratings(session, platform)


@router.get("/api/moderation/ratings")
def moderation_list(
    db: DbDep,
    _: AdminDep,
    state: Annotated[RatingStatus, Query(alias="status")] = RatingStatus.PENDING,
    page: Annotated[int, Query(ge=1)] = 1,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Ratings awaiting (or past) moderation, oldest first."""
    with db.session() as session:
        total, items = moderation_queue(session, state, page=page, size=size)
    return {"total": total, "page": page, "size": size, "items": [r.as_json() for r in items]}


@router.post("/api/moderation/ratings/{rating_id}")
def moderation_decide(
    rating_id: int, body: Decision, db: DbDep, _: AdminDep, service: ServiceDep
) -> dict[str, Any]:
    """Approve (publish) or reject a rating."""
    decision = RatingStatus.APPROVED if body.decision == "approve" else RatingStatus.REJECTED
    with db.session() as session:
        rating = moderate(session, rating_id, decision, now=service.recorder.now())
    if rating is None:
        raise NotFound(f"no rating with id {rating_id}")
    return rating.as_json()


@router.post("/records/{record_id}/ratings", include_in_schema=False)
def rate_from_page(
    request: Request,
    record_id: RecordId,
    db: DbDep,
    service: ServiceDep,
    _same_site: SameSiteDep,
    stars: Annotated[int, Form(ge=1, le=5)],
    comment: Annotated[str, Form(max_length=MAX_COMMENT_LENGTH)] = "",
) -> RedirectResponse:
    """The record page's form (works without JavaScript): rate, then back to the page."""
    rating = _rate(db, service, record_id, RatingIn(stars=stars, comment=comment or None))
    target = f"{record_page_url(request, record_id)}?rated={rating.status}#ratings"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
