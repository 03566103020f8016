"""Writing a harvest's pages to the store, in this process or in a child process.

A page's Python work splits in two: mapping, judging and building rows (no
store needed) and writing them (SQL statements, the driver, the commit). On
one core the second half waits for the first; with a writer process the
harvest builds page N+1 while page N is being written, and a listing of many
pages takes about the time of the larger half instead of the sum of both.

The writer is the same function either way (:func:`write_page`): a page, its
tombstones, its errors and its checkpoint in one transaction, in listing
order. Only where it runs differs. The child is started once a run has
written enough to be likely to win back its start-up of about half a
CPU-second (``after`` records changed, new or deleted: a short run, the usual
incremental one, and a re-harvest that changes nothing never start it). It
writes the pages it is sent in order and answers with what each did; a few
are in flight at most (:data:`DEPTH`), and a checkpoint is still stored only
with its page. The child dies with the harvest's process (SIGKILL included):
a page it was writing is rolled back with its checkpoint and fetched again on
resume.

Measured (``benchmarks/harvest_memory.py``, ``harvest_throughput.py``): a
100,000-record harvest and its index from a local server, 39–42 s wall in
one process, 29 s in two; 20,000 records cost about 1 CPU-second more in two
(the child's start, the pages sent over a socket, records read back for the
index), which the second core pays for.

A page listener that has a twin (:class:`Twinned`, the index feed) is
followed in the child too: the twin is made there from a picklable factory,
is told of each page the child writes (its records read back from the rows
just written, not from the store), and when the run's pages end hands back
what it did, which the listener takes back (the feed: the span of pages
already indexed, so the sync after the run does not read them again).
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from sqlalchemy.orm import Session

from harvester.errors import StoreError
from harvester.libc import libc
from harvester.memory import trim_heap
from harvester.store import Database
from harvester.store import runs as store_runs
from harvester.store.models import RecordRow
from harvester.store.records import (
    Held,
    Outcome,
    PreparedRow,
    held_records,
    record_tombstone,
    tombstone,
    write_rows,
)
from harvester.store.runs import Counts
from mappings.record import Record, record_id

if TYPE_CHECKING:
    from harvester.runs import RunReport

WriterPlace = Literal["inline", "process"]
DEPTH = 3
"""Pages a child may hold: its index commits come in bursts (one per 5,000 records), and
with one page in flight the harvest stalled behind each; three ride them out."""


@dataclass(frozen=True, slots=True)
class StoredPage:
    """What one committed page changed, for whoever follows the store (the index feed).

    Every row the page changed carries ``changed_at``, so a follower that has
    applied a page knows exactly which store changes it has seen.
    """

    source: str
    changed_at: datetime
    records: list[Record]
    """Added or updated, live."""
    gone: list[str]
    """Ids of records the page tombstoned."""


class PageListener(Protocol):
    def __call__(self, page: StoredPage, report: RunReport) -> None: ...


class Follower(PageListener, Protocol):
    """A listener's twin in the writer's process."""

    def hand_over(self) -> object:
        """Finish following; what :meth:`Twinned.take_back` is given in the harvest's process."""
        ...


@runtime_checkable
class Twinned(PageListener, Protocol):
    """A page listener that can follow pages written in a child process through a twin."""

    def twin(self) -> Callable[[], Follower | None] | None:
        """A picklable factory of the twin, or ``None`` to follow in this process only."""
        ...

    def take_back(self, state: object) -> None:
        """What the twin did (:meth:`Follower.hand_over`)."""
        ...


@dataclass(frozen=True, slots=True)
class Gone:
    """A deleted header of the listing."""

    source_identifier: str
    datestamp: datetime | None


@dataclass(frozen=True, slots=True)
class PageJob:
    """Everything one page writes, in one transaction."""

    run_id: int
    source: str
    platform: str
    now: datetime
    items: list[PreparedRow | Gone]
    """In listing order: a deleted header flushes the rows listed before it."""
    counts: Counts
    """What the page already counts before writing (its failed items)."""
    errors: list[tuple[str, str]]
    checkpoint: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class PageWritten:
    counts: Counts
    outcomes: list[Outcome]
    """One per item of the job, in its order."""
    stages: dict[str, float]
    """CPU seconds of the write (``store``) and of a twin following it (``index``)."""
    followed: bool = False
    """Whether a twin in the writer's process was told of the page."""


def write_page(db: Database, job: PageJob) -> PageWritten:
    """Rows, tombstones, the run's counts, errors and checkpoint: committed together."""
    mark = time.thread_time()
    counts = Counts()
    counts.add(job.counts)
    with db.session() as session:
        outcomes = list(_apply(session, job))
        for outcome in outcomes:
            setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
        store_runs.save_page(session, job.run_id, counts, job.checkpoint, job.errors)
    return PageWritten(counts, outcomes, {"store": time.thread_time() - mark})


