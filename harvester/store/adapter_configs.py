"""Keeping and reading back the configuration versions stored items were mapped with."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.protocols.base import MappingConfig
from harvester.store.adapter_models import AdapterConfigRow
from harvester.store.models import utcnow
from harvester.store.upsert import upsert


def keep_configs(session: Session, configs: Iterable[MappingConfig]) -> None:
    """Store each configuration version not stored yet (a version's content never changes).

    Two runs starting at once with the same version must not fail each other:
    the insert gives way to a row already there.
    """
    for config in configs:
        values = {
            "format": config.format,
            "content": config.content,
            "origin": config.origin,
            "first_used_at": utcnow(),
        }
        upsert(session, AdapterConfigRow, values, ["format"])


def stored_configs(session: Session, formats: Iterable[str]) -> list[MappingConfig]:
    """The kept configurations of those payload formats that have one."""
    wanted = sorted(set(formats))
    if not wanted:
        return []
    rows = session.scalars(select(AdapterConfigRow).where(AdapterConfigRow.format.in_(wanted)))
    return [MappingConfig(row.format, row.content, row.origin) for row in rows]
