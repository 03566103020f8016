"""Reading and writing records and their findings.

Writes are idempotent: upserting the same payload twice is ``unchanged`` the
second time (content hash), which is what makes an interrupted run safe to
resume from its checkpoint and a re-harvest cheap.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Table, delete, func, insert, select, tuple_, update
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session

from harvester.errors import StoreError
from harvester.store.models import FindingRow, RecordRow, utcnow
from mappings.findings import Finding, Level
from mappings.formats import mapping_release
from mappings.identifiers import cstr_key
from mappings.record import Record, SourcePayload, dumped_content_hash
from mappings.rules import RuleContext, evaluate, judgement_key
from mappings.text import text_key


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as the store holds it, with provenance the record model does not carry."""

    record: Record
    findings: list[Finding]
    raw: str
    raw_format: str
    quality_score: float | None
    first_seen_at: datetime
    changed_at: datetime
    withdrawn: bool


def _lookup_cstr(record: Record) -> str | None:
    return cstr_key(record.cstr) if record.cstr else None


@dataclass(frozen=True, slots=True)
class Incoming:
    """A mapped record to store, with what the store keeps beside it."""

    record: Record
    raw: str
    raw_format: str
    findings: Sequence[Finding] = ()
    quality_score: float | None = None
    judged_with: str | None = None
    """The judgement key of the findings and score (see ``RecordRow.judged_with``)."""
    recheck_on: date | None = None


def judged(record: Record, raw: str, raw_format: str, context: RuleContext) -> Incoming:
    """A record judged now, with the key of what it was judged with, ready to store."""
    evaluation = evaluate(record, context)
    return Incoming(
        record,
        raw,
        raw_format,
        evaluation.findings,
        evaluation.score,
        judgement_key(context),
        evaluation.recheck_on,
    )


