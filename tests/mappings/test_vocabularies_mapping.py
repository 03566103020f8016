"""One discipline, one facet value: GB/T 13745 subjects normalised the same in every format."""

from __future__ import annotations

import json

import pytest

from mappings.formats.dcat import dataset_payload, datasets_in
from mappings.formats.rdf_safe import parse_rdf
from mappings.vocabularies import (
    DISCIPLINES,
    discipline_name,
    is_discipline_code,
    is_public_funder,
    public_funder,
    subject_code,
    subject_label,
)
from tests.mappings.helpers import map_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("170 地球科学", "170"),
        ("140-物理学", "140"),
        ("180_Biology", "180"),
        ("180", "180"),
        (" 17050 地理学 ", "17050"),
        ("1705010", "1705010"),
        ("210：农学", "210"),
        ("170地球科学", "170"),
        ("Ecology", "Ecology"),
        ("  生态学 ", "生态学"),
        (
            "FOS: Earth and related environmental sciences",
            "FOS: Earth and related environmental sciences",
        ),
        ("500 hPa", "500 hPa"),  # 500 is no first-level discipline
        ("1700", "1700"),  # four digits: a year or a count, not a code
        ("170km", "170km"),
    ],
)
def test_subject_code(text: str, expected: str) -> None:
    assert subject_code(text) == expected
    assert is_discipline_code(text) == (expected.isdigit() and expected != "1700")


def test_the_first_level_table() -> None:
    assert len(DISCIPLINES) == 62
    assert all(len(code) == 3 and code.isdigit() for code in DISCIPLINES)
    assert discipline_name("170") == "地球科学" and discipline_name("170", "en") == "Earth Sciences"
    assert discipline_name("17050") is None and discipline_name("Ecology") is None


def test_subject_labels_name_codes_at_any_level() -> None:
    assert subject_label("170") == "地球科学" and subject_label("170", "en") == "Earth Sciences"
    assert subject_label("17050") == "地球科学 · 17050"
    assert subject_label("1705010", "en") == "Earth Sciences · 1705010"
    assert subject_label("Ecology") is None and subject_label("999") is None
    assert subject_label("1700") is None


def _dc(body: str) -> str:
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>数据</dc:title>'
        + body
        + "</oai_dc:dc>"
    )


def _datacite(subjects: str) -> str:
    return (
        '<resource xmlns="http://datacite.org/schema/kernel-4">'
        '<identifier identifierType="DOI">10.1234/x</identifier>'
        "<titles><title>数据</title></titles>"
        f"<subjects>{subjects}</subjects></resource>"
    )


def test_every_format_gives_the_bare_code() -> None:
    oai_dc = map_text(
        _dc(
            "<dc:subject>170 地球科学</dc:subject><dc:subject>170-地球科学</dc:subject>"
            '<dc:subject xml:lang="zh">冰川</dc:subject>'
        ),
        "oai_dc",
    )
    assert oai_dc.subjects == ["170"]  # two spellings, one value
    assert oai_dc.keywords == {"zh": ["冰川"]}

    datacite = map_text(
        _datacite(
            '<subject subjectScheme="GB/T 13745-2009" classificationCode="140">物理学</subject>'
            "<subject>150-化学</subject>"
            '<subject subjectScheme="Fields of Science">Physical sciences</subject>'
        ),
        "datacite",
    )
    assert datacite.subjects == ["140", "150", "Physical sciences"]

    item = {"dataSetId": "1", "titleZh": "数据", "taxonomy": ["180-生物学", "180 生物学", "生态"]}
    payload = json.dumps(item, ensure_ascii=False)
    assert map_text(payload, "json:sciencedb").subjects == ["180", "生态"]

    ttl = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://d.example/1> a dcat:Dataset ; dct:title "数据"@zh ;
      dct:subject [ a skos:Concept ; skos:prefLabel "610 环境科学技术及资源科学技术"@zh ] .
    """
    graph = parse_rdf(ttl, "turtle")
    [(key, node)] = datasets_in(graph)
    assert map_text(dataset_payload(graph, node), "dcat", key).subjects == ["610"]


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("国家自然科学基金", "国家自然科学基金"),
        ("国家自然科学基金委员会", "国家自然科学基金"),
        ("NSFC", "国家自然科学基金"),
        ("national natural science foundation of  China", "国家自然科学基金"),
        ("中国科学院战略性先导科技专项", "中国科学院"),
        ("科技部", "科学技术部"),
        ("nsfc", None),  # acronyms only as written
        ("Wellcome Trust", None),
        ("", None),
    ],
)
def test_public_funders(name: str, canonical: str | None) -> None:
    assert public_funder(name) == canonical
    assert is_public_funder(name) is (canonical is not None)
