"""Platforms for tests that add sources: a source may only name a known platform."""

from __future__ import annotations

from sqlalchemy.orm import Session

from harvester.store.platforms import add_platform, platform_exists


def register(session: Session, *platform_ids: str) -> None:
    """Add each platform not yet in the store, named by its id."""
    for platform_id in platform_ids:
        if not platform_exists(session, platform_id):
            add_platform(session, platform_id, name_zh=platform_id, name_en=platform_id)
