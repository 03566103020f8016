"""Service records written in batches off the request path: every event reaches the store
(at shutdown too, and after the store refused a batch), and searches stay whole while a
harvest writes the store and commits the index."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from harvester.store import Database
from harvester.store.records import upsert_record
from harvester.store.service import EventKind
from harvester.store.service_models import ServiceCountRow, ServiceTermClientRow
from search_api.service.recorder import ServiceRecorder
from tests.search_api.conftest import CATALOGUE, Api, serving


def _counted(db: Database, kind: str) -> int:
    with db.session() as s:
        total = s.scalar(
            select(func.coalesce(func.sum(ServiceCountRow.count), 0)).where(
                ServiceCountRow.kind == kind
            )
        )
    return int(total or 0)


def test_every_impression_is_written_by_the_time_the_app_stops(
    db: Database, tmp_path: Path
) -> None:
    shown = 0
    with serving(db, tmp_path / "index") as api:
        for n in range(40):
            reply = api.client.get("/api/search", params={"q": ["soil", "", "冰川"][n % 3]})
            assert reply.status_code == 200
            shown += len(reply.json()["hits"])
        for record in CATALOGUE[:3]:
            assert api.client.get(f"/api/records/{record.id}").status_code == 200
    assert shown > 40
    assert _counted(db, "impression") == shown
    assert _counted(db, "view") == 3


def test_a_batch_the_store_refuses_is_kept_and_written_later(db: Database) -> None:
    recorder = ServiceRecorder(b"k" * 32)
    events = [("ncdc", CATALOGUE[0].id, EventKind.VIEW)] * 3
    recorder.record(events, term="Soil", term_platforms={"ncdc"}, client="198.51.100.1")
    table = ServiceCountRow.__table__
    table.drop(db.engine)  # type: ignore[attr-defined]
    try:
        with pytest.raises(Exception, match="service_counts"):
            recorder.flush(db)
        recorder.record(events[:1])  # counted meanwhile
    finally:
        table.create(db.engine)  # type: ignore[attr-defined]
    assert recorder.flush(db) == 2  # one counter, one term note
    assert _counted(db, "view") == 4
    with db.session() as s:
        assert s.scalar(select(ServiceTermClientRow.searches)) == 1
    assert recorder.flush(db) == 0  # nothing twice


def test_searches_stay_whole_while_a_harvest_writes_and_commits(api: Api) -> None:
    """Each commit retitles every record at once; a search sees one commit, never half."""
    stop, first = threading.Event(), threading.Event()
    commits = 0
    failures: list[BaseException] = []

    def harvest() -> None:
        nonlocal commits
        try:
            while not stop.is_set() and commits < 200:
                version = f"v{commits % 2}"
                changed = [
                    r.model_copy(update={"title": {**r.title, "en": f"Edition {version}"}})
                    for r in CATALOGUE
                ]
                with api.db.session() as s:
                    for record in changed:
                        upsert_record(s, record, raw="<x/>", raw_format="oai_dc")
                api.backend.index(changed)
                commits += 1
                first.set()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    writer = threading.Thread(target=harvest)
    writer.start()
    try:
        assert first.wait(60), failures
        for n in range(150):
            reply = api.client.get("/api/search", params={"size": 100, "fields": "title_en"})
            assert reply.status_code == 200, reply.text
            body = reply.json()
            assert body["total"] == len(CATALOGUE)
            editions = {h["document"]["title_en"] for h in body["hits"]}
            assert len(editions) == 1, editions  # not a half-applied commit
            record = CATALOGUE[n % len(CATALOGUE)]
            assert api.client.get(f"/api/records/{record.id}").status_code == 200
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    last = f"Edition v{(commits - 1) % 2}"
    final = api.client.get("/api/search", params={"size": 100, "fields": "title_en"}).json()
    assert {h["document"]["title_en"] for h in final["hits"]} == {last}  # the newest commit
    assert commits > 1