def stored_page(
    job: PageJob, outcomes: Sequence[Outcome], records: Sequence[Record | None]
) -> StoredPage:
    """What the page changed; ``records`` holds the record of each changed row of the job."""
    page = StoredPage(source=job.source, changed_at=job.now, records=[], gone=[])
    for item, record, outcome in zip(job.items, records, outcomes, strict=True):
        if isinstance(item, Gone):
            if outcome is Outcome.DELETED:
                page.gone.append(record_id(job.source, item.source_identifier))
        elif outcome is not Outcome.UNCHANGED:
            assert record is not None
            page.records.append(record)
    return page


def _apply(session: Session, job: PageJob) -> Iterator[Outcome]:
    batch: list[PreparedRow] = []
    for item in job.items:
        if isinstance(item, PreparedRow):
            batch.append(item)
            continue
        yield from write_rows(session, batch, job.now)
        batch = []
        yield _delete(session, item, job)
    yield from write_rows(session, batch, job.now)


def _delete(session: Session, gone: Gone, job: PageJob) -> Outcome:
    """A deleted header: tombstone the record, or store one if it was never seen."""
    rid = record_id(job.source, gone.source_identifier)
    if tombstone(session, rid, datestamp=gone.datestamp, now=job.now) is not None:
        return Outcome.DELETED
    if session.get(RecordRow, rid) is not None:
        return Outcome.UNCHANGED
    stub = Record(
        id=rid,
        source=job.source,
        source_identifier=gone.source_identifier,
        platform=job.platform,
        source_datestamp=gone.datestamp,
    )
    record_tombstone(session, stub, job.now)
    session.flush()
    return Outcome.DELETED


class PageWriter:
    """Pages handed in with :meth:`submit` come back, written, from :meth:`result`, in order.

    ``place="process"`` writes in a child process, up to :data:`DEPTH` pages
    behind the one being built, once the run has written ``after`` records
    (changed, new or deleted ones: rows known unchanged do not count) and from its
    second page on; ``"inline"`` writes each page as it is submitted.
    """

    def __init__(
        self,
        db: Database,
        place: WriterPlace = "inline",
        twin: Callable[[], Follower | None] | None = None,
        *,
        after: int = 0,
    ) -> None:
        self._db = db
        self._place = place
        self._twin = twin
        self._after = after
        self._written: deque[PageWritten] = deque()
        self._submitted = 0
        self._writes = 0
        """Items of the pages submitted before this one that change the store."""
        self._child: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._in_flight = 0
        self._changing: deque[set[str]] = deque()
        """Ids of each page submitted and not yet returned: they may still change."""

    def submit(self, job: PageJob) -> None:
        """Write ``job`` here or send it to the child."""
        self._submitted += 1
        self._changing.append(
            {
                item.id
                if isinstance(item, PreparedRow)
                else record_id(job.source, item.source_identifier)
                for item in job.items
            }
        )
        inline = self._conn is None and not self._child_pays()
        self._writes += sum(not isinstance(i, PreparedRow) or i.judged for i in job.items)
        if inline:
            self._written.append(write_page(self._db, job))
            return
        conn = self._conn or self._start()
        conn.send(job)  # taken at once by the child's reader, so this waits for no page
        self._in_flight += 1

    def _child_pays(self) -> bool:
        """Whether the child is worth starting: ``after`` writes into the run, never on
        its first page. Rows known unchanged do not count: a re-harvest that changes
        nothing never starts it."""
        return self._place == "process" and self._writes >= self._after and self._submitted > 1

    def result(self) -> PageWritten:
        """The oldest page not yet returned; waits for the child if it is still writing."""
        if not self._written and self._conn is not None and self._in_flight:
            self._written.append(self._receive(self._conn))
        if not self._written:
            raise StoreError("no page is pending: an earlier page failed to be stored")
        self._changing.popleft()
        return self._written.popleft()

    def held(self, ids: Sequence[str]) -> dict[str, Held]:
        """The stored records among a page's ``ids`` that no page in flight may change.

        What they hold tells a harvest which listed items it need not map (the same
        payload, mapped by this release) or judge (the same content): they will be
        written as unchanged. Only what pages already written left in the store
        counts: an id a page still in flight may change, or one listed twice in
        ``ids``, is never in the answer.
        """
        busy = set().union(*self._changing)
        listed = Counter(ids)
        ask = [rid for rid, times in listed.items() if times == 1 and rid not in busy]
        if not ask:
            return {}
        with self._db.session() as session:
            return held_records(session, ask)

    @property
    def ahead(self) -> int:
        """Pages that may stay pending while the next is built (:data:`DEPTH` for a child)."""
        return DEPTH if self._place == "process" else 0

    def ready(self) -> bool:
        """Whether :meth:`result` would return at once: the oldest page is written."""
        if self._written:
            return True
        return bool(self._in_flight) and self._conn is not None and self._conn.poll(0)

    @property
    def pending(self) -> int:
        """Pages submitted and not yet returned by :meth:`result`."""
        return len(self._written) + self._in_flight

    def close(self) -> tuple[object, float]:
        """Stop the child once it is done: what its twin handed over, and the CPU that took.

        A page still in flight is written first (its result is dropped: the run
        is failing if it was not read).
        """
        if self._conn is None or self._child is None:
            return None, 0.0
        conn, child = self._conn, self._child
        self._conn = self._child = None
        closed = _Closed(None, 0.0)
        with contextlib.suppress(OSError, EOFError):  # the child may be gone already
            conn.send(None)
            while not isinstance(answer := conn.recv(), _Closed):
                pass
            closed = answer
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        conn.close()
        return closed.handed, closed.cpu

    def _start(self) -> Connection:
        """``python -m harvester.page_writer`` on one end of a socket pair.

        Not :mod:`multiprocessing`'s spawn: that re-runs the parent's main
        module in the child, which breaks a script without a main guard. The
        child is given the parent's import path; the store's URL (it may hold
        a password) and the collector thresholds go over the socket, not the
        command line, with the twin's factory.
        """
        ours, theirs = socket.socketpair()
        path = os.pathsep.join(p or os.getcwd() for p in sys.path)
        env = {**os.environ, "PYTHONPATH": path}
        command = [sys.executable, "-m", __name__, str(theirs.fileno())]
        child = subprocess.Popen(command, pass_fds=(theirs.fileno(),), env=env)
        theirs.close()
        conn = Connection(ours.detach())
        conn.send((self._db.url, gc.get_threshold(), self._twin))
        self._conn, self._child = conn, child
        return conn

    def _receive(self, conn: Connection) -> PageWritten:
        self._in_flight -= 1
        try:
            answer = conn.recv()
        except EOFError as exc:
            raise StoreError("the page writer process stopped without answering") from exc
        if isinstance(answer, _Failed):
            raise StoreError(f"storing a page failed: {answer.reason}")
        assert isinstance(answer, PageWritten)
        return answer


