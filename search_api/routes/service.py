"""Service records of a platform, and the counted way out to its landing pages and files.

The figures come from :mod:`harvester.store.service`, which the evaluation
report reads too, so the API and the report never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import RedirectResponse

from harvester.store.platforms import platform_exists
from harvester.store.records import get_record
from harvester.store.service import EventKind, service_figures
from mappings.record import Record
from search_api.deps import ConfigDep, DbDep, PlatformDep
from search_api.errors import InvalidParameter, NotFound
from search_api.service.log import ServiceDep

router = APIRouter(tags=["service"])

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
"""Longest period one request may cover: a biennial evaluation and some margin."""


@router.get("/api/platforms/{platform}/service")
def platform_service(
    platform: str,
    db: DbDep,
    config: ConfigDep,
    _: PlatformDep,
    start: Annotated[date | None, Query(alias="from", description="First day (UTC).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, included.")] = None,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Impressions, views, CSTR resolutions and follow-throughs by day and month, the most
    used records, and the query terms at least five distinct clients searched on a day.

    Without ``from``/``to``: the last 30 days. For the platform's operator or the centre.
    """
    end = end or config.service.today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidParameter("from", f"{start} is after to {end}")
    if (end - start).days >= MAX_DAYS:
        raise InvalidParameter("from", f"a period may cover {MAX_DAYS} days at most")
    with db.session() as session:
        if not platform_exists(session, platform):
            raise NotFound(f"no platform {platform!r}")
    config.service.roll_up(db)
    with db.session() as session:
        return service_figures(session, platform, start, end, top=top).as_json()


@router.get("/go/{record_id}", status_code=302, response_class=RedirectResponse)
def follow(
    record_id: Annotated[str, Path(max_length=160)],
    db: DbDep,
    service: ServiceDep,
    to: Annotated[Literal["landing", "download"], Query()] = "landing",
) -> RedirectResponse:
    """To the record's landing page at its platform, or its first download: counted, then 302."""
    with db.session() as session:
        stored = get_record(session, record_id)
    if stored is None or stored.record.deleted:
        raise NotFound(f"no record with id {record_id!r}")
    target = _target(stored.record, to)
    if target is None:
        raise NotFound(f"record {record_id!r} names no {to} link at its platform")
    service.used(stored.record, EventKind.LANDING if to == "landing" else EventKind.DOWNLOAD)
    return RedirectResponse(target, status_code=302)


def _target(record: Record, to: str) -> str | None:
    """Only web links: a harvested ``javascript:`` URL must not become our redirect."""
    if to == "landing":
        candidates = [record.landing_page]
    else:
        candidates = [d.download_url for d in record.distributions]
    for url in candidates:
        if url and url.lower().startswith(("https://", "http://")):
            return url
    return None
