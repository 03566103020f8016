"""schema.org Dataset JSON-LD and citation strings."""

from __future__ import annotations

import json

from mappings.formats.rdf_safe import parse_rdf
from mappings.serialize.citation import citations, datacite_style, gbt7714
from mappings.serialize.schema_org import schema_org
from tests.mappings.sample_records import minimal, strain


def test_schema_org_dataset() -> None:
    doc = schema_org(strain(), url="http://127.0.0.1:8000/records/nmdc-1")
    assert doc["@type"] == "Dataset" and doc["additionalType"] == "strain"
    assert doc["name"] == "大肠杆菌菌株"
    assert {
        "@type": "PropertyValue",
        "propertyID": "CSTR",
        "value": "CSTR:16698.13.ACCC.10001",
        "url": "https://cstr.cn/CSTR:16698.13.ACCC.10001",
    } in doc["identifier"]
    assert not any(i["value"] == "10.1234/paper.1" for i in doc["identifier"])  # related, not own
    assert doc["isAccessibleForFree"] is False
    assert doc["citation"].startswith("张三. 大肠杆菌菌株[Z].")
    assert doc["creator"][0]["@id"] == "https://orcid.org/0000-0001-2345-6789"
    assert doc["datePublished"] == "2019-05-01"
    assert doc["temporalCoverage"] == "2018-01-01/.."


def test_schema_org_is_json_and_minimal_record_works() -> None:
    doc = schema_org(minimal())
    text = json.dumps(doc, ensure_ascii=False)
    assert doc["name"] == "" and doc["identifier"] == []
    local = json.loads(text) | {"@context": {"@vocab": "https://schema.org/"}}
    assert len(parse_rdf(json.dumps(local), "json-ld")) >= 2


def test_gbt7714_cites_the_cstr() -> None:
    text = gbt7714(strain())
    assert text == (
        "张三. 大肠杆菌菌株[Z]. 国家微生物资源库, 2019. (2024-02-03) "
        "https://cstr.cn/CSTR:16698.13.ACCC.10001."
    )
    assert gbt7714(strain(), "en").startswith("张三. Escherichia coli strain[Z].")


def test_gbt7714_lists_three_authors_then_et_al() -> None:
    record = strain()
    record.creators = [record.creators[0].model_copy(update={"name": n}) for n in "ABCD"]
    record.resource_kind = record.resource_kind.DATASET
    assert gbt7714(record).startswith("A, B, C, 等. 大肠杆菌菌株[DS].")


def test_datacite_style() -> None:
    assert datacite_style(strain()) == (
        "张三 (2019): Escherichia coli strain. 国家微生物资源库. "
        "https://cstr.cn/CSTR:16698.13.ACCC.10001"
    )
    assert set(citations(minimal())) == {"gbt7714", "datacite"}
