"""The link checker against a real local HTTP server: 200, 404, 500, HEAD refused, timeout."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from harvester.errors import ConfigError
from harvester.linkcheck import RateLimiter, check_links, parse_rate
from harvester.store import Database
from harvester.store.linkcheck_models import LinkCheckRow
from harvester.store.models import FindingRow
from tests.harvester.compliance_support import add_platform, make_record, store

SERVER = Path(__file__).with_name("linkcheck_server.py")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, str(SERVER)], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait()


def _count(server: str, path: str) -> int:
    return int(httpx.get(f"{server}/_count", params={"path": path}).text)


def test_parse_rate() -> None:
    assert parse_rate("2/s") == 2
    assert parse_rate("0.5") == 0.5
    assert parse_rate("30/min") == 0.5
    for bad in ("fast", "0/s", "-1"):
        with pytest.raises(ConfigError):
            parse_rate(bad)


def test_rate_limiter_spaces_calls() -> None:
    """A fake clock: the limiter's arithmetic, not the machine's speed, is under test."""
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.25]


@pytest.mark.integration
def test_outcomes_recorded_and_failures_become_findings(db: Database, server: str) -> None:
    pages = {
        "ok": "/ok",
        "missing": "/missing",
        "error": "/error",
        "nohead": "/nohead",
        "slow": "/slow",
        "twin": "/ok",  # same URL as "ok": probed once
    }
    with db.session() as s:
        add_platform(s, "p1")
        for ident, path in pages.items():
            store(s, make_record("p1", ident, landing_page=f"{server}{path}"))
        store(s, make_record("p1", "ftp", landing_page="ftp://example.org/x"))
        store(s, make_record("p1", "none", landing_page=None))
    before = _count(server, "/ok")
    report = check_links(db, platform="p1", rate=50, timeout=0.5)
    assert _count(server, "/ok") == before + 1
    # Records without an http(s) landing page are left to the record rule landing-page.
    assert report.checked == 6 and report.requests == 5
    assert report.outcomes == {"ok": 3, "http_error": 2, "timeout": 1}
    ids = {ident: make_record("p1", ident).id for ident in [*pages, "ftp"]}
    with db.session() as s:
        rows = {r.record_id: r for r in s.scalars(select(LinkCheckRow))}
        assert (rows[ids["missing"]].status, rows[ids["missing"]].method) == (404, "GET")
        assert (rows[ids["nohead"]].outcome, rows[ids["nohead"]].method) == ("ok", "GET")
        assert (rows[ids["ok"]].status, rows[ids["ok"]].method) == (200, "HEAD")
        assert rows[ids["slow"]].outcome == "timeout"
        failing = set(
            s.scalars(
                select(FindingRow.record_id).where(FindingRow.rule == "landing-page-reachable")
            )
        )
    assert failing == {ids["missing"], ids["error"], ids["slow"]}
    assert report.findings == {"p1": 3}

    # A second pass skips what was just checked; fixing a URL clears its finding.
    again = check_links(db, platform="p1", rate=50, timeout=0.5)
    assert again.checked == 0 and again.skipped == 6
    with db.session() as s:
        store(s, make_record("p1", "missing", landing_page=f"{server}/ok"))
    fixed = check_links(db, platform="p1", rate=50, timeout=0.5)
    assert fixed.checked == 1
    everything = check_links(db, rate=50, timeout=0.5, recheck_after=None, limit=2)
    assert everything.checked == 2
    with db.session() as s:
        assert ids["missing"] not in set(
            s.scalars(
                select(FindingRow.record_id).where(FindingRow.rule == "landing-page-reachable")
            )
        )


def test_recheck_window(db: Database) -> None:
    """Nothing to probe: records without landing pages only (no server needed)."""
    with db.session() as s:
        add_platform(s, "p1")
        store(s, make_record("p1", "none", landing_page=None))
    report = check_links(db, platform="p1", recheck_after=timedelta(days=1))
    assert report.checked == 0 and report.requests == 0 and report.findings == {}
