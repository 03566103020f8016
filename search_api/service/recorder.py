"""Counting the portal's service to each platform without keeping anything about people.

Two keys, both HMAC keys and neither ever stored in the database:

- the *daily key* is random, lives in this process's memory and is replaced
  when the day changes. Query terms are noted per client under it, so distinct
  clients can be counted for one day; the next day the old key is gone and the
  noted hashes are rolled up into counts and deleted
  (:func:`harvester.store.service.roll_up_terms`).
- the *rating secret* is stable (the deployment passes one that survives
  restarts) and keys a client's ratings *per record*, so a client rating a
  record again replaces its rating, and two records' raters cannot be linked.

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
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from harvester.store import Database
from harvester.store.models import utcnow
from harvester.store.service import Event, count_events, note_term, roll_up_terms

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class ServiceRecorder:
    """One per application: holds the keys and writes service records."""

    def __init__(self, secret: bytes | None = None, *, clock: Clock = utcnow) -> None:
        if secret is not None and len(secret) < 16:
            raise ValueError("the rating secret needs at least 16 bytes")
        self._secret = secret if secret is not None else secrets.token_bytes(32)
        self._clock = clock
        self._lock = threading.Lock()
        self._day: date | None = None
        self._day_key = b""

    def now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def today(self) -> date:
        return self.now().date()

    def rating_key(self, client: str, record_id: str) -> str:
        """The same for every rating of one record by one client, unrelated across records."""
        return _hmac(self._secret, "rating", record_id, client)

    def _daily(self, day: date) -> tuple[bytes, bool]:
        """Today's key, and whether it was just made (a new day: time to roll up)."""
        with self._lock:
            if self._day != day:
                self._day, self._day_key = day, secrets.token_bytes(32)
                return self._day_key, True
            return self._day_key, False

    def record(
        self,
        db: Database,
        events: Iterable[Event],
        *,
        term: str = "",
        term_platforms: Iterable[str] = (),
        client: str = "",
    ) -> None:
        """Count ``events`` today, and note ``term`` for ``client`` (if both are given).

        Never fails the request it serves: a store that cannot take the counts
        now loses them, and says so in the log (without the client).
        """
        day = self.today()
        key, new_day = self._daily(day)
        try:
            with db.session() as session:
                if new_day:
                    roll_up_terms(session, day)
                count_events(session, day, events)
                if term and client:
                    note_term(session, day, term, term_platforms, _hmac(key, "term", client))
        except Exception as exc:
            log.warning("service record not kept: %s", type(exc).__name__)

    def roll_up(self, db: Database) -> int:
        """Roll up the term hashes of past days (also run on the first event of a day)."""
        with db.session() as session:
            return roll_up_terms(session, self.today())


def _hmac(key: bytes, *parts: str) -> str:
    message = "\0".join(parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()
