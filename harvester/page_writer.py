"""Writing a harvest's pages to the store, in this process or in a child process.

A page's Python work splits in two: mapping, judging and building rows (no
store needed) and writing them (SQL statements, the driver, the commit). On
one core the second half waits for the first; with a writer process the
harvest builds page N+1 while page N is being written, and a listing of many
pages takes about the time of the larger half instead of the sum of both.

The writer is the same function either way (:func:`write_page`): a page, its
tombstones, its errors and its checkpoint in one transaction, in listing
order. Only where it runs differs. The child is started on a run's second
page (a one-page run, the usual incremental one, never pays its start-up),
is sent one page at a time and answers with what the page did; at most one
page is in flight, so a checkpoint is still stored only after its page. The
child dies with the harvest's process (SIGKILL included): a page it was
writing is rolled back with its checkpoint and fetched again on resume.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import os
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any, Literal

from sqlalchemy.orm import Session

from harvester.errors import StoreError
from harvester.store import Database
from harvester.store import runs as store_runs
from harvester.store.models import RecordRow
from harvester.store.records import (
    Outcome,
    PreparedRow,
    record_tombstone,
    tombstone,
    write_rows,
)
from harvester.store.runs import Counts
from mappings.record import Record, record_id

WriterPlace = Literal["inline", "process"]


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
    cpu: float
    """CPU seconds the write took, wherever it ran."""


def write_page(db: Database, job: PageJob) -> PageWritten:
    """Rows, tombstones, the run's counts, errors and checkpoint: committed together."""
    mark = time.thread_time()
    counts = Counts(**{name: getattr(job.counts, name) for name in Counts.__slots__})
    with db.session() as session:
        outcomes = list(_apply(session, job))
        for outcome in outcomes:
            setattr(counts, outcome.value, getattr(counts, outcome.value) + 1)
        store_runs.save_page(session, job.run_id, counts, job.checkpoint, job.errors)
    return PageWritten(counts, outcomes, time.thread_time() - mark)


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

    ``place="process"`` writes from the second page on in a child process, so
    at most one page is written while the next is built; ``"inline"`` writes
    each page as it is submitted.
    """

    def __init__(self, db: Database, place: WriterPlace = "inline") -> None:
        self._db = db
        self._place = place
        self._written: deque[PageWritten] = deque()
        self._submitted = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._in_flight = 0

    def submit(self, job: PageJob) -> None:
        self._submitted += 1
        if self._place == "inline" or self._submitted == 1:
            self._written.append(write_page(self._db, job))
            return
        conn = self._conn or self._start()
        if self._in_flight:
            self._written.append(self._receive(conn))
        conn.send(job)
        self._in_flight = 1

    def result(self) -> PageWritten:
        """The oldest page not yet returned; waits for the child if it is still writing."""
        if not self._written and self._conn is not None and self._in_flight:
            self._written.append(self._receive(self._conn))
        if not self._written:
            raise StoreError("no page is pending: an earlier page failed to be stored")
        return self._written.popleft()

    @property
    def ahead(self) -> int:
        """Pages that may stay pending while the next is built: one if a child writes them."""
        return 1 if self._place == "process" else 0

    @property
    def pending(self) -> int:
        """Pages submitted and not yet returned by :meth:`result`."""
        return len(self._written) + self._in_flight

    def close(self) -> None:
        """Stop the child once it is done; a page still in flight is written first."""
        if self._conn is None or self._child is None:
            return
        conn, child = self._conn, self._child
        self._conn = self._child = None
        with contextlib.suppress(OSError):  # the child may be gone already
            conn.send(None)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        conn.close()

    def _start(self) -> Connection:
        """``python -m harvester.page_writer`` on one end of a socket pair.

        Not :mod:`multiprocessing`'s spawn: that re-runs the parent's main
        module in the child, which breaks a script without a main guard. The
        child is given the parent's import path; the store's URL (it may hold
        a password) and the collector thresholds go over the socket, not the
        command line.
        """
        ours, theirs = socket.socketpair()
        path = os.pathsep.join(p or os.getcwd() for p in sys.path)
        env = {**os.environ, "PYTHONPATH": path}
        command = [sys.executable, "-m", __name__, str(theirs.fileno())]
        child = subprocess.Popen(command, pass_fds=(theirs.fileno(),), env=env)
        theirs.close()
        conn = Connection(ours.detach())
        conn.send((self._db.url, gc.get_threshold()))
        self._conn, self._child = conn, child
        return conn

    def _receive(self, conn: Connection) -> PageWritten:
        self._in_flight = 0
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


def _serve(conn: Connection) -> None:
    """The child: write each page it is sent until told to stop or its parent is gone."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    url, thresholds = conn.recv()
    gc.set_threshold(*thresholds)
    with Database(url, run_migrations=False) as db:
        for job in _jobs(conn):
            try:
                conn.send(write_page(db, job))
            except Exception as exc:  # told to the parent, which fails the run
                conn.send(_Failed(f"{type(exc).__name__}: {exc}"))
                return


def _jobs(conn: Connection) -> Iterable[PageJob]:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        yield job


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: be killed when the harvest's process dies, however it dies."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    # Elsewhere the pipe's end (EOF) stops the child after its page.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


if __name__ == "__main__":
    # By its name, not as __main__: what the child sends must unpickle in the parent.
    from harvester.page_writer import _serve as serve

    serve(Connection(int(sys.argv[1])))
