"""DCAT documents of real portals: every dataset maps, nothing is lost without a list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from mappings.errors import MappingError
from mappings.formats.dcat import dataset_payload, datasets_in, unmapped_predicates
from mappings.formats.rdf_safe import parse_rdf, rdf_format
from mappings.record import AccessRights
from tests.mappings.helpers import dcat_records, map_text

DCTERMS = "http://purl.org/dc/terms/"
# Properties the unified record has no field for: they stay in the stored raw payload.
KEPT_RAW_ONLY = {
    DCTERMS + "accrualPeriodicity",
    DCTERMS + "conformsTo",
    DCTERMS + "#conformsTo",  # ckanext-dcat's POD context misspells it
    DCTERMS + "description",  # on distributions
    DCTERMS + "issued",  # on distributions
    DCTERMS + "modified",  # on distributions
    DCTERMS + "language",  # on distributions
    "http://www.w3.org/2002/07/owl#versionInfo",
    "http://www.w3.org/2007/05/powder-s#describedby",
    "http://www.w3.org/ns/adms#status",
    "http://spdx.org/rdf/terms#checksum",
    "http://www.w3.org/ns/dcat#spatialResolutionInMeters",
    "http://data.europa.eu/r5r/applicableLegislation",
    "http://data.europa.eu/r5r/availability",
    "http://data.europa.eu/r5r/hvdCategory",
    "http://dcat-ap.de/def/dcatde/contributorID",
    "http://dcat-ap.de/def/dcatde/geocodingDescription",
    "http://dcat-ap.de/def/dcatde/maintainer",
    "http://dcat-ap.de/def/dcatde/politicalGeocodingLevelURI",
    "http://dcat-ap.de/def/dcatde/politicalGeocodingURI",
}
DOCUMENTS = [
    "ckanext-dcat-examples/catalog_pod.jsonld",
    "ckanext-dcat-examples/dataset_gob_es.ttl",
    "ckanext-dcat-examples/dataset_gov_de.rdf",
    "semic-examples/dcat-ap-hvd-3.0.0_ms_catalogue.ttl",
    "semic-examples/dcat-ap-hvd-3.0.0_ms_dataset_2_identifiers.ttl",
    "udata-real-portals/paged-collection-1.jsonld",
    "udata-real-portals/paged-collection-2.jsonld",
]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_dataset_maps_and_only_listed_properties_stay_raw(realdata: Path, name: str) -> None:
    path = realdata / "dcat" / name
    graph = parse_rdf(path.read_bytes(), rdf_format(name=path.name), what=name)
    datasets = datasets_in(graph)
    assert datasets
    for key, node in datasets:
        raw = dataset_payload(graph, node)
        record = map_text(raw, "dcat", key)
        assert record.title and record.description, key
        again = parse_rdf(raw, "turtle")
        [(_, copy)] = datasets_in(again)
        assert unmapped_predicates(again, copy) <= KEPT_RAW_ONLY, key


def test_udata_hydra_pages_give_all_four_datasets(realdata: Path) -> None:
    folder = realdata / "dcat/udata-real-portals"
    records = dcat_records(folder / "paged-collection-1.jsonld") + dcat_records(
        folder / "paged-collection-2.jsonld"
    )
    assert [r.source_identifier for r in records] == [
        f"http://data.test.org/datasets/{n}" for n in (1, 2, 3, 4)
    ]
    first = records[0]
    assert first.keywords == {"en": ["Tag 1", "Tag 2", "Tag 3", "Tag 4"]}
    assert first.contact_point is not None and first.contact_point.email == "hello@its.me"
    assert first.publisher is not None and first.publisher.name == "An Organization"
    assert first.temporal is not None and first.temporal.start == date(2016, 12, 5)
    assert (
        first.distributions[0].access_url == "http://data.test.org/datasets/1/resources/1/file.json"
    )


def test_datos_gob_es(realdata: Path) -> None:
    [record] = dcat_records(realdata / "dcat/ckanext-dcat-examples/dataset_gob_es.ttl")
    assert list(record.title) == ["es"]
    assert record.issued == date(2024, 4, 15)  # xsd:dateTime with offset
    assert record.publisher is not None and record.publisher.name == "Ayuntamiento de Madrid"
    [dist] = record.distributions
    assert (dist.format, dist.media_type, dist.byte_size) == (
        "XLS",
        "application/vnd.ms-excel",
        43008,
    )
    assert record.license == "https://datos.madrid.es/egob/catalogo/aviso-legal"
    assert record.themes == ["http://datos.gob.es/kos/sector-publico/sector/deporte"]


def test_rostock_dcat_ap_de(realdata: Path) -> None:
    [record] = dcat_records(realdata / "dcat/ckanext-dcat-examples/dataset_gov_de.rdf")
    assert "de" in record.title  # untagged text in the dataset's one language
    assert record.access_rights is AccessRights.OPEN
    assert record.license == "http://dcat-ap.de/def/licenses/cc-zero"
    assert record.contact_point is not None
    assert record.contact_point.email == "geodienste@rostock.de"
    assert any(s.startswith("POLYGON") for s in record.spatial)
    geojson = next(d for d in record.distributions if d.media_type == "application/geo+json")
    assert geojson.byte_size == 147253
    assert geojson.download_url and geojson.download_url.endswith("lieferservices.json")


def test_pod_json_ld_with_inline_context(realdata: Path) -> None:
    [record] = dcat_records(realdata / "dcat/ckanext-dcat-examples/catalog_pod.jsonld")
    assert record.title == {"en": "U.S. Widget Manufacturing Statistics"}
    assert record.license == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert record.contact_point is not None and record.contact_point.name == "Jane Doe"
    assert len(record.distributions) == 4
    assert record.temporal is not None and record.temporal.end == date(2010, 5, 31)


def test_cstr_in_dcat_identifiers() -> None:
    ttl = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix adms: <http://www.w3.org/ns/adms#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://d.example/1> a dcat:Dataset ; dct:title "冰川数据"@zh, "Glacier data"@en ;
      dct:identifier "https://d.example/1" ;
      adms:identifier [ a adms:Identifier ; skos:notation "11738.11.ncdc.glacier.001" ;
                        adms:schemeAgency "CSTR" ] ;
      dct:accessRights [ a dct:RightsStatement ; dct:title "需申请" ] .
    """
    graph = parse_rdf(ttl, "turtle")
    [(key, node)] = datasets_in(graph)
    record = map_text(dataset_payload(graph, node), "dcat", key)
    assert record.cstr == "CSTR:11738.11.ncdc.glacier.001"
    assert record.title == {"zh": "冰川数据", "en": "Glacier data"}
    assert record.access_rights is AccessRights.CONDITIONAL