@dataclass(frozen=True, slots=True)
class _Failed:
    reason: str


@dataclass(frozen=True, slots=True)
class _Closed:
    handed: object
    cpu: float
    """CPU seconds of the twin's last work (its final flush)."""


def _serve(conn: Connection) -> None:
    """The child: write each page it is sent until told to stop or its parent is gone."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    url, thresholds, twin = conn.recv()
    gc.set_threshold(*thresholds)
    follower: Follower | None = twin() if twin is not None else None
    with Database(url, run_migrations=False) as db:
        for job in _jobs(conn):
            try:
                written = write_page(db, job)
                if follower is not None:
                    written = _follow(follower, job, written)
                conn.send(written)
                trim_heap()  # pages are read on one thread and freed on another
            except Exception as exc:  # told to the parent, which fails the run
                conn.send(_Failed(f"{type(exc).__name__}: {exc}"))
                return
    mark = time.thread_time()
    handed = follower.hand_over() if follower is not None else None
    with contextlib.suppress(OSError):  # the parent may be gone
        conn.send(_Closed(handed, time.thread_time() - mark))


def _follow(follower: Follower, job: PageJob, written: PageWritten) -> PageWritten:
    """Tell the twin of the page; its records are those of the rows just written."""
    from harvester.runs import RunReport  # the runs module imports this one

    mark = time.thread_time()
    records = [
        Record.model_validate(item.row["data"])
        if isinstance(item, PreparedRow) and outcome is not Outcome.UNCHANGED
        else None
        for item, outcome in zip(job.items, written.outcomes, strict=True)
    ]
    clock = RunReport(run_id=job.run_id, source=job.source, mode="")
    follower(stored_page(job, written.outcomes, records), clock)
    stages = {**written.stages, "index": clock.stages["index"]}
    stages["store"] += time.thread_time() - mark - clock.stages["index"]  # reading rows back
    return PageWritten(written.counts, written.outcomes, stages, followed=True)


def _jobs(conn: Connection) -> Iterator[PageJob]:
    """The pages sent, read by a thread as soon as they come so the parent's send never waits."""
    jobs: queue.SimpleQueue[PageJob | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            while (job := conn.recv()) is not None:
                jobs.put(job)
        except EOFError:
            pass
        jobs.put(None)

    threading.Thread(target=read, name="page-reader", daemon=True).start()
    while (job := jobs.get()) is not None:
        yield job


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: be killed when the harvest's process dies, however it dies.

    Elsewhere (no ``prctl``) the pipe's end (EOF) stops the child after its page.
    """
    prctl = getattr(libc(), "prctl", None)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


if __name__ == "__main__":
    # By its name, not as __main__: what the child sends must unpickle in the parent.
    from harvester.page_writer import _serve as serve

    serve(Connection(int(sys.argv[1])))
