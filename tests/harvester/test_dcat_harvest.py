"""DCAT documents harvested from a local server process: Turtle, RDF/XML, JSON-LD, Hydra paging.

The real documents are read from the shared real data and served locally; the
udata paged collection's next-page URLs are rewritten to the local server at
test time. Broken documents (invalid Turtle, a remote JSON-LD @context) must
fail the run with the parser's reason and store nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace

from harvester.runs import harvest
from harvester.store import Database
from harvester.store.records import count_records, iter_records
from harvester.store.sources import add_source
from tests.harvester.json_platforms import PlatformServer
from tests.platform_support import register

pytestmark = pytest.mark.integration

DCAT = Namespace("http://www.w3.org/ns/dcat#")
UDATA_CATALOG = "http://data.test.org/catalog.jsonld"
REAL = {
    "/gob_es": ("ckanext-dcat-examples/dataset_gob_es.ttl", "text/turtle; charset=utf-8"),
    "/gov_de.rdf": ("ckanext-dcat-examples/dataset_gov_de.rdf", "application/octet-stream"),
    "/pod.jsonld": ("ckanext-dcat-examples/catalog_pod.jsonld", "application/ld+json"),
    "/hvd": ("semic-examples/dcat-ap-hvd-3.0.0_ms_catalogue.ttl", "text/turtle"),
}
BAD_TURTLE = (
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<urn:x> a dcat:Dataset ;\n  dct:title \n"
)
REMOTE_CONTEXT = {
    "@context": "https://www.w3.org/ns/dcat3.jsonld",
    "@id": "urn:x",
    "@type": "Dataset",
    "title": "x",
}


@pytest.fixture
def server(tmp_path: Path, realdata: Path) -> Iterator[PlatformServer]:
    """One static server: real documents, the rewritten paged collection, broken ones."""
    served = PlatformServer(tmp_path, "static", realdata)
    dcat = realdata / "dcat"
    files: dict[str, dict[str, str]] = {}
    for path, (relative, media_type) in REAL.items():
        files[path] = {"file": str(dcat / relative), "type": media_type}
    for page in (1, 2):
        text = (dcat / f"udata-real-portals/paged-collection-{page}.jsonld").read_text("utf-8")
        local = tmp_path / f"page-{page}.jsonld"
        local.write_text(text.replace(UDATA_CATALOG, f"{served.base}/catalog.jsonld"), "utf-8")
        files[f"/catalog.jsonld?page={page}"] = {"file": str(local), "type": "application/json"}
    (tmp_path / "bad.ttl").write_text(BAD_TURTLE, "utf-8")
    (tmp_path / "remote.jsonld").write_text(json.dumps(REMOTE_CONTEXT), "utf-8")
    files["/bad.ttl"] = {"file": str(tmp_path / "bad.ttl"), "type": "text/plain"}
    files["/remote"] = {"file": str(tmp_path / "remote.jsonld"), "type": "application/ld+json"}
    served.extra["files"] = files
    served.save()
    try:
        yield served
    finally:
        served.stop()


def _source(db: Database, server: PlatformServer, name: str, path: str) -> str:
    with db.session() as session:
        register(session, "dcat-demo")
        add_source(session, name, platform="dcat-demo", protocol="dcat", url=server.base + path)
    return name


def _datasets(realdata: Path, *relatives: str) -> int:
    """dcat:Dataset nodes counted with rdflib directly, independent of the adapter."""
    total = 0
    for relative in relatives:
        path = realdata / "dcat" / relative
        graph = Graph().parse(path, format="json-ld" if path.suffix == ".jsonld" else None)
        total += len(set(graph.subjects(RDF.type, DCAT.Dataset)))
    return total


def test_hydra_paged_catalogue(db: Database, server: PlatformServer, realdata: Path) -> None:
    source = _source(db, server, "udata", "/catalog.jsonld?page=1")
    report = harvest(db, source)
    assert report.ok, report.error
    assert report.pages == 2
    asked = [r["query"] for r in server.requests()]
    assert asked == [{"page": "1"}, {"page": "2"}]
    expected = _datasets(
        realdata,
        "udata-real-portals/paged-collection-1.jsonld",
        "udata-real-portals/paged-collection-2.jsonld",
    )
    assert report.counts.added == expected == 4
    with db.session() as session:
        titles = sorted(r.record.best_title("en") for r in iter_records(session, source=source))
    assert all(titles), titles


@pytest.mark.parametrize("path", sorted(REAL))
def test_real_documents_by_type_or_extension(
    db: Database, server: PlatformServer, realdata: Path, path: str
) -> None:
    source = _source(db, server, "doc", path)
    report = harvest(db, source)
    assert report.ok, report.error
    assert report.counts.failed == 0, report.errors
    assert report.counts.added == _datasets(realdata, REAL[path][0]) >= 1
    with db.session() as session:
        records = list(iter_records(session, source=source))
    assert all(r.record.title for r in records)
    assert all(r.raw_format == "dcat" and r.raw for r in records)


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/bad.ttl", "invalid turtle"), ("/remote", "is remote and is not loaded")],
)
def test_broken_documents_fail_cleanly(
    db: Database, server: PlatformServer, path: str, reason: str
) -> None:
    source = _source(db, server, "broken", path)
    report = harvest(db, source)
    assert report.status == "failed"
    assert report.error is not None and reason in report.error, report.error
    assert "page 1" in report.error
    with db.session() as session:
        assert count_records(session, source=source, include_deleted=True) == 0
