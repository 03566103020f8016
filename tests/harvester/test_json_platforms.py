"""Each JSON platform configuration, end to end against a local server process and the run engine.

For every style (CKAN, DataCite REST, Dataverse, ScienceDB-, NMDC- and
TPDC-like): a full harvest across at least three pages, an incremental
re-harvest that asks only for changes (read from the server's request log),
and full passes that withdraw records gone from the source only once the grace
period is over. Then a reply that breaks its configured shape: the run fails
naming the path and the page, and the pages before stay stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from harvester.protocols.base import SourceSpec, Window
from harvester.protocols.jsonapi import JsonAdapter
from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.records import count_records, get_record, live_identifiers
from harvester.store.sources import add_source
from mappings.formats.jsonspec import config_path
from mappings.record import record_id
from tests.harvester.json_platforms import STYLES, PlatformServer
from tests.platform_support import register

pytestmark = pytest.mark.integration

OLD = datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
PAGE = 4
COUNT = 11
"""Eleven records four to a page: three pages, the last one short."""


@pytest.fixture(params=sorted(STYLES))
def platform(
    request: pytest.FixtureRequest, tmp_path: Path, realdata: Path
) -> Iterator[PlatformServer]:
    server = PlatformServer(tmp_path, request.param, realdata)
    try:
        server.populate(COUNT, OLD)
        yield server
    finally:
        server.stop()


def _add(db: Database, server: PlatformServer) -> str:
    assert server.style is not None
    with db.session() as session:
        register(session, server.name)
        add_source(
            session,
            server.name,
            platform=server.name,
            protocol="json",
            url=server.url,
            config={"config": server.style.config, "page_size": PAGE},
        )
    return server.name


def _data_requests(server: PlatformServer) -> list[dict[str, object]]:
    return [r for r in server.requests() if r["path"] == server.style.endpoint]  # type: ignore[union-attr]


def _param(request: dict[str, object], name: str) -> object:
    query = request["query"] or {}
    body = request["body"] or {}
    assert isinstance(query, dict) and isinstance(body, dict)
    return query.get(name, body.get(name))


def test_full_incremental_and_withdrawal(db: Database, platform: PlatformServer) -> None:
    style = platform.style
    assert style is not None
    source = _add(db, platform)

    first = harvest(db, source)
    assert first.ok, first.error
    assert (first.mode, first.counts.added, first.counts.failed) == ("full", COUNT, 0)
    assert first.pages >= 3
    asked = _data_requests(platform)
    assert len(asked) == 3
    assert all(_param(r, style.incremental_param) is None for r in asked)
    with db.session() as session:
        assert count_records(session, source=source) == COUNT
        stored = get_record(session, record_id(source, style.ident(platform.items[5])))
        assert stored is not None and stored.record.title, "the mapping filled the title"

    platform.clear_log()
    now = datetime.now(UTC)
    for index in (2, 7):
        platform.items[index] = style.touch(platform.items[index], now)
    platform.save()
    second = harvest(db, source)
    assert second.ok, second.error
    assert second.mode == "incremental"
    assert (second.counts.updated, second.counts.unchanged, second.counts.added) == (2, 0, 0)
    asked = _data_requests(platform)
    assert asked and all(_param(r, style.incremental_param) for r in asked)
    with db.session() as session:
        stored = get_record(session, record_id(source, style.ident(platform.items[7])))
        assert stored is not None
        assert "revised" in " ".join(stored.record.title.values()).lower()

    gone = [style.ident(item) for item in platform.items[:2]]
    platform.items = platform.items[2:]
    platform.save()
    within_grace = harvest(db, source, full=True, options=RunOptions(withdraw_grace_days=7))
    assert within_grace.ok, within_grace.error
    assert within_grace.counts.withdrawn == 0
    with db.session() as session:
        assert set(gone) <= set(live_identifiers(session, source))

    past_grace = harvest(db, source, full=True, options=RunOptions(withdraw_grace_days=0))
    assert past_grace.ok, past_grace.error
    assert past_grace.counts.withdrawn == 2
    with db.session() as session:
        live = live_identifiers(session, source)
        assert len(live) == COUNT - 2 and not set(gone) & set(live)


def test_reply_breaking_its_shape_fails_the_run_and_keeps_earlier_pages(
    db: Database, platform: PlatformServer
) -> None:
    source = _add(db, platform)
    platform.extra["break_from"] = PAGE
    platform.save()
    report = harvest(db, source)
    assert report.status == "failed"
    assert report.error is not None
    assert "page 2" in report.error and "reply.records" in report.error, report.error
    assert "not the list of records" in report.error
    with db.session() as session:
        assert count_records(session, source=source, include_deleted=True) == PAGE


def test_next_link_paging(tmp_path: Path, realdata: Path) -> None:
    """The ``next_link`` style follows the reply's links; shown on the DataCite server."""
    config = json.loads(config_path("datacite").read_text("utf-8"))
    config["name"] = "datacite-links"
    config["paging"] = {"style": "next_link", "next": "links.next", "size_param": "page[size]"}
    path = tmp_path / "datacite-links.json"
    path.write_text(json.dumps(config), "utf-8")
    server = PlatformServer(tmp_path, "datacite", realdata)
    try:
        server.populate(COUNT, OLD)
        spec = SourceSpec(
            "links", "links", "json", server.url, {"config": str(path), "page_size": 4}
        )
        with httpx.Client() as client:
            pages = list(JsonAdapter(spec, client).pages(Window(), None))
    finally:
        server.stop()
    assert [len(p.items) for p in pages] == [4, 4, 3]
    assert [p.items[0].format for p in pages] == ["datacite"] * 3
    cursors = [r["query"].get("page[cursor]") for r in server.requests()]  # type: ignore[union-attr]
    assert cursors[0] is None and len(set(cursors)) == 3
