"""The neutral index document: what every backend indexes and every hit returns."""

from __future__ import annotations

import json
from datetime import date

from indexer.base import FACETS
from indexer.document import to_document
from mappings.record import AccessRights, Identifier, Record, ResourceKind


def test_document_of_a_bilingual_record() -> None:
    record = Record(
        id="r",
        source="s",
        source_identifier="1",
        platform="tpdc",
        resource_kind=ResourceKind.STRAIN,
        cstr="CSTR:31253.11.sciencedb.01874",
        cstr_original="31253.11.sciencedb.01874",
        doi="10.57760/sciencedb.01874",
        identifiers=[
            Identifier(scheme="accession", value="CGMCC 1.1086"),
            Identifier(scheme="doi", value="10.1000/paper", relation="IsCitedBy"),
        ],
        title={"zh": "枯草芽孢杆菌", "en": "Bacillus subtilis", "fr": "Bacille"},
        description={"und": "模式菌株" + "长" * 300},
        keywords={"zh": ["芽孢杆菌", " "], "en": ["Bacillus"], "und": ["type strain"]},
        subjects=["180.11"],
        modified=date(2019, 3, 1),
        access_rights=AccessRights.CONDITIONAL,
        landing_page="https://example.org/r",
    )
    doc = to_document(record)
    assert set(FACETS) <= set(doc)
    assert (doc["kind"], doc["access"], doc["year"], doc["license"]) == (
        "strain",
        "conditional",
        2019,
        None,
    )
    assert doc["title"] == "Bacille" and doc["title_en"] == "Bacillus subtilis"
    assert doc["description_zh"].startswith("模式菌株") and doc["description_en"] is None
    assert doc["keyword"] == ["芽孢杆菌", "Bacillus", "type strain"]
    assert doc["keywords_en"] == ["Bacillus", "type strain"]
    assert doc["lang"] == ["en", "fr", "zh"]
    assert "cstr:31253.11.sciencedb.01874" in doc["identifiers"]
    assert "31253.11.sciencedb.01874" in doc["identifiers"]
    assert "cgmcc 1.1086" in doc["identifiers"]
    assert "10.1000/paper" not in doc["identifiers"]
    summary = doc["summary"]
    assert summary["title"]["zh"] == "枯草芽孢杆菌"
    assert len(summary["description"]["zh"]) <= 241
    assert summary["landing_page"] == "https://example.org/r"
    assert json.loads(json.dumps(doc)) == doc