def test_remote_json_ld_context_fails_naming_the_url() -> None:
    doc = '{"@context": "https://w3id.org/dcat-ap/context.jsonld", "@type": "Dataset"}'
    with pytest.raises(MappingError, match=re.escape("https://w3id.org/dcat-ap/context.jsonld")):
        parse_rdf(doc, "json-ld")
    nested = '{"@context": [{"dct": "http://purl.org/dc/terms/"}, "http://x.example/c.jsonld"]}'
    with pytest.raises(MappingError, match=re.escape("http://x.example/c.jsonld")):
        parse_rdf(nested, "json-ld")


def test_remote_context_held_locally_is_used() -> None:
    doc = '{"@context": "https://ctx.example/c", "@id": "http://d/1", "title": "T"}'
    local = {"https://ctx.example/c": {"@context": {"title": "http://purl.org/dc/terms/title"}}}
    graph = parse_rdf(doc, "json-ld", contexts=local)
    assert len(graph) == 1


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        ("<a> <b> .", "turtle"),
        ("{not json", "json-ld"),
        ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', "xml"),
        ('<!DOCTYPE r SYSTEM "http://x.example/r.dtd"><r/>', "xml"),
        ("", "nquads"),
    ],
)
def test_bad_rdf_fails_cleanly(data: str, fmt: str) -> None:
    with pytest.raises(MappingError):
        parse_rdf(data, fmt)


def test_payload_of_unknown_dataset_is_an_error() -> None:
    ttl = (
        "@prefix dcat: <http://www.w3.org/ns/dcat#> . "
        "<http://a/1> a dcat:Dataset . <http://a/2> a dcat:Dataset ."
    )
    with pytest.raises(MappingError, match="2 datasets"):
        map_text(ttl, "dcat", "http://a/3")
