"""The portal as a source for other aggregators, checked over the whole demo catalogue.

- the DCAT-AP export of every demo record validates against the official
  DCAT-AP 3.0.1 SHACL shapes with zero violations;
- every OAI-PMH reply validates against the official OAI-PMH schema, and every
  oai_datacite payload against the DataCite 4.6 kernel schema;
- two real third-party harvesters (sickle and oaipmh-scythe) harvest the
  catalogue from the running provider — paging, ``from``/``until``, sets and
  deleted records — and get exactly the records the store holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from lxml import etree
from rdflib import RDF, Graph, URIRef
from sqlalchemy import select

from harvester.store import Database
from harvester.store.models import RecordRow
from search_api.app import create_app
from search_api.config import ApiConfig
from search_api.oai_pmh import ID_PREFIX, OAI_NS
from sharenet.cli import main
from sharenet.context import open_backend, open_database
from sharenet.settings import Settings
from tests.local_servers import serve_app

pytestmark = [pytest.mark.slow, pytest.mark.integration]

SHAPES = "dcat-ap-shacl/3.0.1/html-shacl"
NS = {"o": OAI_NS, "d": "http://datacite.org/schema/kernel-4"}


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return Settings(data_dir=data_dir)


@pytest.fixture(scope="module")
def demo_db(demo_settings: Settings) -> Iterator[Database]:
    db = open_database(demo_settings)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def client(demo_settings: Settings, demo_db: Database) -> Iterator[TestClient]:
    app = create_app(ApiConfig(db=demo_db, backend=open_backend(demo_settings)))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def server(demo_settings: Settings, demo_db: Database) -> Iterator[str]:
    """The real app on a free port, as harvesters downstream would meet it."""
    app = create_app(ApiConfig(db=demo_db, backend=open_backend(demo_settings)))
    with serve_app(app, timeout=20) as url:
        yield url


def _store_ids(db: Database, **where: str) -> dict[str, bool]:
    """``oai identifier -> deleted`` of every record the store holds (the expected answer)."""
    query = select(RecordRow.id, RecordRow.deleted)
    for column, value in where.items():
        query = query.where(getattr(RecordRow, column) == value)
    with db.session() as session:
        return {ID_PREFIX + rid: deleted for rid, deleted in session.execute(query)}


def test_dcat_ap_export_of_every_record_conforms(
    client: TestClient, demo_db: Database, realdata: Path
) -> None:
    from pyshacl import validate

    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(realdata / SHAPES / name, format="turtle")
    total = len([d for d in _store_ids(demo_db).values() if not d])
    dcat_dataset = URIRef("http://www.w3.org/ns/dcat#Dataset")
    seen = 0
    page = 1
    while True:  # each page is a document of its own, validated as a harvester gets it
        reply = client.get("/catalogue", params={"page": page, "page_size": 1000, "format": "ttl"})
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith("text/turtle")
        data = Graph().parse(data=reply.text, format="turtle")
        seen += len(set(data.subjects(RDF.type, dcat_dataset)))
        conforms, _graph, report = validate(data, shacl_graph=shapes, inference="none")
        assert conforms, report[:3000]
        if "hydra:nextPage" not in reply.text:
            break
        page += 1
    assert seen == total


def test_record_negotiation(client: TestClient, demo_db: Database) -> None:
    rid = next(i for i, d in _store_ids(demo_db, platform="ncdc").items() if not d)
    rid = rid.removeprefix(ID_PREFIX)
    for accept, media in [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
    ]:
        reply = client.get(f"/api/records/{rid}", headers={"accept": accept})
        assert reply.status_code == 200 and reply.headers["content-type"].startswith(media)
    schema = client.get(f"/api/records/{rid}", params={"format": "schema.org"}).json()
    assert schema["@type"] == "Dataset"
    plain = client.get(f"/api/records/{rid}").json()
    assert set(plain["citation"]) == {"gbt7714", "datacite"}
    assert client.get(f"/api/records/{rid}", params={"format": "pdf"}).status_code == 422


def test_cstr_resolution(client: TestClient, demo_db: Database) -> None:
    with demo_db.session() as session:
        row = session.scalars(
            select(RecordRow).where(RecordRow.cstr_key.is_not(None), RecordRow.deleted.is_(False))
        ).first()
        assert row is not None
        rid, cstr, landing = row.id, row.data["cstr"], row.data["landing_page"]
    bare = cstr.removeprefix("CSTR:")
    for spelling in (cstr, bare, bare.lower(), f"https://cstr.cn/{bare}"):
        reply = client.get(f"/cstr/{spelling}", follow_redirects=False)
        assert reply.status_code == 303, spelling
        assert reply.headers["location"].endswith(f"/{rid}")
    source = client.get(f"/cstr/{cstr}", params={"redirect": "source"}, follow_redirects=False)
    assert source.status_code == 303 and source.headers["location"] == landing
    assert client.get("/cstr/not-a-cstr", follow_redirects=False).status_code == 422
    assert client.get("/cstr/CSTR:99999.11.none", follow_redirects=False).status_code == 404


def test_every_oai_reply_and_datacite_payload_validates(
    client: TestClient, demo_db: Database, realdata: Path
) -> None:
    oai_schema = etree.XMLSchema(etree.parse(str(realdata / "oai-pmh/OAI-PMH.xsd")))
    datacite = etree.XMLSchema(etree.parse(str(realdata / "datacite/xsd-kernel-4.6/metadata.xsd")))
    seen: dict[str, bool] = {}
    params: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": "oai_datacite"}
    while True:
        reply = etree.fromstring(client.get("/oai", params=params).content)
        oai_schema.assertValid(reply)
        for record in reply.iterfind("o:ListRecords/o:record", NS):
            header = record.find("o:header", NS)
            assert header is not None
            seen[header.findtext("o:identifier", namespaces=NS) or ""] = (
                header.get("status") == "deleted"
            )
            resource = record.find(".//d:resource", NS)
            if header.get("status") != "deleted":
                assert resource is not None
                datacite.assertValid(etree.ElementTree(resource))
        token = reply.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    assert seen == _store_ids(demo_db)
    for args in (
        {"verb": "Identify"},
        {"verb": "ListSets"},
        {"verb": "ListMetadataFormats"},
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": next(iter(seen))},
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "kind:germplasm"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "1999-01-01"},
        {"verb": "Bogus"},
        {"verb": "ListRecords", "resumptionToken": "garbage"},
    ):
        reply = etree.fromstring(client.get("/oai", params=args).content)
        oai_schema.assertValid(reply)


def _sickle_harvest(url: str, **args: str) -> dict[str, bool]:
    from sickle import Sickle

    harvester = Sickle(f"{url}/oai")
    return {
        h.identifier: h.deleted
        for h in harvester.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=False, **args)
    }


def _scythe_harvest(url: str, **args: str) -> dict[str, bool]:
    from oaipmh_scythe import Scythe

    named = {{"set": "set_", "from": "from_"}.get(k, k): v for k, v in args.items()}
    with Scythe(f"{url}/oai") as scythe:
        return {
            r.header.identifier: r.header.deleted
            for r in scythe.list_records(metadata_prefix="oai_dc", ignore_deleted=False, **named)
        }


@pytest.mark.parametrize("harvest", [_sickle_harvest, _scythe_harvest], ids=["sickle", "scythe"])
def test_third_party_harvesters_get_exactly_the_store(
    server: str, demo_db: Database, harvest: object
) -> None:
    assert callable(harvest)
    everything = harvest(server)
    assert everything == _store_ids(demo_db)
    assert any(everything.values()), "the demo catalogue has deleted records"
    assert harvest(server, set="platform:cgris") == _store_ids(demo_db, platform="cgris")
    assert harvest(server, set="kind:strain") == _store_ids(demo_db, resource_kind="strain")
    # ``from``/``until``: a window holding exactly the records changed in it
    with demo_db.session() as session:
        stamps = sorted(session.scalars(select(RecordRow.changed_at)))
    middle = stamps[len(stamps) // 2].strftime("%Y-%m-%dT%H:%M:%SZ")
    later = harvest(server, **{"from": middle})
    earlier = harvest(server, until=middle)
    assert set(later) | set(earlier) == set(everything)
    expected_later = {k for k, v in _changed_since(demo_db, middle).items() if v}
    assert set(later) == expected_later


def _changed_since(db: Database, stamp: str) -> dict[str, bool]:
    from datetime import UTC, datetime

    since = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    with db.session() as session:
        rows = session.execute(select(RecordRow.id, RecordRow.changed_at))
        return {ID_PREFIX + rid: changed >= since for rid, changed in rows}


def test_catalogue_paging_limits(client: TestClient) -> None:
    assert client.get("/catalogue", params={"page_size": 1001}).status_code == 422
    assert client.get("/catalogue", params={"page": 0}).status_code == 422
    assert client.get("/catalogue", params={"page": 10_000}).status_code == 404
    reply = client.get("/catalogue", params={"page_size": 5}, headers={"accept": "text/turtle"})
    assert reply.status_code == 200 and "hydra:nextPage" in reply.text
    assert httpx.codes.is_success(client.get("/catalogue", params={"format": "jsonld"}).status_code)


def test_oai_by_post_equals_get(client: TestClient) -> None:
    args = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "platform:ncdc"}
    by_get = etree.fromstring(client.get("/oai", params=args).content)
    by_post = etree.fromstring(client.post("/oai", data=args).content)
    ids = "o:ListIdentifiers/o:header/o:identifier"
    assert by_get.xpath(f"{ids}/text()", namespaces=NS) == by_post.xpath(
        f"{ids}/text()", namespaces=NS
    )
    assert by_post.find("o:error", NS) is None
