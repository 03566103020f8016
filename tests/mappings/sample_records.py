"""A varied set of records for serializer tests: real ones mapped, plus made-up edge cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mappings.record import (
    AccessRights,
    Agent,
    ContactPoint,
    Distribution,
    Funding,
    Identifier,
    PhysicalDetails,
    Record,
    ResourceKind,
    Temporal,
)
from tests.mappings.helpers import dcat_records, map_text


def strain() -> Record:
    """A physical resource of a resource centre, every field filled."""
    return Record(
        id="nmdc-1",
        source="nmdc",
        source_identifier="ACCC 10001",
        platform="nmdc",
        cstr="CSTR:16698.13.ACCC.10001",
        cstr_original="16698.13.ACCC.10001",
        identifiers=[
            Identifier(scheme="local", value="ACCC 10001"),
            Identifier(scheme="DOI", value="10.1234/paper.1", relation="IsCitedBy"),
        ],
        resource_kind=ResourceKind.STRAIN,
        title={"zh": "大肠杆菌菌株", "en": "Escherichia coli strain"},
        description={"zh": "保藏于中国农业微生物菌种保藏管理中心。"},
        keywords={"zh": ["大肠杆菌"], "en": ["E. coli"]},
        subjects=["180"],
        themes=["微生物", "http://publications.europa.eu/resource/authority/data-theme/AGRI"],
        creators=[
            Agent(
                name="张三",
                kind="person",
                identifier="https://orcid.org/0000-0001-2345-6789",
                identifier_scheme="ORCID",
                affiliation="中国农业科学院",
            )
        ],
        publisher=Agent(
            name="国家微生物资源库",
            name_en="National Microbial Resource Center",
            kind="organization",
        ),
        contact_point=ContactPoint(
            name="服务部",
            email="service@example.cn",
            phone="+86 10 1234 5678",
            address="北京市海淀区",
            url="https://www.example.cn/contact",
        ),
        funding=[Funding(funder="科技部", award="2019YFC0000")],
        issued=date(2019, 5, 1),
        modified=date(2024, 2, 3),
        temporal=Temporal(start=date(2018, 1, 1), end=None),
        spatial=["北京", "POINT (116.3 39.9)"],
        access_rights=AccessRights.CONDITIONAL,
        access_rights_reason="需签署协议",
        license="https://creativecommons.org/licenses/by/4.0/",
        landing_page="https://www.example.cn/strain/10001",
        distributions=[Distribution(format="菌种实物", title="冻干管")],
        physical=PhysicalDetails(accession_number="ACCC 10001", species="Escherichia coli"),
        languages=["zh", "en"],
    )


def minimal() -> Record:
    """Only what every record has: the keys."""
    return Record(id="x-1", source="x", source_identifier="oai:x:1", platform="x")


def malformed_cstr() -> Record:
    return Record(
        id="x-2",
        source="x",
        source_identifier="oai:x:2",
        platform="x",
        cstr_original="CSTR:123.11.bad",
        title={"zh": "冻土数据"},
        license="数据共享协议",
        access_rights=AccessRights.RESTRICTED,
    )


def varied(realdata: Path) -> list[Record]:
    records = [strain(), minimal(), malformed_cstr()]
    for path in sorted((realdata / "datacite").glob("*.xml")):
        records.append(map_text(path.read_text(encoding="utf-8-sig"), "datacite", path.name))
    documents = (
        "ckanext-dcat-examples/dataset_gov_de.rdf",
        "ckanext-dcat-examples/catalog_pod.jsonld",
        "udata-real-portals/paged-collection-1.jsonld",
    )
    for name in documents:
        records += dcat_records(realdata / "dcat" / name)
    return records
