"""Sources and platforms in the store: what to harvest, and whose it is.

The registry file seeds these tables; operators then add, change or remove
sources through the CLI or the API, and the store is what runs read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.errors import ConfigError, UnknownSource
from harvester.protocols.base import SourceSpec
from harvester.store.models import PlatformRow, SourceRow
from harvester.store.records import count_records

_EDITABLE = frozenset(
    {"platform", "name_zh", "name_en", "protocol", "url", "config", "schedule", "enabled"}
)


def add_source(
    session: Session,
    source_id: str,
    *,
    platform: str,
    protocol: str,
    url: str,
    config: dict[str, Any] | None = None,
    name_zh: str = "",
    name_en: str = "",
    schedule: str | None = None,
    enabled: bool = True,
) -> SourceRow:
    """A new source; :class:`ConfigError` if the id is taken."""
    if session.get(SourceRow, source_id) is not None:
        raise ConfigError(f"source {source_id!r} already exists")
    row = SourceRow(
        id=source_id,
        platform=platform,
        protocol=protocol,
        url=url,
        config=dict(config or {}),
        name_zh=name_zh,
        name_en=name_en,
        schedule=schedule,
        enabled=enabled,
    )
    session.add(row)
    session.flush()
    return row


def get_source(session: Session, source_id: str) -> SourceRow:
    row = session.get(SourceRow, source_id)
    if row is None:
        raise UnknownSource(f"unknown source {source_id!r} (see `sharenet sources list`)")
    return row


def list_sources(session: Session, *, platform: str | None = None) -> Sequence[SourceRow]:
    query = select(SourceRow).order_by(SourceRow.platform, SourceRow.id)
    if platform is not None:
        query = query.where(SourceRow.platform == platform)
    return session.scalars(query).all()


def update_source(session: Session, source_id: str, **changes: Any) -> SourceRow:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ConfigError(f"cannot change {', '.join(sorted(unknown))} of a source")
    row = get_source(session, source_id)
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    return row


def delete_source(session: Session, source_id: str) -> None:
    """Remove a source with its runs; refused while it still has records (they are history)."""
    row = get_source(session, source_id)
    held = count_records(session, source=source_id, include_deleted=True)
    if held:
        raise ConfigError(
            f"source {source_id!r} still holds {held} records; disable it instead of deleting"
        )
    session.delete(row)
    session.flush()


def source_spec(row: SourceRow, config_dirs: Sequence[Path] = ()) -> SourceSpec:
    """The source as its adapter sees it; ``config_dirs`` are where named configurations are."""
    return SourceSpec(
        id=row.id,
        platform=row.platform,
        protocol=row.protocol,
        url=row.url,
        config=row.config,
        config_dirs=tuple(config_dirs),
    )


def upsert_platforms(session: Session, platforms: Iterable[dict[str, Any]]) -> int:
    """Insert or refresh platforms by id (the registry is their source of truth)."""
    count = 0
    for data in platforms:
        row = session.get(PlatformRow, data["id"])
        if row is None:
            session.add(PlatformRow(**data))
        else:
            for key, value in data.items():
                setattr(row, key, value)
        count += 1
    session.flush()
    return count


def agency_codes(session: Session, platform: str) -> tuple[str, ...]:
    row = session.get(PlatformRow, platform)
    return tuple(str(code) for code in row.agency_codes) if row is not None else ()
