"""A real app with a settable clock, clients at chosen addresses, and a seeded sequence of
service events whose expected counts are computed here, from what the clients did and
saw — never from the store.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from harvester.store import Database
from harvester.store.records import iter_records, upsert_record
from harvester.store.schema import metadata
from indexer.tantivy_ import TantivyBackend
from mappings.record import AccessRights, Distribution, Record, record_id
from search_api.app import create_app
from search_api.config import ApiConfig
from search_api.service.recorder import ServiceRecorder
from tests.search_api.conftest import CATALOGUE, fill_store, make_tokens

CLIENTS: list[tuple[str, str]] = [
    (f"198.51.100.{i}", f"Mozilla/5.0 (X11; ProbeAgent/{i}.7) Gecko/20260101 Firefox/{i}33.0")
    for i in range(11, 19)
]
"""(address, user agent): neither may ever be stored, logged or reported."""
TERMS = ["soil", "Soil ", "glacier", "rice", "germplasm", "dust", "strain", "permafrost"]

FOLLOWABLE = [
    Record.model_validate(
        {
            "id": record_id("ncdc-oai", "lake-010"),
            "source": "ncdc-oai",
            "source_identifier": "lake-010",
            "platform": "ncdc",
            "title": {"zh": "湖泊冰情数据集", "en": "Lake ice dataset"},
            "cstr": "CSTR:11738.11.ncdc.lake.010",
            "access_rights": AccessRights.OPEN,
            "landing_page": "https://ncdc.example.org/data/lake-010",
            "distributions": [
                Distribution(download_url="https://ncdc.example.org/files/lake-010.zip")
            ],
        }
    ),
    Record.model_validate(
        {
            "id": record_id("cgris-api", "maize-3"),
            "source": "cgris-api",
            "source_identifier": "maize-3",
            "platform": "cgris",
            "title": {"zh": "玉米种质资源", "en": "Maize germplasm"},
            "landing_page": "javascript:alert(1)",
        }
    ),
]
"""One record with web links to follow, one whose harvested link must never be followed."""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(slots=True)
class ServiceApp:
    app: FastAPI
    db: Database
    clock: Clock
    tokens: dict[str, str]

    def client(self, address: str = CLIENTS[0][0], agent: str = CLIENTS[0][1]) -> TestClient:
        return TestClient(self.app, client=(address, 41000), headers={"user-agent": agent})

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": self.tokens[who]}


def service_app(db: Database, tmp_path: Path, start: datetime) -> Iterator[ServiceApp]:
    fill_store(db)
    tokens = make_tokens(db)
    with db.session() as s:
        for record in FOLLOWABLE:
            upsert_record(s, record, raw="{}", raw_format="json")
    backend = TantivyBackend(tmp_path / "index")
    with db.session() as s:
        backend.rebuild(stored.record for stored in iter_records(s))
    clock = Clock(start)
    config = ApiConfig(db=db, backend=backend, service=ServiceRecorder(b"k" * 32, clock=clock))
    yield ServiceApp(create_app(config), db, clock, tokens)
    backend.close()


@dataclass(slots=True)
class Expected:
    """What happened, per platform, as the clients saw it."""

    counts: Counter[tuple[str, str, date, str]] = field(default_factory=Counter)
    """(platform, record, day, kind) -> events."""
    term_clients: dict[tuple[str, date, str], set[str]] = field(default_factory=dict)
    term_searches: Counter[tuple[str, date, str]] = field(default_factory=Counter)

    def totals(self, platform: str, start: date, end: date) -> Counter[str]:
        return Counter(
            {
                kind: sum(
                    n
                    for (p, _, d, k), n in self.counts.items()
                    if p == platform and k == kind and start <= d <= end
                )
                for kind in ("impression", "view", "resolution", "landing", "download")
            }
        )

    def per(self, platform: str, start: date, end: date, key: str) -> dict[str, dict[str, int]]:
        """Counts by ``day`` (ISO date), ``month`` (YYYY-MM) or ``record``."""
        out: dict[str, Counter[str]] = {}
        for (p, rec, d, kind), n in self.counts.items():
            if p != platform or not start <= d <= end:
                continue
            name = {"day": d.isoformat(), "month": d.strftime("%Y-%m"), "record": rec}[key]
            out.setdefault(name, Counter())[kind] += n
        return {name: dict(c) for name, c in out.items()}

    def terms(self, platform: str, start: date, end: date) -> dict[str, tuple[int, int]]:
        """term -> (client-days over days with >= 5 clients, their searches)."""
        out: dict[str, list[int]] = {}
        for (p, d, term), who in self.term_clients.items():
            if p == platform and start <= d <= end and len(who) >= 5:
                entry = out.setdefault(term, [0, 0])
                entry[0] += len(who)
                entry[1] += self.term_searches[(p, d, term)]
        return {t: (c, s) for t, (c, s) in out.items()}


def seeded_events(
    app: ServiceApp, days: list[date], *, per_day: int = 70, seed: int = 20260310
) -> Expected:
    """Drive the real endpoints with a seeded mix of searches, views, resolutions and
    follow-throughs by several clients over several days."""
    rng = random.Random(seed)
    clients = {address: app.client(address, agent) for address, agent in CLIENTS}
    live = [*CATALOGUE, FOLLOWABLE[0]]
    with_cstr = [r for r in live if r.cstr]
    expected = Expected()
    for day in days:
        app.clock.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)
        for _ in range(per_day):
            app.clock.now += timedelta(minutes=7)
            address = rng.choice(list(clients))
            client = clients[address]
            action = rng.choices(
                ["search", "view", "resolve", "landing", "download"], [6, 3, 2, 1, 1]
            )[0]
            if action == "search":
                _search(client, rng.choice(TERMS), day, address, expected)
            elif action == "view":
                record = rng.choice(live)
                assert client.get(f"/api/records/{record.id}").status_code == 200
                expected.counts[(record.platform, record.id, day, "view")] += 1
            elif action == "resolve":
                record = rng.choice(with_cstr)
                assert record.cstr is not None
                spelling = rng.choice([record.cstr, record.cstr.removeprefix("CSTR:").lower()])
                reply = client.get(f"/cstr/{spelling}", follow_redirects=False)
                assert reply.status_code == 303
                expected.counts[(record.platform, record.id, day, "resolution")] += 1
            else:
                record = FOLLOWABLE[0]
                reply = client.get(f"/go/{record.id}?to={action}", follow_redirects=False)
                assert reply.status_code == 302
                expected.counts[(record.platform, record.id, day, action)] += 1
    # what a serving process writes within a second (readers outside the API, such as
    # the evaluation report, see it then); this app runs without its writer thread
    app.app.state.config.service.flush(app.db)
    return expected


def _search(client: TestClient, term: str, day: date, address: str, expected: Expected) -> None:
    reply = client.get("/api/search", params={"q": term, "size": 5})
    assert reply.status_code == 200
    hits = reply.json()["hits"]
    platforms = set()
    for hit in hits:
        platform = hit["document"]["platform"]
        platforms.add(platform)
        expected.counts[(platform, hit["id"], day, "impression")] += 1
    key = term.strip().lower()
    for platform in platforms:
        expected.term_clients.setdefault((platform, day, key), set()).add(address)
        expected.term_searches[(platform, day, key)] += 1


def dump_database(db: Database) -> str:
    """Every value of every row of every table, as text."""
    lines = []
    with db.session() as s:
        for table in metadata.sorted_tables:
            for row in s.execute(select(table)):
                lines.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(lines)


def as_service_json(expected: Expected, platform: str, start: date, end: date) -> dict[str, Any]:
    """The parts of the service API's answer the expected events determine."""
    zero = dict.fromkeys(("impression", "view", "resolution", "landing", "download"), 0)
    return {
        "totals": zero | dict(expected.totals(platform, start, end)),
        "days": {k: zero | v for k, v in expected.per(platform, start, end, "day").items()},
        "months": {k: zero | v for k, v in expected.per(platform, start, end, "month").items()},
        "records": {k: zero | v for k, v in expected.per(platform, start, end, "record").items()},
        "terms": expected.terms(platform, start, end),
    }


def actual_service_json(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "totals": figures["totals"],
        "days": {d["period"]: d["counts"] for d in figures["days"]},
        "months": {m["period"]: m["counts"] for m in figures["months"]},
        "records": {r["id"]: r["counts"] for r in figures["top_records"]},
        "terms": {t["term"]: (t["clients"], t["searches"]) for t in figures["top_terms"]},
    }
