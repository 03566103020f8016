"""Mapping a source's stored raw items again, from the store alone.

The store keeps every item's raw payload and format, and for JSON items the
content of the configuration version that format names
(:mod:`harvester.store.adapter_configs`). So re-mapping needs neither the
source nor the configuration file: after a restart, and after the file was
edited, moved or deleted, each item is mapped with the version it was
harvested with and comes out as it was. What changes a record here is the
mapping code (a fixed oai_dc or DataCite mapping) or the rules; an edited
configuration file reaches the store through the next harvest (``--full``
for every item), which reads the file as it then is.

Only records whose mapped content differs are written (their findings judged
again); ``last_seen_at`` is left alone, since re-mapping is not the source
listing a record. An item that no longer maps is reported and kept as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from harvester.store import Database
from harvester.store.adapter_configs import stored_configs
from harvester.store.models import RecordRow, utcnow
from harvester.store.records import Incoming, judged, upsert_records
from harvester.store.sources import agency_codes, get_source
from mappings.errors import MappingConfigError, ShareNetError
from mappings.formats import MappingContext, map_payload
from mappings.formats.jsonspec import parse_config
from mappings.record import SourcePayload, content_hash
from mappings.rules import RuleContext


@dataclass(slots=True)
class Remapping:
    source: str
    mapped: int = 0
    """Live records mapped again."""
    changed: int = 0
    """Records whose mapping came out different, rewritten with their findings."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """``(source identifier, reason)`` of items that no longer map (kept as they were)."""


def remap(
    db: Database, source_id: str, *, freshness_days: int = 365, batch_size: int = 500
) -> Remapping:
    """Map the live stored items of a source again; each batch is one transaction."""
    with db.session() as session:
        platform = get_source(session, source_id).platform
        codes = agency_codes(session, platform)
    mapping = MappingContext(source=source_id, platform=platform)
    rules = RuleContext(agency_codes=codes, freshness_days=freshness_days)
    out = Remapping(source=source_id)
    after = ""
    while True:
        with db.session() as session:
            rows = session.execute(
                select(
                    RecordRow.id,
                    RecordRow.source_identifier,
                    RecordRow.source_datestamp,
                    RecordRow.raw,
                    RecordRow.raw_format,
                    RecordRow.content_hash,
                    RecordRow.harvested_at,
                    RecordRow.last_seen_at,
                )
                .where(
                    RecordRow.source == source_id,
                    RecordRow.deleted.is_(False),
                    RecordRow.id > after,
                )
                .order_by(RecordRow.id)
                .limit(batch_size)
            ).all()
            if not rows:
                return out
            after = rows[-1].id
            _remap_batch(session, [r._asdict() for r in rows], mapping, rules, out)


def _remap_batch(
    session: Session,
    rows: list[dict[str, Any]],
    mapping: MappingContext,
    rules: RuleContext,
    out: Remapping,
) -> None:
    for config in stored_configs(session, {row["raw_format"] for row in rows}):
        try:
            parse_config(config.content, f"the store's copy of {config.origin}")
        except MappingConfigError as exc:  # a version this release can no longer read
            out.errors.append((config.format, exc.message))
    changed: list[Incoming] = []
    kept: list[dict[str, Any]] = []
    for row in rows:
        payload = SourcePayload(
            source_identifier=row["source_identifier"],
            datestamp=row["source_datestamp"],
            format=row["raw_format"],
            raw=row["raw"],
        )
        try:
            record = map_payload(payload, mapping)
        except ShareNetError as exc:
            out.errors.append((payload.source_identifier, exc.message))
            continue
        out.mapped += 1
        record.harvested_at = row["harvested_at"]
        if content_hash(record) == row["content_hash"]:
            continue
        changed.append(judged(record, payload.raw, payload.format, rules))
        kept.append({k: row[k] for k in ("id", "harvested_at", "last_seen_at")})
    if changed:
        upsert_records(session, changed, now=utcnow())
        session.execute(update(RecordRow), kept)  # a re-mapping is not a sighting at the source
        out.changed += len(changed)
