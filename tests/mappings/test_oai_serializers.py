"""oai_dc and DataCite 4.6 output: schema-valid, and DataCite round-trips through the mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from mappings.record import ContactPoint, Record, Sharing
from mappings.serialize.oai import (
    DC_NS,
    OAI_DATACITE_NS,
    datacite_element,
    datacite_xml,
    oai_datacite_element,
    oai_dc_element,
)
from tests.mappings.helpers import map_text
from tests.mappings.sample_records import malformed_cstr, minimal, strain, varied


@pytest.fixture
def kernel(realdata: Path) -> etree.XMLSchema:
    # The schema's includes and its xml.xsd import resolve next to it: no network.
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(
        etree.parse(str(realdata / "datacite/xsd-kernel-4.6/metadata.xsd"), parser)
    )


def test_datacite_output_validates(realdata: Path, kernel: etree.XMLSchema) -> None:
    for record in varied(realdata):
        element = datacite_element(record)
        assert kernel.validate(element), (record.source_identifier, kernel.error_log)


def test_oai_datacite_wraps_a_valid_payload(kernel: etree.XMLSchema) -> None:
    wrapper = oai_datacite_element(strain())
    assert wrapper.tag == f"{{{OAI_DATACITE_NS}}}oai_datacite"
    [resource] = wrapper.find(f"{{{OAI_DATACITE_NS}}}payload")
    kernel.assertValid(resource)


def _ids(record: Record) -> set[tuple[str, str, str | None]]:
    return {(i.scheme, i.value, i.relation) for i in record.identifiers}


def _round_trip(record: Record) -> Record:
    return map_text(datacite_xml(record).decode("utf-8"), "datacite", record.source_identifier)


def test_datacite_round_trip_of_real_records(realdata: Path) -> None:
    for path in sorted((realdata / "datacite").glob("*.xml")):
        original = map_text(path.read_text(encoding="utf-8-sig"), "datacite", path.name)
        back = _round_trip(original)
        assert back.title == original.title, path.name
        assert (back.doi, back.cstr) == (original.doi, original.cstr), path.name
        assert _ids(back) == _ids(original), path.name
        assert back.resource_kind is original.resource_kind, path.name
        assert (back.issued, back.modified) == (original.issued, original.modified), path.name
        assert back.keywords == original.keywords and back.subjects == original.subjects


def test_datacite_round_trip_of_a_strain() -> None:
    original = strain()
    back = _round_trip(original)
    assert back.title == original.title
    assert back.cstr == original.cstr
    assert _ids(back) >= _ids(original)
    assert back.resource_kind is original.resource_kind
    assert back.access_rights is original.access_rights
    assert back.license == original.license
    assert back.subjects == original.subjects
    assert back.temporal == original.temporal
    assert back.funding == original.funding


def test_record_without_doi_uses_cstr_then_local_identifier() -> None:
    ns = "{http://datacite.org/schema/kernel-4}"
    assert datacite_element(strain()).find(f"{ns}identifier").get("identifierType") == "CSTR"
    local = datacite_element(minimal()).find(f"{ns}identifier")
    assert (local.get("identifierType"), local.text) == ("Local", "oai:x:1")
    kept = malformed_cstr()
    assert _round_trip(kept).cstr_original == "CSTR:123.11.bad"


def test_oai_dc_carries_languages_identifiers_and_rights() -> None:
    dc = oai_dc_element(strain())
    titles = {
        t.get("{http://www.w3.org/XML/1998/namespace}lang"): t.text
        for t in dc.iter(f"{{{DC_NS}}}title")
    }
    assert titles == {"zh": "大肠杆菌菌株", "en": "Escherichia coli strain"}
    identifiers = [e.text for e in dc.iter(f"{{{DC_NS}}}identifier")]
    assert "CSTR:16698.13.ACCC.10001" in identifiers
    rights = [e.text for e in dc.iter(f"{{{DC_NS}}}rights")]
    assert "info:eu-repo/semantics/restrictedAccess" in rights
    back = map_text(etree.tostring(dc, encoding="unicode"), "oai_dc")
    assert back.title == strain().title
    assert back.cstr == strain().cstr
    assert back.resource_kind.is_physical


@pytest.mark.parametrize("fmt", ["oai_dc", "datacite"])
def test_contact_physical_and_sharing_survive_our_own_export(
    fmt: str, kernel: etree.XMLSchema
) -> None:
    """Another ShareNet harvesting our OAI provider maps the record back whole."""
    original = strain().model_copy(
        update={
            "sharing": Sharing(
                channel="线上申请", scope="公益性科研", procedure="1. 在线申请\n2. 签署协议"
            )
        }
    )
    element = oai_dc_element(original) if fmt == "oai_dc" else datacite_element(original)
    if fmt == "datacite":
        kernel.assertValid(element)
    back = map_text(etree.tostring(element, encoding="unicode"), fmt)
    assert back.contact_point == original.contact_point
    assert back.physical == original.physical
    assert back.sharing == Sharing(
        channel="线上申请", scope="公益性科研", procedure="1. 在线申请 2. 签署协议"
    )
    assert ("accession", "ACCC 10001", None) in _ids(back)
    assert back.description == original.description  # the lines are not a description


def test_labelled_lines_are_written_only_for_what_a_record_has() -> None:
    bare = minimal().model_copy(update={"physical": None, "contact_point": None})
    dc = oai_dc_element(bare)
    assert [e.text for e in dc.iter(f"{{{DC_NS}}}description")] == []
    email_only = minimal().model_copy(
        update={"contact_point": ContactPoint(email="help@example.cn")}
    )
    resource = datacite_element(email_only)
    ns = "{http://datacite.org/schema/kernel-4}"
    assert resource.find(f"{ns}contributors") is None
    [other] = resource.iter(f"{ns}description")
    assert (other.get("descriptionType"), other.text) == ("Other", "电子邮件：help@example.cn")
    assert map_text(datacite_xml(email_only).decode(), "datacite").contact_point == ContactPoint(
        email="help@example.cn"
    )
