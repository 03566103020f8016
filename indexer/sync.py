"""Store -> index: the index is a view of the store, kept current by a cursor.

The store moves a record's ``changed_at`` on every insert, update, tombstone and
withdrawal; the sync remembers the last ``(changed_at, id)`` it has applied, in
a small JSON file, and after each harvest reads only what changed since. The
cursor is saved after every committed batch, so an interrupted sync resumes
where it stopped; re-applying a batch is harmless (index and delete are idempotent).

A harvest does not make the sync read back what it has just written: the
:class:`IndexFeed` indexes each committed page's records as the run goes, and
the sync after the run skips the store changes the feed applied -- all rows
of that source stamped within the run's fed pages, since one source has one
run at a time -- and reads only what else changed (another source's run, the
run's withdrawals, a page the engine refused).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Text, and_, cast, not_, select, tuple_

from harvester.page_writer import Follower, StoredPage
from harvester.runs import RunReport
from harvester.store import Database
from harvester.store.models import RecordRow
from indexer.base import SearchBackend
from indexer.errors import SearchError
from mappings.record import Record

log = logging.getLogger(__name__)

BATCH = 1000
"""Records read from the store per query."""
FEED_BATCH = 5_000
"""Records the feed collects before one index commit (a commit per page would cost more)."""
Cursor = tuple[datetime, str]


@dataclass(frozen=True, slots=True)
class Skip:
    """Store changes already applied to the index: ``source``'s rows stamped in [first, last]."""

    source: str
    first: datetime
    last: datetime


@dataclass(slots=True)
class SyncReport:
    indexed: int = 0
    deleted: int = 0
    cursor: Cursor | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One store row as the index needs it: the record, or only its id when it is gone."""

    cursor: Cursor
    id: str
    record: Record | None


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


def changes(
    db: Database, *, after: Cursor | None = None, skip: Skip | None = None, batch: int = BATCH
) -> Iterator[list[Change]]:
    """Store rows in ``(changed_at, id)`` order, in batches, as the index needs them.

    Only the columns the index reads, the record's JSON validated straight from
    its text (no findings, no ORM objects): reading back is the cost of a rebuild.
    """
    cursor = after
    gone = RecordRow.deleted | RecordRow.withdrawn
    columns = (RecordRow.changed_at, RecordRow.id, gone, cast(RecordRow.data, Text))
    while True:
        query = select(*columns).order_by(RecordRow.changed_at, RecordRow.id).limit(batch)
        if cursor is not None:
            query = query.where(tuple_(RecordRow.changed_at, RecordRow.id) > tuple_(*cursor))
        if skip is not None:
            query = query.where(
                not_(
                    and_(
                        RecordRow.source == skip.source,
                        RecordRow.changed_at.between(skip.first, skip.last),
                    )
                )
            )
        with db.session() as session:
            rows = session.execute(query).all()
        if not rows:
            return
        yield [
            Change((at, rid), rid, None if dead else Record.model_validate_json(data))
            for at, rid, dead, data in rows
        ]
        cursor = (rows[-1][0], rows[-1][1])


def _last_change(db: Database) -> Cursor | None:
    with db.session() as session:
        row = session.execute(
            select(RecordRow.changed_at, RecordRow.id)
            .order_by(RecordRow.changed_at.desc(), RecordRow.id.desc())
            .limit(1)
        ).first()
    return (row[0], row[1]) if row is not None else None


def sync_changes(
    db: Database,
    backend: SearchBackend,
    cursor_path: Path,
    *,
    skip: Skip | None = None,
    index_was_empty: bool | None = None,
) -> SyncReport:
    """Index records changed since the cursor, delete tombstoned and withdrawn ones.

    An empty index ignores the cursor: a fresh or lost index is filled from the
    whole store instead of waiting for every record to change again (a feed
    tells, by ``index_was_empty``, whether the index was empty before it began).
    Changes in ``skip`` were applied already; the cursor still moves past them.
    """
    report = SyncReport()
    empty = backend.count() == 0 if index_was_empty is None else index_was_empty
    cursor = None if empty else load_cursor(cursor_path)
    final = _last_change(db) if skip is not None else None
    for batch in changes(db, after=cursor, skip=skip):
        live = [c.record for c in batch if c.record is not None]
        gone = [c.id for c in batch if c.record is None]
        if live:
            report.indexed += backend.index(live)
        if gone:
            report.deleted += backend.delete(gone)
        report.cursor = batch[-1].cursor
        save_cursor(cursor_path, report.cursor)
    if final is not None and all(c is None or final > c for c in (report.cursor, cursor)):
        # Everything up to ``final`` is applied or was fed: the cursor moves past the fed rows.
        report.cursor = final
        save_cursor(cursor_path, final)
    return report


def rebuild(
    db: Database,
    backend: SearchBackend,
    cursor_path: Path | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the whole index from the store; returns the number of documents.

    ``progress`` is told how many store rows have been read, after every batch.
    """
    seen: list[Cursor] = []
    read = 0

    def live() -> Iterator[Record]:
        nonlocal read
        for batch in changes(db):
            seen[:] = [batch[-1].cursor]
            yield from (c.record for c in batch if c.record is not None)
            read += len(batch)
            if progress is not None:
                progress(read)

    written = backend.rebuild(live())
    if cursor_path is not None and seen:
        save_cursor(cursor_path, seen[0])
    return written


