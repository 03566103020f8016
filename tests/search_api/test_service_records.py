"""Service records: counts equal a seeded sequence of events, terms need five clients,
client hashes expire with their day, and no address or user agent is kept or logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from harvester.store import Database
from harvester.store.service_models import ServiceTermClientRow
from search_api.logging_ import JsonFormatter
from tests.search_api.service_support import (
    CLIENTS,
    FOLLOWABLE,
    ServiceApp,
    actual_service_json,
    as_service_json,
    dump_database,
    seeded_events,
    service_app,
)

DAYS = [date(2026, 1, 29) + timedelta(days=n) for n in range(5)]
"""Across a month's end: Jan 29 to Feb 2."""


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[ServiceApp]:
    yield from service_app(db, tmp_path, datetime(2026, 1, 29, 8, tzinfo=UTC))


def _figures(svc: ServiceApp, platform: str, start: date, end: date, who: str) -> dict:  # type: ignore[type-arg]
    reply = svc.client().get(
        f"/api/platforms/{platform}/service",
        params={"from": start.isoformat(), "to": end.isoformat(), "top": 100},
        headers=svc.auth(who),
    )
    assert reply.status_code == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


def test_migrating_a_fresh_store_gives_the_tables(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {
        "service_counts",
        "service_term_clients",
        "service_terms",
        "ratings",
        "complaints",
    } <= tables


def test_figures_equal_the_seeded_events(svc: ServiceApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    expected = seeded_events(svc, DAYS)
    for platform, who in (("ncdc", "ncdc"), ("cgris", "admin")):
        want = as_service_json(expected, platform, DAYS[0], DAYS[-1])
        assert actual_service_json(_figures(svc, platform, DAYS[0], DAYS[-1], who)) == want
        # a sub-period: the last two days only
        want = as_service_json(expected, platform, DAYS[-2], DAYS[-1])
        assert actual_service_json(_figures(svc, platform, DAYS[-2], DAYS[-1], who)) == want
    # the sequence exercises what it claims to: both months, a term kept and one dropped
    ncdc = as_service_json(expected, "ncdc", DAYS[0], DAYS[-1])
    assert set(ncdc["months"]) == {"2026-01", "2026-02"}
    assert all(ncdc["totals"][k] > 0 for k in ncdc["totals"])
    assert ncdc["terms"]
    dropped = {
        t for (p, _, t), who in expected.term_clients.items() if p == "ncdc" and len(who) < 5
    }
    assert dropped - set(ncdc["terms"])
    assert "soil" in ncdc["terms"] and "Soil " not in ncdc["terms"]  # one term, however typed

    # the next day, yesterday's client hashes are rolled up and gone; the figures stay
    svc.clock.now = datetime(2026, 2, 3, 0, 5, tzinfo=UTC)
    after = _figures(svc, "ncdc", DAYS[0], DAYS[-1], "ncdc")
    assert actual_service_json(after) == as_service_json(expected, "ncdc", DAYS[0], DAYS[-1])
    with svc.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceTermClientRow)) == 0

    # nothing stored, logged or answered names a client's address or agent
    logs = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "search_api.requests" in logs  # the request log was captured
    stored = dump_database(svc.db)
    assert "service_counts" in stored and "service_terms" in stored
    for address, agent in CLIENTS:
        for haystack in (stored, logs, str(after)):
            assert address not in haystack
            assert agent not in haystack
            assert "ProbeAgent" not in haystack


def test_today_term_hashes_are_pseudonymous(svc: ServiceApp) -> None:
    """Five clients today: the term shows; the stored client keys are not their addresses."""
    for address, agent in CLIENTS[:5]:
        assert svc.client(address, agent).get("/api/search?q=glacier").status_code == 200
    day = svc.clock.now.date()
    figures = _figures(svc, "ncdc", day, day, "ncdc")
    assert figures["top_terms"] == [{"term": "glacier", "clients": 5, "searches": 5}]
    with svc.db.session() as s:
        keys = s.scalars(select(ServiceTermClientRow.client)).all()
    assert len(set(keys)) == 5 and all(len(k) == 64 for k in keys)
    # four clients are not enough, however often they search
    for _ in range(10):
        for address, agent in CLIENTS[:4]:
            svc.client(address, agent).get("/api/search?q=dust")
    terms = {t["term"] for t in _figures(svc, "ncdc", day, day, "ncdc")["top_terms"]}
    assert "dust" not in terms


def test_follow_counts_then_redirects_to_web_links_only(svc: ServiceApp) -> None:
    client = svc.client()
    good, bad = FOLLOWABLE
    reply = client.get(f"/go/{good.id}", follow_redirects=False)
    assert reply.status_code == 302 and reply.headers["location"] == good.landing_page
    reply = client.get(f"/go/{good.id}?to=download", follow_redirects=False)
    assert reply.headers["location"].endswith("lake-010.zip")
    assert client.get(f"/go/{bad.id}", follow_redirects=False).status_code == 404
    assert client.get(f"/go/{bad.id}?to=download", follow_redirects=False).status_code == 404
    assert client.get("/go/nope", follow_redirects=False).status_code == 404
    assert client.get(f"/go/{good.id}?to=elsewhere", follow_redirects=False).status_code == 422
    day = svc.clock.now.date()
    totals = _figures(svc, "ncdc", day, day, "ncdc")["totals"]
    assert (totals["landing"], totals["download"]) == (1, 1)
    assert _figures(svc, "cgris", day, day, "cgris")["totals"]["landing"] == 0


def test_service_endpoint_access_and_parameters(svc: ServiceApp) -> None:
    client = svc.client()
    url = "/api/platforms/ncdc/service"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=svc.auth("revoked")).status_code == 401
    assert client.get(url, headers=svc.auth("cgris")).status_code == 403
    assert client.get(url, headers=svc.auth("ncdc")).status_code == 200
    assert client.get(url, headers=svc.auth("admin")).status_code == 200
    reply = client.get(
        url, params={"from": "2026-02-01", "to": "2026-01-01"}, headers=svc.auth("admin")
    )
    assert reply.status_code == 422 and reply.json()["error"]["detail"][0]["parameter"] == "from"
    reply = client.get(
        url, params={"from": "2020-01-01", "to": "2026-01-01"}, headers=svc.auth("admin")
    )
    assert reply.status_code == 422
    assert (
        client.get(url, params={"from": "yesterday"}, headers=svc.auth("admin")).status_code == 422
    )
    assert client.get("/api/platforms/nope/service", headers=svc.auth("admin")).status_code == 404
    default = client.get(url, headers=svc.auth("admin")).json()
    assert (default["from"], default["to"]) == ("2025-12-31", "2026-01-29")
