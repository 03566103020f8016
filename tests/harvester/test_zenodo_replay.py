"""Zenodo's recorded OAI-PMH replies (real data), replayed with their HTTP status, map correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.protocols.base import SourceSpec
from harvester.protocols.oaipmh import NS, OaiPmhAdapter, parse_reply
from harvester.runs import harvest
from harvester.store import Database
from harvester.store.records import get_record, iter_records
from harvester.store.sources import add_source
from mappings.formats import MappingContext, map_payload
from mappings.record import record_id
from tests.harvester.oai_support import ReplayServer, Reply, iter_zenodo
from tests.platform_support import register

pytestmark = pytest.mark.integration


def _replay(realdata: Path) -> ReplayServer:
    """Answers exactly the recorded requests; the end of the recorded chain is Zenodo's own
    final page (no resumptionToken), so every request the harvest makes is one on record."""
    routes = {
        frozenset(args.items()): (path.read_bytes(), status)
        for args, path, status in iter_zenodo(realdata)
    }

    def answer(args: dict[str, str]) -> Reply:
        body, status = routes.get(frozenset(args.items()), (b"not recorded", 404))
        return Reply(status=status, body=body)

    return ReplayServer(answer)


def test_zenodo_listing_harvests_and_maps(db: Database, realdata: Path) -> None:
    with _replay(realdata) as server:
        with db.session() as session:
            register(session, "zenodo")
            add_source(
                session,
                "zenodo",
                platform="zenodo",
                protocol="oai-pmh",
                url=server.url,
                config={"metadata_prefix": "oai_dc"},
            )
        report = harvest(db, "zenodo")
    assert report.status == "succeeded", report.error
    assert report.pages == 3
    assert (report.counts.added, report.counts.deleted, report.counts.failed) == (8, 1, 0)
    assert all(r.get("verb") in {"Identify", "ListRecords"} for r in server.requests)

    with db.session() as session:
        rec = get_record(session, record_id("zenodo", "oai:zenodo.org:8333281"))
        assert rec is not None
        assert [c.name for c in rec.record.creators][:2] == ["Ayumu Tsubosaka", "Shumpei Ishikawa"]
        assert rec.record.issued is not None and rec.record.issued.isoformat() == "2023-10-12"
        assert rec.record.source_datestamp is not None
        assert rec.record.source_datestamp.isoformat() == "2023-10-12T01:34:35+00:00"
        first = get_record(session, record_id("zenodo", "oai:zenodo.org:8435696"))
        assert first is not None
        assert [c.name for c in first.record.creators] == ["Matteo Marchegiani"]
        assert first.record.best_title()
        assert first.record.doi == "10.5281/zenodo.8435696"
        tomb = get_record(session, record_id("zenodo", "oai:zenodo.org:8433364"))
        assert tomb is not None and tomb.record.deleted
        live = list(iter_records(session, source="zenodo"))
        assert len(live) == 8 and all(r.record.title for r in live)


def test_zenodo_datacite_record_maps(realdata: Path) -> None:
    """The recorded GetRecord reply (DataCite) through the adapter's record split and mapping."""
    path = realdata / "oai-pmh" / "zenodo-2026" / "GetRecord_datacite_10357859.xml"
    root = parse_reply(path.read_bytes(), 200, "zenodo")
    element = root.find(f"{NS}GetRecord/{NS}record")
    assert element is not None
    spec = SourceSpec(
        "zenodo", "zenodo", "oai-pmh", "http://127.0.0.1/", {"metadata_prefix": "datacite"}
    )
    adapter = OaiPmhAdapter(spec, client=None)  # type: ignore[arg-type]  # no request is made
    payload = adapter._payload(element)
    record = map_payload(payload, MappingContext(source="zenodo", platform="zenodo"))
    assert payload.source_identifier == "oai:zenodo.org:10357859"
    assert record.doi == "10.5281/zenodo.10357859"
    assert record.title and record.creators
