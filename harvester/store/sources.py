"""Sources in the store: what to harvest, and whose it is.

The registry file seeds this table; operators then add, change or remove
sources through the CLI or the API. Both go through these functions, so a
source is checked the same way however it arrives (known platform, protocol,
an http(s) URL, a schedule that parses) and a bad one is refused before
anything is written.

A removed source (:mod:`harvester.removal`) keeps its row, marked removed, as
the history its runs and withdrawn records belong to; it is never harvested
again and cannot be edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.errors import ConfigError, StateConflict, UnknownSource
from harvester.protocols import adapter_path
from harvester.protocols.base import SourceSpec
from harvester.schedules import parse_schedule
from harvester.store.models import PlatformRow, SourceRow
from harvester.store.platforms import check_identifier, get_platform
from mappings.errors import MappingConfigError
from mappings.formats.jsonspec import is_path, read_config

_EDITABLE = frozenset(
    {"platform", "name_zh", "name_en", "protocol", "url", "config", "schedule", "enabled"}
)


def validate_url(url: str, where: str = "url") -> str:
    """An absolute http(s) URL with a host, else :class:`ConfigError` saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL with a host")
    return url.strip()


def check_source_fields(
    session: Session, fields: Mapping[str, Any], adapter_dirs: Sequence[Path] = ()
) -> None:
    """Refuse a source whose platform, protocol, URL, schedule or config is not usable.

    An enabled JSON source's configuration file must be there and valid (named
    ones looked up in ``adapter_dirs``); a disabled one is not checked, since
    disabling is what an admin does to a source whose file went away.
    """
    get_platform(session, str(fields["platform"]))
    adapter_path(str(fields["protocol"]))
    validate_url(str(fields["url"]))
    if fields.get("schedule"):
        parse_schedule(str(fields["schedule"]))
    config = fields.get("config") or {}
    if not isinstance(config, Mapping):
        raise ConfigError("a source's config must be a JSON object")
    if fields.get("protocol") == "json" and fields.get("enabled", True):
        _check_json_config(str(config.get("config") or ""), adapter_dirs)


def _check_json_config(name: str, adapter_dirs: Sequence[Path]) -> None:
    if not name:
        raise ConfigError('a json source needs config {"config": NAME or absolute PATH}')
    if is_path(name) and not Path(name).is_absolute():
        raise ConfigError(f"config.config {name!r}: a path must be absolute")
    try:
        read_config(name, adapter_dirs)
    except MappingConfigError as exc:
        raise ConfigError(exc.message) from exc


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
    adapter_dirs: Sequence[Path] = (),
) -> SourceRow:
    """A new source of a known platform; :class:`StateConflict` if the id is taken."""
    check_identifier(source_id, "source id")
    existing = session.get(SourceRow, source_id)
    if existing is not None:
        removed = (
            " (removed, its records kept: `sharenet sources remove "
            f"{source_id} --purge` frees the id)"
            if existing.removed_at
            else ""
        )
        raise StateConflict(f"source {source_id!r} already exists{removed}")
    fields = {"platform": platform, "protocol": protocol, "url": url, "config": config}
    check_source_fields(session, {**fields, "schedule": schedule, "enabled": enabled}, adapter_dirs)
    row = SourceRow(
        id=source_id,
        platform=platform,
        protocol=protocol,
        url=url.strip(),
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


def update_source(
    session: Session, source_id: str, adapter_dirs: Sequence[Path] = (), **changes: Any
) -> SourceRow:
    """Change a source; the result is checked as a whole, as a new source would be."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ConfigError(f"cannot change {', '.join(sorted(unknown))} of a source")
    row = get_source(session, source_id)
    if row.removed_at is not None:
        raise StateConflict(f"source {source_id!r} was removed; add a new source instead")
    current = {key: getattr(row, key) for key in _EDITABLE}
    check_source_fields(session, {**current, **changes}, adapter_dirs)
    for key, value in changes.items():
        setattr(row, key, value.strip() if key == "url" else value)
    session.flush()
    return row


def source_spec(row: SourceRow, config_dirs: Sequence[Path] = ()) -> SourceSpec:
    """What a harvest or a check needs of a source; a removed source is never harvested.

    ``config_dirs`` are where named JSON adapter configurations are looked up.
    """
    if row.removed_at is not None:
        raise StateConflict(f"source {row.id!r} was removed; its records are kept withdrawn")
    return SourceSpec(
        id=row.id,
        platform=row.platform,
        protocol=row.protocol,
        url=row.url,
        config=row.config,
        config_dirs=tuple(config_dirs),
    )


def agency_codes(session: Session, platform: str) -> tuple[str, ...]:
    row = session.get(PlatformRow, platform)
    return tuple(str(code) for code in row.agency_codes) if row is not None else ()
