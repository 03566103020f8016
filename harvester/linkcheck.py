"""The landing-page link checker: runs apart from harvesting, at a polite rate.

Whether a record's landing page answers is evidence about the platform's online
service (regulation art. 13(3), 27), but checking 100k links inside a harvest
would make harvests slow and hammer the platforms. So the checker is its own
job (``sharenet links check``): one probe per distinct URL, requests spaced to
a global rate, HEAD first and GET when a server refuses or mishandles HEAD.
The latest outcome per record is kept in ``link_checks``; the platform-scope
rule ``landing-page-reachable`` is then refreshed from it.

It does not use the harvester's retrying transport on purpose: a link check
wants the status exactly as the server gave it, once.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.compliance import refresh_platform
from harvester.errors import ConfigError
from harvester.http import USER_AGENT
from harvester.store import Database
from harvester.store.linkcheck_models import LinkCheckRow
from harvester.store.models import RecordRow

log = logging.getLogger(__name__)

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute))?\s*$", re.I)
_HEAD_REFUSED = frozenset({400, 403, 404, 405, 406, 429, 500, 501, 502, 503})
"""HEAD answers that many servers give wrongly; a GET gets the last word."""
_COMMIT_EVERY = 100


def parse_rate(text: str) -> float:
    """Requests per second from ``2``, ``2/s`` or ``30/min``."""
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ConfigError(f"rate {text!r} must be a positive number per second (2/s) or minute")
    value = float(match.group(1))
    return value / 60 if (match.group(2) or "s").lower().startswith("m") else value


class RateLimiter:
    """Spaces calls at least ``1/rate`` seconds apart (one checker, one pace)."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0

    def wait(self) -> None:
        now = self.clock()
        if now < self._next:
            self.sleep(self._next - now)
            now = self._next
        self._next = now + self.interval


@dataclass(frozen=True, slots=True)
class LinkOutcome:
    outcome: str
    """``ok``, ``http_error``, ``timeout``, ``network_error`` or ``invalid_url``."""
    status: int | None = None
    method: str = "HEAD"
    error: str | None = None
    elapsed_ms: int | None = None


def _request(client: httpx.Client, method: str, url: str) -> LinkOutcome:
    started = time.monotonic()
    try:
        with client.stream(method, url) as response:  # the body is never read
            status = response.status_code
    except httpx.TimeoutException as exc:
        return LinkOutcome("timeout", None, method, type(exc).__name__, _ms(started))
    except (httpx.TransportError, httpx.InvalidURL) as exc:
        error = str(exc) or type(exc).__name__
        return LinkOutcome("network_error", None, method, error, _ms(started))
    outcome = "ok" if status < 400 else "http_error"
    return LinkOutcome(outcome, status, method, None, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def probe(client: httpx.Client, url: str, limiter: RateLimiter | None = None) -> LinkOutcome:
    """HEAD the URL; on a refusal or a broken connection, GET it (every request rate-limited)."""
    if not url.lower().startswith(("http://", "https://")):
        return LinkOutcome("invalid_url", error="not an http(s) URL")
    if limiter:
        limiter.wait()
    head = _request(client, "HEAD", url)
    if head.outcome in {"ok", "timeout"}:
        return head
    if head.outcome == "http_error" and head.status not in _HEAD_REFUSED:
        return head
    if limiter:
        limiter.wait()
    return _request(client, "GET", url)


def _link_client(timeout: float) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT + " link-check"},
    )


@dataclass(slots=True)
class LinkCheckReport:
    checked: int = 0
    """Records whose outcome was recorded in this pass."""
    requests: int = 0
    """Distinct URLs probed (records sharing a URL share one probe)."""
    skipped: int = 0
    """Records checked recently for the same URL."""
    outcomes: Counter[str] = field(default_factory=Counter)
    findings: dict[str, int] = field(default_factory=dict)
    """Platform -> records failing ``landing-page-reachable`` after the pass."""


def _targets(
    session: Session, platform: str | None, recheck_after: timedelta | None, now: datetime
) -> tuple[list[tuple[str, str, str]], int]:
    query = select(RecordRow.id, RecordRow.platform, RecordRow.data["landing_page"]).where(
        RecordRow.deleted.is_(False)
    )
    if platform:
        query = query.where(RecordRow.platform == platform)
    recent: dict[str, str] = {}
    if recheck_after is not None:
        checks = select(LinkCheckRow.record_id, LinkCheckRow.url).where(
            LinkCheckRow.checked_at > now - recheck_after
        )
        if platform:
            checks = checks.where(LinkCheckRow.platform == platform)
        recent = dict(session.execute(checks).tuples().all())
    out: list[tuple[str, str, str]] = []
    skipped = 0
    for rid, plat, landing in session.execute(query.order_by(RecordRow.id)):
        url = landing.strip() if isinstance(landing, str) else ""
        if not url.lower().startswith(("http://", "https://")):
            continue  # none or not http(s): the record-scope rule landing-page says so
        if recent.get(rid) == url:
            skipped += 1
            continue
        out.append((rid, plat, url))
    return out, skipped


def _save(session: Session, rid: str, platform: str, url: str, result: LinkOutcome) -> None:
    row = session.get(LinkCheckRow, rid) or LinkCheckRow(record_id=rid)
    row.platform = platform
    row.url = url
    row.checked_at = datetime.now(UTC)
    row.outcome = result.outcome
    row.status = result.status
    row.method = result.method
    row.error = result.error
    row.elapsed_ms = result.elapsed_ms
    session.add(row)


def check_links(
    db: Database,
    *,
    platform: str | None = None,
    rate: float = 2.0,
    timeout: float = 10.0,
    recheck_after: timedelta | None = timedelta(days=7),
    limit: int | None = None,
    client: httpx.Client | None = None,
    now: datetime | None = None,
) -> LinkCheckReport:
    """Probe the landing pages of live records and refresh the reachability findings.

    ``recheck_after`` skips records whose same URL was checked more recently
    (``None`` checks everything); ``limit`` caps the number of records probed.
    """
    now = now or datetime.now(UTC)
    report = LinkCheckReport()
    with db.session() as session:
        targets, report.skipped = _targets(session, platform, recheck_after, now)
    if limit is not None:
        targets = targets[:limit]
    limiter = RateLimiter(rate)
    own_client = client is None
    http = client or _link_client(timeout)
    seen: dict[str, LinkOutcome] = {}
    touched: set[str] = set()
    try:
        for start in range(0, len(targets), _COMMIT_EVERY):
            with db.session() as session:
                for rid, plat, url in targets[start : start + _COMMIT_EVERY]:
                    if url not in seen:
                        seen[url] = probe(http, url, limiter)
                        report.requests += 1
                    _save(session, rid, plat, url, seen[url])
                    report.outcomes[seen[url].outcome] += 1
                    report.checked += 1
                    touched.add(plat)
    finally:
        if own_client:
            http.close()
    with db.session() as session:
        for plat in sorted(touched):
            report.findings[plat] = refresh_platform(session, plat).get("landing-page-reachable", 0)
    log.info("link check: %d records, %d requests", report.checked, report.requests)
    return report
