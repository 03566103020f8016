"""Shared by the mapping tests: map real payloads the way the harvester does."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from mappings.formats import MappingContext, map_payload
from mappings.formats.dcat import dataset_payload, datasets_in
from mappings.formats.rdf_safe import parse_rdf, rdf_format
from mappings.record import Record, SourcePayload

CONTEXT = MappingContext(source="src", platform="plat")
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def oai_records(path: Path, fmt: str) -> list[Record]:
    """Each ``<record>`` of an OAI-PMH reply, mapped as the harvester stores it."""
    root = etree.parse(str(path)).getroot()
    records = []
    for element in root.iter(f"{OAI}record"):
        identifier = element.findtext(f"{OAI}header/{OAI}identifier") or ""
        raw = etree.tostring(element, encoding="unicode")
        payload = SourcePayload(source_identifier=identifier, format=fmt, raw=raw)
        records.append(map_payload(payload, CONTEXT))
    return records


def map_text(raw: str, fmt: str, identifier: str = "id-1") -> Record:
    return map_payload(SourcePayload(source_identifier=identifier, format=fmt, raw=raw), CONTEXT)


def dcat_records(path: Path) -> list[Record]:
    graph = parse_rdf(path.read_bytes(), rdf_format(name=path.name), what=path.name)
    return [map_text(dataset_payload(graph, node), "dcat", key) for key, node in datasets_in(graph)]
