"""Counting the portal's service to each platform without keeping anything about people.

Two keys, both HMAC keys and neither ever stored in the database:

- the *daily key* is derived from a random seed that lives only in memory --
  made by ``sharenet serve`` and handed to each of its workers, so one client
  is one client whichever worker answers -- and from the day. Query terms are
  noted per client under it, so distinct clients can be counted for one day;
  the next day the noted hashes are rolled up into counts and deleted
  (:func:`harvester.store.service.roll_up_terms`), and the seed dies with the
  process.
- the *rating secret* is stable (the deployment passes one that survives
  restarts) and keys a client's ratings *per record*, so a client rating a
  record again replaces its rating, and two records' raters cannot be linked.

Events are counted in memory and written in batches, off the request path: a
background thread writes what was counted every :data:`FLUSH_SECONDS` (sooner
when much is pending) in one transaction, the service figures flush first so
they read what was just counted, and stopping the application writes the
rest. A batch the store refuses is kept and tried again, so no event is lost
while the process lives.

The client is its network address as the server sees it: the direct peer, or,
when that peer is a trusted reverse proxy (``ApiConfig.trusted_proxies``), the
address its ``X-Forwarded-For`` names. The address and the user agent are read
to compute these keys and are never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from harvester.store import Database
from harvester.store.models import utcnow
from harvester.store.service import (
    CountKey,
    EventKind,
    TermKey,
    count_events,
    normalise_term,
    note_terms,
    roll_up_terms,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Event = tuple[str, str, EventKind]
"""``(platform, record id, kind)``."""

FLUSH_SECONDS = 1.0
"""Longest an event waits in memory before it is written (while the store answers)."""
FLUSH_PENDING = 5_000
"""Pending counters that wake the writer before its time."""
STOP_ATTEMPTS = 5
"""Tries to write the last batch when the application stops, a second apart."""


class ServiceRecorder:
    """One per application process: holds the keys and the counts not yet written."""

    def __init__(
        self,
        secret: bytes | None = None,
        *,
        clock: Clock = utcnow,
        seed: bytes | None = None,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        if secret is not None and len(secret) < 16:
            raise ValueError("the rating secret needs at least 16 bytes")
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._seed = seed if seed is not None else secrets.token_bytes(32)
        self._clock = clock
        self._flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._counts: Counter[CountKey] = Counter()
        self._terms: Counter[TermKey] = Counter()
        self._last_day: date | None = None
        self._roll_up: date | None = None
        self._db: Database | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def today(self) -> date:
        return self.now().date()

    def rating_key(self, client: str, record_id: str) -> str:
        """The same for every rating of one record by one client, unrelated across records."""
        return _hmac(self._secret, "rating", record_id, client)

    def record(
        self,
        events: Iterable[Event],
        *,
        term: str = "",
        term_platforms: Iterable[str] = (),
        client: str = "",
    ) -> None:
        """Count ``events`` today, and note ``term`` for ``client`` (if both are given).

        Only memory is touched here; the writer thread takes it to the store.
        """
        day = self.today()
        counts = Counter((day, platform, record_id, kind) for platform, record_id, kind in events)
        noted = normalise_term(term) if client else ""
        key = _hmac(self._seed, "term", day.isoformat(), client) if noted else ""
        with self._lock:
            self._counts.update(counts)
            for platform in set(term_platforms) if noted else ():
                self._terms[(day, platform, noted, key)] += 1
            if self._last_day != day:  # a new day (or the first event): past hashes go
                self._last_day = self._roll_up = day
            pending = len(self._counts) + len(self._terms)
        if pending >= FLUSH_PENDING:
            self._wake.set()

    def flush(self, db: Database | None = None) -> int:
        """Write what was counted, in one transaction; returns the counters written.

        On failure the batch goes back to memory (to be tried again) and the
        error is raised.
        """
        target = db or self._db
        if target is None:
            raise RuntimeError("the service recorder has no store to write to")
        with self._write_lock:
            with self._lock:
                counts, self._counts = self._counts, Counter()
                terms, self._terms = self._terms, Counter()
                roll_up, self._roll_up = self._roll_up, None
            if not counts and not terms and roll_up is None:
                return 0
            try:
                with target.session() as session:
                    count_events(session, counts)
                    note_terms(session, terms)
                    if roll_up is not None:
                        roll_up_terms(session, roll_up)
            except BaseException:
                with self._lock:
                    self._counts.update(counts)
                    self._terms.update(terms)
                    if roll_up is not None and self._roll_up is None:
                        self._roll_up = roll_up
                raise
            return len(counts) + len(terms)

    def roll_up(self, db: Database) -> int:
        """Write what is pending, then roll up the term hashes of past days."""
        self.flush(db)
        with db.session() as session:
            return roll_up_terms(session, self.today())

    def start(self, db: Database) -> None:
        """Write to ``db`` from a background thread until :meth:`stop` (once per process)."""
        if self._thread is not None:
            return
        self._db = db
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="service-records", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the writer and write what is left (retrying a refusing store a little)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        for attempt in range(STOP_ATTEMPTS):
            try:
                self.flush()
                return
            except Exception as exc:
                log.warning("service records not written yet: %s", type(exc).__name__)
                if attempt + 1 < STOP_ATTEMPTS:
                    time.sleep(1.0)
        with self._lock:
            lost = sum(self._counts.values()) + sum(self._terms.values())
        log.error("%d service events could not be written before stopping", lost)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._flush_seconds)
            self._wake.clear()
            try:
                self.flush()
            except Exception as exc:
                log.warning("service records kept for the next write: %s", type(exc).__name__)


def _hmac(key: bytes, *parts: str) -> str:
    message = "\0".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
