"""oai_dc: real Zenodo replies and the Chinese-platform cases DESIGN.md describes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mappings.errors import MappingError
from mappings.record import AccessRights, ResourceKind
from mappings.rules import RuleContext, evaluate
from tests.mappings.helpers import map_text, oai_records


def _dc(body: str) -> str:
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">' + body + "</oai_dc:dc>"
    )


def test_zenodo_getrecord(realdata: Path) -> None:
    [record] = oai_records(realdata / "oai-pmh/zenodo-2026/GetRecord_oai_dc_10357859.xml", "oai_dc")
    assert record.title == {"en": "Research Data Management Organiser (RDMO)"}
    assert record.creators[0].name == "Klar, Jochen" and len(record.creators) == 9
    assert record.doi == "10.5281/zenodo.10357859"
    assert record.landing_page == "https://doi.org/10.5281/zenodo.10357859"
    assert record.issued == date(2023, 12, 11)
    assert record.access_rights is AccessRights.OPEN
    assert record.license == "http://www.apache.org/licenses/LICENSE-2.0"
    assert record.publisher is not None and record.publisher.name == "Zenodo"
    assert record.resource_kind is ResourceKind.OTHER  # info:eu-repo/semantics/other
    assert record.source_datestamp is not None and record.source_datestamp.year == 2023
    # Zenodo escapes its HTML twice; the record keeps plain text.
    assert record.description["en"].startswith("RDMO 2.1.0 (Dec 11, 2023)")
    assert "<" not in record.description["en"] and "&lt;" not in record.description["en"]
    related = {(i.scheme, i.value) for i in record.identifiers if i.relation}
    assert ("DOI", "10.5281/zenodo.596581") in related


def test_zenodo_pages_and_the_deleted_record(realdata: Path) -> None:
    folder = realdata / "oai-pmh/zenodo-2026"
    records = [
        r
        for name in ("page1", "resumption_pageA", "resumption_pageB")
        for r in oai_records(folder / f"ListRecords_oai_dc_{name}.xml", "oai_dc")
    ]
    assert len(records) >= 8
    assert all(r.title and r.doi for r in records)
    deleted = [r for r in records if r.deleted]
    assert [r.source_identifier for r in deleted] == ["oai:zenodo.org:8433364"]
    languages = {lang for r in records for lang in r.languages}
    assert languages == {"en"}  # "eng" normalised


def test_chinese_record_with_cstr_and_physical_kind() -> None:
    record = map_text(
        _dc(
            "<dc:title>水稻种质资源数据</dc:title>"
            '<dc:title xml:lang="en">Rice germplasm accessions</dc:title>'
            "<dc:identifier>cstr:31253.11.sciencedb.01874</dc:identifier>"
            "<dc:identifier>https://www.example.cn/record/1</dc:identifier>"
            "<dc:type>种质资源</dc:type><dc:rights>申请共享</dc:rights>"
            "<dc:subject>170-地球科学</dc:subject><dc:subject>水稻</dc:subject>"
            "<dc:date>2020-01-02</dc:date><dc:date>2021-03-04</dc:date>"
            "<dc:coverage>2001/2010</dc:coverage><dc:coverage>青藏高原</dc:coverage>"
        ),
        "oai_dc",
    )
    assert record.title == {"zh": "水稻种质资源数据", "en": "Rice germplasm accessions"}
    assert record.cstr == "CSTR:31253.11.sciencedb.01874"
    assert record.cstr_original == "cstr:31253.11.sciencedb.01874"
    assert record.landing_page == "https://www.example.cn/record/1"
    assert record.resource_kind is ResourceKind.GERMPLASM
    assert record.access_rights is AccessRights.CONDITIONAL
    assert record.subjects == ["170"] and record.keywords == {"zh": ["水稻"]}
    assert (record.issued, record.modified) == (date(2020, 1, 2), date(2021, 3, 4))
    assert record.temporal is not None and record.temporal.end == date(2010, 12, 31)
    assert record.spatial == ["青藏高原"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("菌种", ResourceKind.STRAIN),
        ("Cell line", ResourceKind.CELL_LINE),
        ("标本", ResourceKind.SPECIMEN),
        ("Dataset", ResourceKind.DATASET),
        ("标准物质", ResourceKind.MATERIAL),
    ],
)
def test_types_become_resource_kinds(text: str, kind: ResourceKind) -> None:
    record = map_text(_dc(f"<dc:title>x</dc:title><dc:type>{text}</dc:type>"), "oai_dc")
    assert record.resource_kind is kind


@pytest.mark.parametrize(
    ("rights", "level"),
    [
        ("公开", AccessRights.OPEN),
        ("受限", AccessRights.RESTRICTED),
        ("非公开", AccessRights.RESTRICTED),
        ("info:eu-repo/semantics/closedAccess", AccessRights.RESTRICTED),
        ("info:eu-repo/semantics/embargoedAccess", AccessRights.CONDITIONAL),
    ],
)
def test_rights_become_access_levels(rights: str, level: AccessRights) -> None:
    record = map_text(_dc(f"<dc:title>x</dc:title><dc:rights>{rights}</dc:rights>"), "oai_dc")
    assert record.access_rights is level
    assert record.license is None


def test_malformed_cstr_is_kept_not_fatal() -> None:
    record = map_text(
        _dc("<dc:title>t</dc:title><dc:identifier>CSTR:3125.1.x</dc:identifier>"), "oai_dc"
    )
    assert record.cstr is None
    assert record.cstr_original == "CSTR:3125.1.x"


def test_untagged_english_and_chinese_titles_are_guessed() -> None:
    record = map_text(_dc("<dc:title>Soil data</dc:title><dc:title>土壤数据</dc:title>"), "oai_dc")
    assert record.title == {"en": "Soil data", "zh": "土壤数据"}


@pytest.mark.parametrize(
    "raw",
    [
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _dc("<dc:title>&x;</dc:title>"),
        '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        + _dc("<dc:title>&b;</dc:title>"),
        _dc("<dc:title>unclosed"),
        "<other/>",
        "",
    ],
)
def test_unsafe_or_broken_payloads_fail_cleanly(raw: str) -> None:
    with pytest.raises(MappingError) as excinfo:
        map_text(raw, "oai_dc", "oai:x:1")
    assert "oai:x:1" in str(excinfo.value)


def test_openaire_grant_relations_are_funding() -> None:
    record = map_text(
        _dc(
            "<dc:title>冰川数据</dc:title>"
            "<dc:relation>info:eu-repo/grantAgreement/NSFC/国家自然科学基金/42071234</dc:relation>"
            "<dc:relation>info:eu-repo/grantAgreement/MOST/国家重点研发计划/2019YFC1509100"
            "</dc:relation>"
            "<dc:relation>info:eu-repo/grantAgreement/CAS/%E4%B8%AD%E5%9B%BD%E7%A7%91%E5%AD%A6"
            "%E9%99%A2%E6%88%98%E7%95%A5%E6%80%A7%E5%85%88%E5%AF%BC%E7%A7%91%E6%8A%80%E4%B8%93"
            "%E9%A1%B9/XDA2006</dc:relation>"
            "<dc:relation>info:eu-repo/grantAgreement/NSFC//41801234</dc:relation>"
            "<dc:relation>info:eu-repo/grantAgreement/EC/H2020/654321/EU</dc:relation>"
            "<dc:relation>https://doi.org/10.1234/other</dc:relation>"
        ),
        "oai_dc",
    )
    assert [(f.funder, f.award, f.public) for f in record.funding] == [
        ("国家自然科学基金", "42071234", True),
        ("国家重点研发计划", "2019YFC1509100", True),
        ("中国科学院战略性先导科技专项", "XDA2006", True),  # percent-encoded segment
        ("国家自然科学基金", "41801234", True),  # no programme: the funder's own name
        ("EC", "654321", False),  # not a Chinese public funder
    ]
    # Grants are funding, not related resources; other relations stay related identifiers.
    assert [(i.scheme, i.value) for i in record.identifiers] == [("DOI", "10.1234/other")]


def test_art5_rule_fires_on_an_oai_dc_record() -> None:
    record = map_text(
        _dc(
            "<dc:title>冰川数据</dc:title>"
            "<dc:relation>info:eu-repo/grantAgreement/NSFC/国家自然科学基金/42071234</dc:relation>"
            "<dc:rights>info:eu-repo/semantics/closedAccess</dc:rights>"
        ),
        "oai_dc",
    )
    assert "public-funding-open" in {f.rule for f in evaluate(record, RuleContext()).findings}


@pytest.mark.parametrize(
    "spelled",
    [
        "11738-11-NCDC-GLACIER-DB0012-2019",  # a CSTR with dashes for dots
        "D9001-13-MZ865134",
        "A0006_11_A0001.202006.001024",
        "CSTR:1173.11.ncdc.x",  # says CSTR: malformed agency code
        "cstr:11738.1.ncdc.x",
    ],
)
def test_malformed_cstr_is_malformed_not_missing(spelled: str) -> None:
    record = map_text(
        _dc(f"<dc:title>数据</dc:title><dc:identifier>{spelled}</dc:identifier>"), "oai_dc"
    )
    assert record.cstr is None and record.cstr_original == spelled
    rules = {f.rule for f in evaluate(record, RuleContext()).findings}
    assert "cstr-malformed" in rules and "cstr-missing" not in rules


@pytest.mark.parametrize(
    "local",
    [
        "ed0eb080-15e1-45ec-bef6-f7d7208535c5",
        "978-7-03-012345-6",
        "2019-11-01",
        "NMDC10000037",
        "ABCDE-12-no-digit-in-the-agency",
    ],
)
def test_local_identifiers_are_not_taken_for_cstrs(local: str) -> None:
    record = map_text(
        _dc(f"<dc:title>数据</dc:title><dc:identifier>{local}</dc:identifier>"), "oai_dc"
    )
    assert record.cstr is None and record.cstr_original is None
    assert [(i.scheme, i.value) for i in record.identifiers] == [("local", local)]


def test_germplasm_contact_and_physical_details_by_labelled_lines() -> None:
    record = map_text(
        _dc(
            "<dc:title>水稻种质资源：红谷子</dc:title>"
            '<dc:description xml:lang="zh">地方品种，耐旱。保存方式：见库。</dc:description>'
            "<dc:identifier>accession:ZM000123</dc:identifier>"
            "<dc:description>物种：Oryza sativa L.</dc:description>"
            "<dc:description>保存方式：种子低温保存（-18℃长期库）</dc:description>"
            "<dc:description>获取方式：在线申请，签署种质资源利用协议</dc:description>"
            "<dc:description>共享范围：公益性科研\n共享途径：线上申请</dc:description>"
            "<dc:description>服务机构：国家作物种质库</dc:description>"
            "<dc:description>电子邮件：genebank@example.org</dc:description>"
            "<dc:description>电话: 010-12345678</dc:description>"
            "<dc:description>地址：北京市海淀区</dc:description>"
            "<dc:description>Species: Zea mays\nA note that is no label.</dc:description>"
            "<dc:type>PhysicalObject</dc:type>"
        ),
        "oai_dc",
    )
    assert record.physical is not None
    assert record.physical.model_dump() == {
        "accession_number": "ZM000123",
        "species": "Oryza sativa L.",
        "preservation": "种子低温保存（-18℃长期库）",
        "obtain": "在线申请，签署种质资源利用协议",
    }
    assert ("accession", "ZM000123") in {(i.scheme, i.value) for i in record.identifiers}
    assert record.sharing is not None
    assert (record.sharing.scope, record.sharing.channel) == ("公益性科研", "线上申请")
    assert record.contact_point is not None
    assert record.contact_point.model_dump(exclude_none=True) == {
        "name": "国家作物种质库",
        "email": "genebank@example.org",
        "phone": "010-12345678",
        "address": "北京市海淀区",
    }
    # Only wholly labelled blocks are taken: prose, even with a label inside, stays prose.
    assert record.description["zh"] == "地方品种，耐旱。保存方式：见库。"
    assert record.description["en"] == "Species: Zea mays\nA note that is no label."
    rules = {f.rule for f in evaluate(record, RuleContext()).findings}
    assert not rules & {"core-contact", "physical-accession", "physical-obtain"}
