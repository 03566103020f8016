"""The portal's OAI-PMH provider: every reply validates against the official schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from harvester.store import Database
from harvester.store.models import PlatformRow, SourceRow
from harvester.store.records import tombstone, upsert_record
from mappings.record import Record, ResourceKind, record_id
from search_api.oai_pmh import ID_PREFIX, OAI_NS, Provider

NS = {"o": OAI_NS}
BASE = "http://127.0.0.1/oai"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def schema(request: pytest.FixtureRequest) -> etree.XMLSchema:
    path = Path(request.config.rootpath).parent / "shared/realdata/oai-pmh/OAI-PMH.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def _records() -> Iterator[Record]:
    for i in range(130):
        platform = "ncdc" if i % 2 else "cgris"
        yield Record(
            id=record_id(platform, f"id-{i}"),
            source=platform,
            source_identifier=f"id-{i}",
            platform=platform,
            resource_kind=ResourceKind.DATASET if platform == "ncdc" else ResourceKind.GERMPLASM,
            title={"zh": f"记录 {i}", "en": f"Record {i}"},
        )


@pytest.fixture
def store(db: Database) -> Database:
    with db.session() as s:
        s.add_all([PlatformRow(id="ncdc", name_zh="冰川冻土"), PlatformRow(id="cgris")])
        s.add_all(
            SourceRow(id=p, platform=p, protocol="oai-pmh", url="http://x")
            for p in ("ncdc", "cgris")
        )
    with db.session() as s:
        for i, rec in enumerate(_records()):
            upsert_record(s, rec, raw="", raw_format="oai_dc", now=T0 + timedelta(minutes=i))
    with db.session() as s:
        tombstone(s, record_id("ncdc", "id-1"), now=T0 + timedelta(days=10))
    return db


def _ask(provider: Provider, schema: etree.XMLSchema, **args: str) -> etree._Element:
    reply = etree.fromstring(provider.respond({k: [v] for k, v in args.items()}))
    schema.assertValid(reply)
    return reply


def _error(reply: etree._Element) -> str | None:
    err = reply.find("o:error", NS)
    return None if err is None else err.get("code")


def test_identify(store: Database, schema: etree.XMLSchema) -> None:
    reply = _ask(Provider(store, BASE), schema, verb="Identify")
    assert reply.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    assert reply.findtext("o:Identify/o:earliestDatestamp", namespaces=NS) == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01",
                "until": "2026-01-02T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        ({"verb": "ListRecords", "metadataPrefix": "marc"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:1"},
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "nope"}, "idDoesNotExist"),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2030-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "platform:none"},
            "noRecordsMatch",
        ),
        ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
    ],
)
def test_every_error_code_in_its_situation(
    store: Database, schema: etree.XMLSchema, args: dict[str, str], code: str
) -> None:
    reply = _ask(Provider(store, BASE), schema, **args)
    assert _error(reply) == code
    request = reply.find("o:request", NS)
    assert request is not None
    if code in {"badVerb", "badArgument"}:
        assert dict(request.attrib) == {}


def test_repeated_argument_is_bad(store: Database, schema: etree.XMLSchema) -> None:
    reply = etree.fromstring(Provider(store, BASE).respond({"verb": ["Identify", "Identify"]}))
    schema.assertValid(reply)
    assert _error(reply) == "badArgument"


def _walk(provider: Provider, schema: etree.XMLSchema, **args: str) -> list[etree._Element]:
    headers: list[etree._Element] = []
    reply = _ask(provider, schema, verb="ListIdentifiers", **args)
    while True:
        headers += reply.findall("o:ListIdentifiers/o:header", NS)
        token = reply.findtext("o:ListIdentifiers/o:resumptionToken", namespaces=NS)
        if not token:
            return headers
        # A new provider object stands for a restarted server: tokens carry their own state.
        provider = Provider(provider.db, BASE, page_size=provider.page_size)
        reply = _ask(provider, schema, verb="ListIdentifiers", resumptionToken=token)


def test_paging_returns_every_record_once_including_deletions(
    store: Database, schema: etree.XMLSchema
) -> None:
    headers = _walk(Provider(store, BASE, page_size=25), schema, metadataPrefix="oai_dc")
    ids = [h.findtext("o:identifier", namespaces=NS) for h in headers]
    assert len(ids) == len(set(ids)) == 130
    deleted = [h.findtext("o:identifier", namespaces=NS) for h in headers if h.get("status")]
    assert deleted == [ID_PREFIX + record_id("ncdc", "id-1")]


def test_sets_and_date_windows(store: Database, schema: etree.XMLSchema) -> None:
    provider = Provider(store, BASE, page_size=40)
    germplasm = _walk(provider, schema, metadataPrefix="oai_dc", set="kind:germplasm")
    assert len(germplasm) == 65
    ncdc = _walk(provider, schema, metadataPrefix="oai_dc", set="platform:ncdc")
    assert len(ncdc) == 65
    # minutes 0..9, until inclusive; id-1's deletion moved its datestamp out of the window
    window = _walk(
        provider,
        schema,
        metadataPrefix="oai_dc",
        **{"from": "2026-01-01T00:00:00Z", "until": "2026-01-01T00:09:00Z"},
    )
    assert len(window) == 9
    after_deletion = _walk(provider, schema, metadataPrefix="oai_dc", **{"from": "2026-01-05"})
    assert [h.get("status") for h in after_deletion] == ["deleted"]


def test_list_sets(store: Database, schema: etree.XMLSchema) -> None:
    reply = _ask(Provider(store, BASE), schema, verb="ListSets")
    specs = reply.xpath("//o:setSpec/text()", namespaces=NS)
    assert {"platform:ncdc", "platform:cgris", "kind:strain"} <= set(specs)
