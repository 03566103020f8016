"""DataCite kernel 3/4 mapping over every real DataCite file we hold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mappings.formats.datacite import SELF_RELATIONS, byte_size
from mappings.record import AccessRights, Identifier, ResourceKind
from tests.mappings.helpers import map_text, oai_records

KERNEL = 'xmlns="http://datacite.org/schema/kernel-4"'
FULL = "datacite/datacite-example-full-v4.6.xml"


def _files(realdata: Path) -> list[Path]:
    return sorted((realdata / "datacite").glob("*.xml"))


def test_every_real_datacite_file_maps(realdata: Path) -> None:
    files = _files(realdata)
    assert len(files) == 5
    for path in files:
        record = map_text(path.read_text(encoding="utf-8-sig"), "datacite", path.name)
        assert record.title, path.name
        assert record.doi, path.name
        assert record.creators and record.publisher, path.name
        assert record.issued, path.name


def test_full_example(realdata: Path) -> None:
    record = map_text(
        (realdata / "datacite/datacite-example-full-v4.6.xml").read_text(), "datacite"
    )
    assert record.doi == "10.82433/b09z-4k37"
    assert record.title == {"en": "Example Title", "fr": "Example TranslatedTitle"}
    assert "Example Abstract" in record.description["en"]
    assert "Example Methods" in record.description["en"]
    assert "FOS: Computer and information sciences" in record.subjects
    assert record.keywords == {"en": ["Example Subject"]}
    creator = record.creators[0]
    assert (creator.kind, creator.identifier_scheme, creator.affiliation) == (
        "person",
        "ORCID",
        "ExampleAffiliation",
    )
    assert record.publisher is not None and record.publisher.identifier_scheme == "ROR"
    assert [(f.funder, f.award, f.public) for f in record.funding] == [
        ("Example Funder", "12345", False)  # not a Chinese public funder (art. 5)
    ]
    assert (record.issued, record.modified) == (date(2024, 1, 1), date(2024, 1, 1))
    assert record.temporal is not None and record.temporal.end == date(2024, 12, 31)
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert "POINT (-123.1207 49.2827)" in record.spatial
    assert any(s.startswith("POLYGON") for s in record.spatial)
    assert record.contact_point is not None
    assert record.physical is not None and record.physical.accession_number == "12345"
    assert record.distributions[0].media_type == "application/xml"


def test_full_example_related_cstr_is_not_the_records_own(realdata: Path) -> None:
    """relationType IsSupplementedBy names another resource: no record.cstr, kept as related."""
    record = map_text(
        (realdata / "datacite/datacite-example-full-v4.6.xml").read_text(), "datacite"
    )
    assert record.cstr is None and record.cstr_original is None
    assert (
        Identifier(
            scheme="CSTR", value="CSTR:31253.11.sciencedb.13238", relation="IsSupplementedBy"
        )
        in record.identifiers
    )
    # IsIdenticalTo is the one relation meaning "this very resource".
    assert {"IsIdenticalTo"} == SELF_RELATIONS
    assert Identifier(scheme="DOI", value="10.1016/j.epsl.2011.11.037") in record.identifiers


def _resource(body: str) -> str:
    return (
        f'<resource {KERNEL}><identifier identifierType="DOI">10.1/x</identifier>{body}</resource>'
    )


@pytest.mark.parametrize(
    ("body", "cstr"),
    [
        (
            '<alternateIdentifiers><alternateIdentifier alternateIdentifierType="CSTR">'
            "31253.11.sciencedb.01874</alternateIdentifier></alternateIdentifiers>",
            "CSTR:31253.11.sciencedb.01874",
        ),
        (
            '<relatedIdentifiers><relatedIdentifier relatedIdentifierType="CSTR" '
            'relationType="IsIdenticalTo">cstr:16666.11.nbsdc.eppl30tx</relatedIdentifier>'
            "</relatedIdentifiers>",
            "CSTR:16666.11.nbsdc.eppl30tx",
        ),
        (
            '<relatedIdentifiers><relatedIdentifier relatedIdentifierType="CSTR" '
            'relationType="IsVariantFormOf">16666.11.nbsdc.eppl30tx</relatedIdentifier>'
            "</relatedIdentifiers>",
            None,
        ),
    ],
)
def test_which_cstr_is_the_records_own(body: str, cstr: str | None) -> None:
    assert map_text(_resource(body), "datacite").cstr == cstr


def test_malformed_alternate_cstr_is_a_finding_not_a_failure() -> None:
    body = (
        '<alternateIdentifiers><alternateIdentifier alternateIdentifierType="CSTR">'
        "CSTR:31253.1.bad</alternateIdentifier></alternateIdentifiers>"
    )
    record = map_text(_resource(body), "datacite")
    assert record.cstr is None and record.cstr_original == "CSTR:31253.1.bad"


def test_parallel_languages_keep_both(realdata: Path) -> None:
    path = realdata / "datacite/datacite-example-parallel-languages-v4.6.xml"
    record = map_text(path.read_text(), "datacite")
    assert record.title == {
        "en": "Seismometer User Manual",
        "fr": "Manuel d'utilisation du sismomètre",
    }
    assert set(record.description) == {"en", "fr"}
    assert record.resource_kind is ResourceKind.OTHER


def test_dataverse_export_pairs_formats_and_sizes(realdata: Path) -> None:
    record = map_text(
        (realdata / "datacite/dataverse-beta_max_datacite-export.xml").read_text(), "datacite"
    )
    assert [(d.media_type, d.byte_size) for d in record.distributions] == [
        ("text/markdown", 34),
        ("text/tab-separated-values", 21865),
        ("text/tab-separated-values", 27),
    ]
    assert record.access_rights is AccessRights.OPEN
    assert record.license == "http://creativecommons.org/publicdomain/zero/1.0"
    assert record.issued == date(2024, 5, 1)  # Available, no Issued
    assert record.temporal is not None and record.temporal.start == date(2023, 1, 1)
    assert [f.award for f in record.funding] == [None, "3OT2DB000004-01S3"]


def test_geolocation_file_with_byte_order_mark(realdata: Path) -> None:
    path = realdata / "datacite/datacite-example-GeoLocation-v4.xml"
    record = map_text(path.read_bytes().decode("utf-8"), "datacite")
    assert record.spatial == ["Disko Bay", "POINT (-52.000000 69.000000)"]
    assert record.subjects == ["Geology, hydrology, meteorology"]


def test_zenodo_datacite_record(realdata: Path) -> None:
    path = realdata / "oai-pmh/zenodo-2026/GetRecord_datacite_10357859.xml"
    [record] = oai_records(path, "datacite")
    assert record.doi == "10.5281/zenodo.10357859"
    assert record.title == {"en": "Research Data Management Organiser (RDMO)"}
    assert record.creators[0].identifier == "0000-0002-5883-4273"
    assert Identifier(scheme="OAI", value="oai:zenodo.org:10357859") in record.identifiers
    assert record.resource_kind is ResourceKind.OTHER  # Software
    assert record.access_rights is AccessRights.OPEN
    assert record.license == "http://www.apache.org/licenses/LICENSE-2.0"
    assert (record.issued, record.modified) == (date(2023, 12, 11), date(2023, 12, 11))


@pytest.mark.parametrize("name", ["oai_getrecord_oaidatacite.xml", "oai_getrecord_datacite.xml"])
def test_viringo_wrapped_and_bare(realdata: Path, name: str) -> None:
    [record] = oai_records(realdata / "oai-pmh/datacite-viringo" / name, "oai_datacite")
    assert record.doi == "10.5072/not-a-real-doi"
    assert record.creators[0].identifier == "https://orcid.org/0000-0003-1419-2405"
    assert record.creators[0].affiliation == "DataCite"
    assert record.keywords == {"en": ["datacite"]}


def test_physical_object_kinds() -> None:
    strain = _resource('<resourceType resourceTypeGeneral="PhysicalObject">菌种</resourceType>')
    other = _resource('<resourceType resourceTypeGeneral="PhysicalObject">Rock core</resourceType>')
    assert map_text(strain, "datacite").resource_kind is ResourceKind.STRAIN
    assert map_text(other, "datacite").resource_kind is ResourceKind.MATERIAL


@pytest.mark.parametrize(
    ("text", "size"),
    [("13.6 MB", 13_600_000), ("21865", 21865), ("2 GiB", 2 * 1024**3), ("90 pages", None)],
)
def test_byte_sizes(text: str, size: int | None) -> None:
    assert byte_size(text) == size


def test_kernel_3_with_funder_contributor() -> None:
    raw = (
        '<resource xmlns="http://datacite.org/schema/kernel-3">'
        '<identifier identifierType="DOI">10.5072/K3</identifier>'
        "<creators><creator><creatorName>王五</creatorName></creator></creators>"
        '<titles><title>冰川编目</title><title xml:lang="en" titleType="TranslatedTitle">'
        "Glacier inventory</title></titles><publisher>NCDC</publisher>"
        "<publicationYear>2015</publicationYear>"
        '<contributors><contributor contributorType="Funder">'
        "<contributorName>国家自然科学基金委员会</contributorName>"
        "</contributor></contributors></resource>"
    )
    record = map_text(raw, "datacite")
    assert record.title == {"zh": "冰川编目", "en": "Glacier inventory"}
    assert record.funding[0].funder == "国家自然科学基金委员会" and record.funding[0].public
    assert record.issued == date(2015, 1, 1)


def test_contact_person_with_labelled_details() -> None:
    record = map_text(
        f"<resource {KERNEL}>"
        '<identifier identifierType="DOI">10.1234/x</identifier>'
        "<titles><title>数据</title></titles>"
        "<contributors>"
        '<contributor contributorType="ContactPerson">'
        '<contributorName nameType="Organizational">数据服务组</contributorName></contributor>'
        "</contributors>"
        "<descriptions>"
        '<description descriptionType="Abstract" xml:lang="zh">摘要。</description>'
        '<description descriptionType="Other">电子邮件：service@example.org\n'
        "联系电话：010-1\n联系地址：北京</description>"
        "</descriptions></resource>",
        "datacite",
    )
    assert record.contact_point is not None
    assert record.contact_point.model_dump(exclude_none=True) == {
        "name": "数据服务组",
        "email": "service@example.org",
        "phone": "010-1",
        "address": "北京",
    }
    assert record.description == {"zh": "摘要。"}
