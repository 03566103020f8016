"""The platform registry: which national platforms exist and how to harvest them.

The data lives in ``platforms.toml`` beside this module (one ``[[platform]]``
table per platform, one ``[[source]]`` per harvestable endpoint); loading
validates every entry and names the file and the key of anything wrong.
:func:`seed` copies the registry into the store's ``platforms`` and ``sources``
tables: platforms are refreshed from the file, sources only added when missing,
so operators' later edits to a source survive a re-seed.

Demo sources (``demo = true``) have no fixed URL: the demo serves them on ports
it picks, and passes their URLs to :func:`seed`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from harvester.errors import ConfigError
from harvester.protocols import ADAPTERS
from harvester.store.models import SourceRow
from harvester.store.platforms import check_platform_fields, upsert_platforms
from harvester.store.sources import add_source, validate_url

REGISTRY_FILE = Path(__file__).with_name("platforms.toml")
_SOURCE_CORE = frozenset(
    {"id", "platform", "protocol", "url", "name_zh", "name_en", "schedule", "enabled", "demo"}
)


@dataclass(frozen=True, slots=True)
class Platform:
    id: str
    name_zh: str
    name_en: str
    kind: str
    site: str | None = None
    agency_codes: tuple[str, ...] = ()
    codes_confirmed: bool = False
    """False when the agency codes are only inferred from published identifiers."""
    demo: bool = False
    """Served by the local demo (its records there are generated, not the platform's)."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class SourceEntry:
    id: str
    platform: str
    protocol: str
    url: str | None
    name_zh: str = ""
    name_en: str = ""
    schedule: str | None = None
    enabled: bool = True
    demo: bool = False
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Registry:
    platforms: tuple[Platform, ...]
    sources: tuple[SourceEntry, ...]

    def platform(self, platform_id: str) -> Platform:
        for p in self.platforms:
            if p.id == platform_id:
                return p
        raise ConfigError(f"no platform {platform_id!r} in the registry")


def load_registry(path: Path = REGISTRY_FILE) -> Registry:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the registry: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    platforms = tuple(
        _platform(entry, f"{path}: platform[{i}]")
        for i, entry in enumerate(_tables(data, "platform", path))
    )
    ids = [p.id for p in platforms]
    _unique(ids, f"{path}: platform ids")
    sources = tuple(
        _source(entry, f"{path}: source[{i}]", set(ids))
        for i, entry in enumerate(_tables(data, "source", path))
    )
    _unique([s.id for s in sources], f"{path}: source ids")
    return Registry(platforms, sources)


def seed(
    session: Session, registry: Registry, *, demo_urls: dict[str, str] | None = None
) -> tuple[int, int]:
    """Platforms upserted and sources added; demo sources only when given their URL."""
    demo_urls = demo_urls or {}
    platforms = upsert_platforms(
        session,
        (
            {
                "id": p.id,
                "name_zh": p.name_zh,
                "name_en": p.name_en,
                "kind": p.kind,
                "site": p.site,
                "agency_codes": list(p.agency_codes),
            }
            for p in registry.platforms
        ),
    )
    added = 0
    for s in registry.sources:
        url = demo_urls.get(s.id) if s.demo else s.url
        if url is None or session.get(SourceRow, s.id) is not None:
            continue
        add_source(
            session,
            s.id,
            platform=s.platform,
            protocol=s.protocol,
            url=url,
            config=s.config,
            name_zh=s.name_zh,
            name_en=s.name_en,
            schedule=s.schedule,
            enabled=s.enabled,
        )
        added += 1
    return platforms, added


def _tables(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    tables = data.get(key, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{path}: {key!r} must be an array of tables ([[{key}]])")
    return tables


def _str(entry: dict[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ConfigError(f"{where}: {key!r} must be a non-empty string")
    return value


def _bool(entry: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false")
    return value


def _platform(entry: dict[str, Any], where: str) -> Platform:
    pid = _str(entry, "id", where)
    where = f"{where} ({pid})"
    fields = check_platform_fields(
        {
            "name_zh": _str(entry, "name_zh", where),
            "name_en": _str(entry, "name_en", where),
            "kind": _str(entry, "kind", where),
            "site": _str(entry, "site", where, required=False),
            "agency_codes": entry.get("agency_codes", []),
        },
        where,
    )
    known = {"id", "name_zh", "name_en", "kind", "site", "agency_codes"}
    known |= {"codes_confirmed", "demo", "note"}
    _no_unknown(entry, known, where)
    return Platform(
        id=pid,
        name_zh=fields["name_zh"],
        name_en=fields["name_en"],
        kind=fields["kind"],
        site=fields["site"],
        agency_codes=tuple(fields["agency_codes"]),
        codes_confirmed=_bool(entry, "codes_confirmed", where, False),
        demo=_bool(entry, "demo", where, False),
        note=_str(entry, "note", where, required=False),
    )


def _source(entry: dict[str, Any], where: str, platforms: set[str]) -> SourceEntry:
    sid = _str(entry, "id", where)
    where = f"{where} ({sid})"
    platform = _str(entry, "platform", where)
    if platform not in platforms:
        raise ConfigError(f"{where}: 'platform' {platform!r} is not a platform of the registry")
    protocol = _str(entry, "protocol", where)
    if protocol not in ADAPTERS:
        raise ConfigError(f"{where}: 'protocol' must be one of {', '.join(sorted(ADAPTERS))}")
    demo = _bool(entry, "demo", where, False)
    url = None if demo else validate_url(_str(entry, "url", where), f"{where}: 'url'")
    if protocol == "oai-pmh":
        _str(entry, "metadata_prefix", where)
        sets = entry.get("sets", [])
        if not isinstance(sets, list) or not all(isinstance(s, str) for s in sets):
            raise ConfigError(f"{where}: 'sets' must be a list of set specs")
    config = {k: v for k, v in entry.items() if k not in _SOURCE_CORE}
    return SourceEntry(
        id=sid,
        platform=platform,
        protocol=protocol,
        url=url,
        name_zh=_str(entry, "name_zh", where, required=False),
        name_en=_str(entry, "name_en", where, required=False),
        schedule=_str(entry, "schedule", where, required=False) or None,
        enabled=_bool(entry, "enabled", where, True),
        demo=demo,
        config=config,
    )


def _no_unknown(entry: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(map(repr, unknown))}")


def _unique(ids: list[str], what: str) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{what} repeat: {', '.join(dupes)}")