def upsert_record(
    session: Session,
    record: Record,
    *,
    raw: str,
    raw_format: str,
    findings: Sequence[Finding] = (),
    quality_score: float | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Insert or update one record; unchanged content only refreshes ``last_seen_at``."""
    item = Incoming(record, raw, raw_format, findings, quality_score)
    return upsert_records(session, [item], now=now)[0]


_CHUNK = 500
"""Ids per ``IN (…)`` list: far below SQLite's and PostgreSQL's bound-parameter limits."""


def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


@dataclass(frozen=True, slots=True)
class PreparedRow:
    """A record made ready to write: its row and its findings, built without the store.

    Building rows is most of the Python work of storing a page; it needs no
    session, so a harvest builds them while another process writes the page
    before (:mod:`harvester.page_writer`).
    """

    id: str
    content_hash: str
    row: dict[str, Any]
    findings: Sequence[Finding]
    """Made into rows only if the record changed: most of a re-harvest's records have not."""
    judged: bool = True
    """``False`` for a record its harvest knew unchanged (:func:`unchanged_row`): not judged,
    and its row is empty, so :func:`write_rows` refuses to write it as changed."""


def dump_record(record: Record, now: datetime) -> dict[str, Any]:
    """The record's JSON data; sets its ``content_hash`` and, if unset, ``harvested_at``."""
    record.harvested_at = record.harvested_at or now
    data = record.model_dump(mode="json")
    record.content_hash = data["content_hash"] = dumped_content_hash(data)
    return data


def prepared_row(item: Incoming, data: dict[str, Any], now: datetime) -> PreparedRow:
    """The row of ``item``, whose record was dumped to ``data`` by :func:`dump_record`."""
    record = item.record
    assert record.content_hash is not None
    return PreparedRow(record.id, record.content_hash, _row(item, data, now), item.findings)


def unchanged_row(record_id: str, content_hash: str) -> PreparedRow:
    """A record the store holds unchanged: all that writing it as unchanged needs."""
    return PreparedRow(record_id, content_hash, {}, (), judged=False)


def prepare_rows(items: Sequence[Incoming], now: datetime) -> list[PreparedRow]:
    """Rows of ``items`` (see :func:`dump_record`)."""
    return [prepared_row(item, dump_record(item.record, now), now) for item in items]


class Held(NamedTuple):
    """A stored record as a harvest compares a listed item with it, before mapping it."""

    content_hash: str
    deleted: bool
    platform: str
    raw_format: str
    raw: str
    mapped_by: str | None

    def same_content(self, content_hash: str) -> bool:
        """Whether a record with ``content_hash`` would be written as unchanged."""
        return not self.deleted and self.content_hash == content_hash

    def maps_alike(self, payload: SourcePayload, platform: str) -> bool:
        """Whether ``payload`` would map to the stored record: it is live, and was mapped
        by this release from the same raw payload and format, for the same platform (the
        source is the same: the id says so)."""
        return (
            not self.deleted
            and self.mapped_by == mapping_release()
            and self.raw == payload.raw
            and self.raw_format == payload.format
            and self.platform == platform
        )


def held_records(session: Session, ids: Sequence[str]) -> dict[str, Held]:
    """The stored records among ``ids``, as :class:`Held`: one query per page of a harvest."""
    held: dict[str, Held] = {}
    connection = session.connection()  # Core: plain tuples, none of the ORM's row loading
    query = select(
        RecordRow.id,
        RecordRow.content_hash,
        RecordRow.deleted,
        RecordRow.platform,
        RecordRow.raw_format,
        RecordRow.raw,
        RecordRow.mapped_by,
    )
    for chunk in _chunks(ids):
        for rid, digest, deleted, platform, raw_format, raw, mapped_by in connection.execute(
            query.where(RecordRow.id.in_(chunk))
        ):
            held[rid] = Held(digest, deleted, platform, raw_format, raw, mapped_by)
    return held


def stored_hashes(session: Session, ids: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """``id -> (content_hash, deleted)`` of the stored records among ``ids``."""
    held: dict[str, tuple[str, bool]] = {}
    connection = session.connection()  # Core: plain tuples, none of the ORM's row loading
    query = select(RecordRow.id, RecordRow.content_hash, RecordRow.deleted)
    for chunk in _chunks(ids):
        held.update(
            (rid, (digest, deleted))
            for rid, digest, deleted in connection.execute(query.where(RecordRow.id.in_(chunk)))
        )
    return held


def upsert_records(
    session: Session, items: Sequence[Incoming], *, now: datetime | None = None
) -> list[Outcome]:
    """Store a page of records in a fixed handful of statements, however many it holds.

    :func:`prepare_rows`, then :func:`write_rows`.
    """
    now = now or utcnow()
    return write_rows(session, prepare_rows(items, now), now)


def write_rows(session: Session, rows: Sequence[PreparedRow], now: datetime) -> list[Outcome]:
    """Write prepared rows: one SELECT of the stored hashes, then one bulk statement per kind.

    New rows are inserted, changed rows updated, unchanged rows only get
    ``last_seen_at``. A changed record's findings are replaced whole
    (platform-scope ones too, recomputed after the run), so stale ones never
    linger. Statements per record made the store most of a harvest's time.
    The outcomes are those of storing the rows one after another: an id listed
    twice is compared with its earlier row.
    """
    if not rows:
        return []
    held = stored_hashes(session, list(dict.fromkeys(row.id for row in rows)))
    added: dict[str, dict[str, Any]] = {}
    updated: dict[str, dict[str, Any]] = {}
    unchanged: dict[str, None] = {}
    findings: dict[str, list[dict[str, Any]]] = {}
    outcomes: list[Outcome] = []
    for prepared in rows:
        before = held.get(prepared.id)
        if before == (prepared.content_hash, False):
            unchanged[prepared.id] = None
            outcomes.append(Outcome.UNCHANGED)
            continue
        if not prepared.judged:
            raise StoreError(
                f"record {prepared.id} changed in the store while its page was being "
                "harvested (another process wrote it); nothing of the page was stored, "
                "run the harvest again"
            )
        held[prepared.id] = (prepared.content_hash, False)
        if before is None:
            added[prepared.id] = {**prepared.row, "first_seen_at": now}
            outcomes.append(Outcome.ADDED)
        else:  # an id added earlier in the page is updated after the INSERT below
            updated[prepared.id] = prepared.row
            outcomes.append(Outcome.UPDATED)
        platform = prepared.row["platform"]
        findings[prepared.id] = [finding_row(prepared.id, platform, f) for f in prepared.findings]
    if added:
        _insert(session, RecordRow, list(added.values()))
    if updated:
        session.execute(update(RecordRow), list(updated.values()))  # bulk UPDATE by primary key
    for chunk in _chunks(list(unchanged)):
        session.execute(
            update(RecordRow)
            .where(RecordRow.id.in_(chunk))
            .values(last_seen_at=now, withdrawn=False, mapped_by=mapping_release())
        )
    for chunk in _chunks(list(updated)):
        session.execute(delete(FindingRow).where(FindingRow.record_id.in_(chunk)))
    insert_findings(session, [f for found in findings.values() for f in found])
    return outcomes


def insert_findings(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert :func:`finding_row` rows."""
    _insert(session, FindingRow, rows)


def _insert(session: Session, model: type[DeclarativeBase], rows: Sequence[dict[str, Any]]) -> None:
    """One executemany INSERT of uniform rows, handed to the driver ready-made.

    Not the ORM's bulk insert: that one splits the rows into runs by which
    columns are ``None`` and sends a run of one row as its own statement
    (with findings, most of them). Not a Core ``insert()`` with dicts either:
    building each row's parameters cost a third of a page writer's time. The
    statement is compiled once per table, columns and dialect, and each value
    goes through its column type's bind processor, which is what Core does.
    """
    if not rows:
        return
    connection = session.connection()
    table = model.__table__
    assert isinstance(table, Table)
    compiled = _compiled_insert(table, tuple(rows[0]), connection.dialect)
    bind = compiled.binder()
    connection.exec_driver_sql(compiled.sql, [bind(row) for row in rows])


@dataclass(frozen=True, slots=True)
class _CompiledInsert:
    """An INSERT statement and how one row dict becomes its driver parameters."""

    sql: str
    named: bool
    """Named parameters (psycopg) take a dict; positional ones (sqlite3) a tuple in the
    statement's order (``pick``)."""
    processors: tuple[tuple[int, str, Callable[[Any], Any]], ...]
    """The columns whose type converts a value (JSON, dates on SQLite), by position and name:
    most columns of most rows are passed as they are."""
    pick: Callable[[dict[str, Any]], tuple[Any, ...]]

    def binder(self) -> Callable[[dict[str, Any]], Any]:
        """Row dict -> driver parameters, for the rows of one statement.

        A value object met again in the same column of the same statement is
        converted once: a page's rows share its ``now`` (four timestamps a
        record), and findings without a detail share their rule's ``fields``.
        Keyed by identity, never by equality (``1`` and ``True`` are equal but
        JSON apart), and the rows keep every object alive until the statement
        is sent, so a key cannot come to stand for another object.
        """
        converters = [
            (i, name, functools.partial(_once, {}, convert)) for i, name, convert in self.processors
        ]
        if self.named:

            def named(row: dict[str, Any]) -> dict[str, Any]:
                params = dict(row)
                for _i, name, convert in converters:
                    params[name] = convert(params[name])
                return params

            return named
        if not converters:
            return self.pick

        def positional(row: dict[str, Any]) -> tuple[Any, ...]:
            values = list(self.pick(row))
            for i, _name, convert in converters:
                values[i] = convert(values[i])
            return tuple(values)

        return positional


def _once(seen: dict[int, Any], convert: Callable[[Any], Any], value: Any) -> Any:
    key = id(value)
    converted = seen.get(key, _UNSEEN)
    if converted is _UNSEEN:
        converted = seen[key] = convert(value)
    return converted


_UNSEEN = object()


@functools.lru_cache(maxsize=16)
def _compiled_insert(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _CompiledInsert:
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    order = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    names = order if order is not None else columns
    processors = tuple(
        (i, name, process)
        for i, name in enumerate(names)
        if (process := table.c[name].type._cached_bind_processor(dialect)) is not None
    )
    pick = operator.itemgetter(*names)
    return _CompiledInsert(
        str(compiled),
        order is None,
        processors,
        pick if len(names) > 1 else lambda row: (pick(row),),
    )


def _row(item: Incoming, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    record = item.record
    return {
        "id": record.id,
        "source": record.source,
        "source_identifier": record.source_identifier,
        "platform": record.platform,
        "cstr_key": _lookup_cstr(record),
        "doi": record.doi,
        "text_key": text_key(record.title, record.description),
        "resource_kind": record.resource_kind.value,
        "data": data,
        "raw": item.raw,
        "raw_format": item.raw_format,
        "mapped_by": mapping_release(),
        "content_hash": record.content_hash,
        "source_datestamp": record.source_datestamp,
        "modified": record.modified,
        "quality_score": item.quality_score,
        "judged_with": item.judged_with,
        "recheck_on": item.recheck_on,
        "deleted": False,
        "withdrawn": False,
        "last_seen_at": now,
        "harvested_at": now,
        "changed_at": now,
    }


def finding_row(record_id: str, platform: str, finding: Finding) -> dict[str, Any]:
    """A finding as a row of the findings table, for bulk inserts."""
    return {
        "record_id": record_id,
        "platform": platform,
        "rule": finding.rule,
        "level": finding.level.value,
        "message_zh": finding.message_zh,
        "message_en": finding.message_en,
        "fields": finding.fields,  # shared by the rule's findings: converted once (_once)
        "detail": finding.detail,
    }


def tombstone(
    session: Session,
    record_id: str,
    *,
    datestamp: datetime | None = None,
    withdrawn: bool = False,
    now: datetime | None = None,
) -> Outcome | None:
    """Mark a record deleted (OAI deleted header) or withdrawn (gone from a full pass).

    The row, its raw payload and its history stay: a tombstone is what lets the
    index and downstream harvesters learn of the deletion. Returns ``None`` when
    there was nothing to delete (unknown or already deleted).
    """
    now = now or utcnow()
    row = session.get(RecordRow, record_id)
    if row is None or row.deleted:
        return None
    row.deleted = True
    row.withdrawn = withdrawn
    row.changed_at = now
    row.data = {**row.data, "deleted": True}
    row.judged_with = None  # its findings go: a revived record is judged afresh
    if datestamp is not None:
        row.source_datestamp = datestamp
    session.execute(delete(FindingRow).where(FindingRow.record_id == record_id))
    return Outcome.DELETED


def record_tombstone(session: Session, record: Record, now: datetime | None = None) -> None:
    """Store a tombstone for a record never seen before, so downstream learns of it."""
    now = now or utcnow()
    record.deleted = True
    session.add(
        RecordRow(
            id=record.id,
            source=record.source,
            source_identifier=record.source_identifier,
            platform=record.platform,
            data=record.model_dump(mode="json"),
            deleted=True,
            source_datestamp=record.source_datestamp,
            first_seen_at=now,
            last_seen_at=now,
            harvested_at=now,
            changed_at=now,
        )
    )


def _findings(session: Session, record_ids: Sequence[str]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {rid: [] for rid in record_ids}
    if not record_ids:
        return out
    rows = session.scalars(select(FindingRow).where(FindingRow.record_id.in_(record_ids)))
    for f in rows:
        out[f.record_id].append(
            Finding(
                rule=f.rule,
                level=Level(f.level),
                message_zh=f.message_zh,
                message_en=f.message_en,
                fields=list(f.fields),
                detail=f.detail,
            )
        )
    return out


def _stored(row: RecordRow, findings: list[Finding]) -> StoredRecord:
    return StoredRecord(
        record=Record.model_validate(row.data),
        findings=findings,
        raw=row.raw,
        raw_format=row.raw_format,
        quality_score=row.quality_score,
        first_seen_at=row.first_seen_at,
        changed_at=row.changed_at,
        withdrawn=row.withdrawn,
    )


def get_record(session: Session, record_id: str) -> StoredRecord | None:
    row = session.get(RecordRow, record_id)
    if row is None:
        return None
    return _stored(row, _findings(session, [row.id])[row.id])


def find_by_cstr(session: Session, cstr: str) -> StoredRecord | None:
    """Any accepted spelling; raises ``IdentifierError`` for a malformed one."""
    row = session.scalars(
        select(RecordRow)
        .where(RecordRow.cstr_key == cstr_key(cstr))
        .order_by(RecordRow.deleted, RecordRow.first_seen_at)
        .limit(1)
    ).first()
    if row is None:
        return None
    return _stored(row, _findings(session, [row.id])[row.id])


def iter_records(
    session: Session,
    *,
    source: str | None = None,
    platform: str | None = None,
    include_deleted: bool = False,
    changed_after: tuple[datetime, str] | None = None,
    batch_size: int = 1000,
) -> Iterator[StoredRecord]:
    """Records in ``(changed_at, id)`` order, read in batches so memory stays flat.

    ``changed_after`` is the cursor of incremental consumers (the index sync,
    the OAI-PMH provider): the last ``(changed_at, id)`` they have seen.
    """
    cursor = changed_after
    while True:
        query = select(RecordRow).order_by(RecordRow.changed_at, RecordRow.id).limit(batch_size)
        if source is not None:
            query = query.where(RecordRow.source == source)
        if platform is not None:
            query = query.where(RecordRow.platform == platform)
        if not include_deleted:
            query = query.where(RecordRow.deleted.is_(False))
        if cursor is not None:
            query = query.where(tuple_(RecordRow.changed_at, RecordRow.id) > tuple_(*cursor))
        rows = list(session.scalars(query))
        if not rows:
            return
        found = _findings(session, [r.id for r in rows])
        for row in rows:
            yield _stored(row, found[row.id])
        cursor = (rows[-1].changed_at, rows[-1].id)
        session.expunge_all()


def live_identifiers(session: Session, source: str) -> dict[str, datetime]:
    """``source_identifier -> last_seen_at`` of the live records of a source."""
    rows = session.execute(
        select(RecordRow.source_identifier, RecordRow.last_seen_at).where(
            RecordRow.source == source, RecordRow.deleted.is_(False)
        )
    )
    return {ident: seen for ident, seen in rows}


def count_records(
    session: Session, *, source: str | None = None, include_deleted: bool = False
) -> int:
    query = select(func.count()).select_from(RecordRow)
    if source is not None:
        query = query.where(RecordRow.source == source)
    if not include_deleted:
        query = query.where(RecordRow.deleted.is_(False))
    return int(session.scalar(query) or 0)


def touch_seen(session: Session, record_ids: Sequence[str], now: datetime) -> None:
    """Mark records as still listed by the source (full passes use it for withdrawal)."""
    if record_ids:
        session.execute(
            update(RecordRow).where(RecordRow.id.in_(record_ids)).values(last_seen_at=now)
        )
