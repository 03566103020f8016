"""The platforms of the store: the one place that decides whether a platform exists.

A platform exists when it has a row here — added by ``sharenet platforms add``
or seeded from the registry file — and nothing else makes one: a source, a
token, a report or a dashboard naming an unknown platform is refused with the
same one-line hint, so an operator never meets a platform that is searchable
yet unknown to tokens and reports. The fields are checked here for every way
in (CLI, API, registry file), so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.errors import ConfigError, StateConflict, UnknownPlatform
from harvester.store.models import PlatformRow

KINDS = ("data", "bio", "repository")
"""Science data centre, biological resource centre, general repository."""
IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
"""Ids of platforms and sources: safe in URLs, file names and command lines."""
EDITABLE = frozenset({"name_zh", "name_en", "kind", "site", "agency_codes"})


def check_identifier(value: str, what: str) -> str:
    """``value`` if it is a valid platform or source id, else :class:`ConfigError`."""
    if not re.fullmatch(IDENTIFIER, value):
        raise ConfigError(
            f"{what} {value!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


def check_platform_fields(fields: Mapping[str, Any], where: str = "platform") -> dict[str, Any]:
    """The fields normalised (agency codes upper-cased), or :class:`ConfigError` naming one."""
    out = dict(fields)
    for key in ("name_zh", "name_en"):
        if key in out and (not isinstance(out[key], str) or not out[key].strip()):
            raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    if "kind" in out and out["kind"] not in KINDS:
        raise ConfigError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {out['kind']!r}")
    if "agency_codes" in out:
        codes = out["agency_codes"]
        if not isinstance(codes, list | tuple) or not all(
            isinstance(c, str) and len(c) == 5 and c.isalnum() for c in codes
        ):
            raise ConfigError(
                f"{where}: 'agency_codes' are 5 letters or digits (CSTR registration agencies), "
                f"not {codes!r}"
            )
        out["agency_codes"] = list(dict.fromkeys(c.upper() for c in codes))
    if out.get("site") is not None:
        out["site"] = _site(out["site"], where)
    return out


def _site(site: Any, where: str) -> str | None:
    """A host name (``nmdc.cn``) or an http(s) URL; empty means none."""
    if not isinstance(site, str):
        raise ConfigError(f"{where}: 'site' must be a host name or an http(s) URL")
    value = site.strip()
    if not value:
        return None
    parts = urlsplit(value if "//" in value else f"//{value}")
    if parts.scheme not in ("", "http", "https") or not parts.hostname or " " in value:
        raise ConfigError(f"{where}: 'site' {site!r} is not a host name or an http(s) URL")
    return value


def platform_exists(session: Session, platform_id: str) -> bool:
    return session.get(PlatformRow, platform_id) is not None


def get_platform(session: Session, platform_id: str) -> PlatformRow:
    """The platform, or :class:`UnknownPlatform` saying how to add it."""
    row = session.get(PlatformRow, platform_id)
    if row is None:
        raise UnknownPlatform(
            f"unknown platform {platform_id!r}: add it first with `sharenet platforms add "
            f"{platform_id} --name-zh … --name-en …` (see `sharenet platforms list`)"
        )
    return row


def list_platforms(session: Session) -> Sequence[PlatformRow]:
    return session.scalars(select(PlatformRow).order_by(PlatformRow.id)).all()


def platform_ids(session: Session) -> list[str]:
    return list(session.scalars(select(PlatformRow.id).order_by(PlatformRow.id)))


def add_platform(
    session: Session,
    platform_id: str,
    *,
    name_zh: str,
    name_en: str,
    kind: str = "data",
    site: str | None = None,
    agency_codes: Iterable[str] = (),
) -> PlatformRow:
    """A new platform; :class:`StateConflict` if the id is taken."""
    check_identifier(platform_id, "platform id")
    fields = check_platform_fields(
        {
            "name_zh": name_zh,
            "name_en": name_en,
            "kind": kind,
            "site": site,
            "agency_codes": list(agency_codes),
        },
        f"platform {platform_id}",
    )
    if platform_exists(session, platform_id):
        raise StateConflict(
            f"platform {platform_id!r} already exists (`sharenet platforms edit` changes it)"
        )
    row = PlatformRow(id=platform_id, **fields)
    session.add(row)
    session.flush()
    return row


def update_platform(session: Session, platform_id: str, **changes: Any) -> PlatformRow:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ConfigError(f"cannot change {', '.join(sorted(unknown))} of a platform")
    row = get_platform(session, platform_id)
    for key, value in check_platform_fields(changes, f"platform {platform_id}").items():
        setattr(row, key, value)
    session.flush()
    return row


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
