"""Store -> index: the index is a view of the store, kept current by a cursor.

The store moves a record's ``changed_at`` on every insert, update, tombstone and
withdrawal; the sync remembers the last ``(changed_at, id)`` it has applied, in
a small JSON file, and after each harvest reads only what changed since. The
cursor is saved after every committed batch, so an interrupted sync resumes
where it stopped; re-applying a batch is harmless (index and delete are idempotent).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harvester.store import Database
from harvester.store.records import StoredRecord, iter_records
from indexer.base import SearchBackend
from mappings.record import Record

BATCH = 500
Cursor = tuple[datetime, str]


@dataclass(slots=True)
class SyncReport:
    indexed: int = 0
    deleted: int = 0
    cursor: Cursor | None = None


def load_cursor(path: Path) -> Cursor | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["changed_at"]), str(data["id"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable cursor costs one full pass, never a missed change


def save_cursor(path: Path, cursor: Cursor) -> None:
    """Write then rename, so a crash never leaves half a cursor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(
        json.dumps({"changed_at": cursor[0].isoformat(), "id": cursor[1]}), encoding="utf-8"
    )
    os.replace(temp, path)


def sync_changes(db: Database, backend: SearchBackend, cursor_path: Path) -> SyncReport:
    """Index records changed since the cursor, delete tombstoned and withdrawn ones.

    An empty index ignores the cursor: a fresh or lost index is filled from the
    whole store instead of waiting for every record to change again.
    """
    report = SyncReport()
    cursor = load_cursor(cursor_path) if backend.count() else None
    with db.session() as session:
        rows = iter_records(session, include_deleted=True, changed_after=cursor, batch_size=BATCH)
        for batch in _batches(rows):
            live = [s.record for s in batch if not _gone(s)]
            gone = [s.record.id for s in batch if _gone(s)]
            if live:
                report.indexed += backend.index(live)
            if gone:
                report.deleted += backend.delete(gone)
            last = batch[-1]
            report.cursor = (last.changed_at, last.record.id)
            save_cursor(cursor_path, report.cursor)
    return report


def rebuild(db: Database, backend: SearchBackend, cursor_path: Path | None = None) -> int:
    """Replace the whole index from the store; returns the number of documents."""
    seen: list[Cursor] = []

    def live() -> Iterator[Record]:
        with db.session() as session:
            for stored in iter_records(session, include_deleted=True, batch_size=BATCH):
                seen[:] = [(stored.changed_at, stored.record.id)]
                if not _gone(stored):
                    yield stored.record

    written = backend.rebuild(live())
    if cursor_path is not None and seen:
        save_cursor(cursor_path, seen[0])
    return written


def _gone(stored: StoredRecord) -> bool:
    return stored.record.deleted or stored.withdrawn


def _batches(rows: Iterator[StoredRecord]) -> Iterator[list[StoredRecord]]:
    batch: list[StoredRecord] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
