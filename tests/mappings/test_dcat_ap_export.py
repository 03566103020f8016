"""DCAT-AP 3 export validates against the official SHACL shapes with zero violations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from mappings.errors import MappingError
from mappings.formats.dcat import datasets_in, map_dataset
from mappings.formats.rdf_safe import parse_rdf
from mappings.record import SourcePayload
from mappings.serialize.dcat_ap import (
    ADMS,
    CSTR_SCHEME,
    DCAT,
    HYDRA,
    CataloguePage,
    catalogue_graph,
    record_graph,
    serialize,
)
from tests.mappings.helpers import CONTEXT
from tests.mappings.sample_records import minimal, strain, varied

BASE = "http://127.0.0.1:8000"


@pytest.fixture
def shapes(realdata: Path) -> Graph:
    folder = realdata / "dcat-ap-shacl/3.0.1/html-shacl"
    graph = Graph().parse(folder / "shapes.ttl")
    graph.parse(folder / "range.ttl")
    return graph


def _violations(graph: Graph, shapes: Graph) -> str:
    conforms, _report, text = validate(graph, shacl_graph=shapes, inference="none")
    return "" if conforms else text


def test_every_record_validates(realdata: Path, shapes: Graph) -> None:
    records = varied(realdata)
    assert len(records) >= 10
    for record in records:
        assert _violations(record_graph(record, BASE), shapes) == "", record.source_identifier


def test_catalogue_page_validates_and_pages(realdata: Path, shapes: Graph) -> None:
    records = varied(realdata)
    page = CataloguePage(BASE, page=2, page_size=5, total=12)
    graph = catalogue_graph(records[5:10], page)
    assert _violations(graph, shapes) == ""
    view = page.page_iri(2)
    assert (view, RDF.type, HYDRA.PagedCollection) in graph
    assert graph.value(view, HYDRA.nextPage) == page.page_iri(3)
    assert graph.value(view, HYDRA.previousPage) == page.page_iri(1)
    assert graph.value(view, HYDRA.lastPage) == page.page_iri(3)
    assert graph.value(view, HYDRA.totalItems).toPython() == 12
    assert len(list(graph.objects(page.catalogue_iri, DCAT.dataset))) == 5


def test_cstr_is_an_adms_identifier_and_related_ids_are_relations() -> None:
    graph = record_graph(strain(), BASE)
    notations = {
        (str(n), n.datatype)
        for ident in graph.objects(None, ADMS.identifier)
        for n in graph.objects(ident, SKOS.notation)
    }
    assert ("CSTR:16698.13.ACCC.10001", CSTR_SCHEME) in notations
    assert not any("10.1234/paper.1" in value for value, _ in notations)
    assert (None, DCTERMS.relation, URIRef("https://doi.org/10.1234/paper.1")) in graph
    issued = next(graph.objects(None, DCTERMS.issued))
    assert isinstance(issued, Literal) and str(issued.datatype).endswith("#date")


def test_export_maps_back_through_the_dcat_mapping() -> None:
    original = strain()
    graph = record_graph(original, BASE)
    [(key, node)] = datasets_in(graph)
    payload = SourcePayload(source_identifier=key, format="dcat")
    back = map_dataset(graph, node, payload, CONTEXT)
    assert back.title == original.title
    assert back.cstr == original.cstr
    assert back.keywords == original.keywords
    assert back.access_rights is original.access_rights
    assert back.license == original.license
    assert (back.issued, back.modified) == (original.issued, original.modified)


@pytest.mark.parametrize("fmt", ["turtle", "json-ld", "xml", "ttl", "jsonld", "rdf"])
def test_serialisations_parse_back(fmt: str) -> None:
    text = serialize(record_graph(minimal(), BASE), fmt)
    if fmt in {"json-ld", "jsonld"}:
        json.loads(text)
    name = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}.get(fmt, fmt)
    assert len(parse_rdf(text, name)) > 5


def test_unknown_format_and_bad_page_are_errors() -> None:
    with pytest.raises(MappingError):
        serialize(Graph(), "csv")
    with pytest.raises(MappingError):
        catalogue_graph([], CataloguePage(BASE, page=0, page_size=10, total=0))
