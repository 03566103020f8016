"""Freshness and availability of the platforms (regulation art. 13, 27), now and over time.

The centre reads every platform; a platform's operator reads its own.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from harvester.freshness import all_freshness, history, platform_freshness
from harvester.store.platforms import platform_exists
from search_api.deps import AdminDep, DbDep, PlatformDep
from search_api.errors import NotFound

router = APIRouter(prefix="/api/freshness", tags=["centre"])


@router.get("")
def every_platform(db: DbDep, _: AdminDep) -> dict[str, Any]:
    """Each platform's figures as of now (DESIGN.md section 9)."""
    with db.session() as session:
        figures = all_freshness(session)
    return {"platforms": [f.as_json() for f in figures]}


@router.get("/{platform}")
def one_platform(
    platform: str,
    db: DbDep,
    _: PlatformDep,
    since: Annotated[date | None, Query(description="First day of the history.")] = None,
) -> dict[str, Any]:
    """One platform's figures now, and its daily snapshots for trend charts."""
    with db.session() as session:
        if not platform_exists(session, platform):
            raise NotFound(f"no platform {platform!r}")
        current = platform_freshness(session, platform)
        days = history(session, platform, since)
    return {
        "current": current.as_json(),
        "history": [{"day": day.isoformat(), **figures} for day, figures in days],
    }