@dataclass(slots=True)
class IndexFeed:
    """A harvest's page listener: index each committed page's records, commit in batches.

    It never fails the harvest: if the engine refuses a batch, the feed stops
    and :meth:`finish`'s sync reads those pages back from the store instead.
    """

    backend: SearchBackend
    cursor_path: Path
    batch: int = FEED_BATCH
    index_was_empty: bool = False
    reopen: Callable[[], SearchBackend] | None = None
    """A picklable way to open the same backend elsewhere: given, the feed has a twin in
    a harvest's page-writer process (:class:`harvester.page_writer.Twinned`)."""
    _records: list[Record] = field(default_factory=list)
    _gone: list[str] = field(default_factory=list)
    _pending: Skip | None = None
    _applied: Skip | None = None
    _broken: bool = False
    _report: RunReport | None = None

    @classmethod
    def open(
        cls,
        backend: SearchBackend,
        cursor_path: Path,
        reopen: Callable[[], SearchBackend] | None = None,
    ) -> IndexFeed:
        return cls(backend, cursor_path, index_was_empty=backend.count() == 0, reopen=reopen)

    def twin(self) -> Callable[[], Follower | None] | None:
        """A feed of the same engine for the pages a child process writes."""
        if self.reopen is None:
            return None
        return functools.partial(_twin, self.reopen, self.cursor_path, self.batch)

    def hand_over(self) -> object:
        """Flush; the span the twin applied, for :meth:`take_back` in the harvest's process."""
        self.flush()
        self.backend.close()
        return self._applied

    def take_back(self, state: object) -> None:
        """Count the span the twin applied as applied here (both are the same run's pages)."""
        if isinstance(state, Skip):
            self._applied = _union(self._applied, state)

    def __call__(self, page: StoredPage, report: RunReport) -> None:
        if self._broken:
            return
        self._report = report
        pending = self._pending
        first = pending.first if pending is not None else page.changed_at
        self._pending = Skip(page.source, first, page.changed_at)
        self._records.extend(page.records)
        self._gone.extend(page.gone)
        if len(self._records) + len(self._gone) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Commit what was collected; the fed span grows only by what the engine took."""
        if self._pending is None or self._broken:
            return
        mark = time.thread_time()
        try:
            if self._records:
                self.backend.index(self._records)
            if self._gone:
                self.backend.delete(self._gone)
        except SearchError as exc:
            log.warning("index feed stopped (the sync after the run catches up): %s", exc)
            self._broken = True
            return
        finally:
            self._records, self._gone = [], []
            if self._report is not None:
                self._report.stages["index"] += time.thread_time() - mark
        self._applied, self._pending = _union(self._applied, self._pending), None

    def finish(self, db: Database) -> SyncReport:
        """Flush, then sync what the feed did not apply (and move the cursor past what it did)."""
        self.flush()
        mark = time.thread_time()
        try:
            return sync_changes(
                db,
                self.backend,
                self.cursor_path,
                skip=self._applied,
                index_was_empty=self.index_was_empty,
            )
        finally:
            if self._report is not None:
                self._report.stages["index"] += time.thread_time() - mark


def _union(applied: Skip | None, more: Skip) -> Skip:
    """One span holding both: they are pages of one run, with no page between them unapplied."""
    if applied is None:
        return more
    return Skip(more.source, min(applied.first, more.first), max(applied.last, more.last))


def _twin(reopen: Callable[[], SearchBackend], cursor_path: Path, batch: int) -> IndexFeed | None:
    try:
        return IndexFeed(reopen(), cursor_path, batch)
    except SearchError as exc:  # the harvest's process indexes the pages instead
        log.warning("index feed not opened in the page writer: %s", exc)
        return None
