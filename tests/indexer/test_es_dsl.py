"""The shared cluster DSL, checked as data: no server needed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from indexer import es_dsl
from indexer.analysis import MAX_QUERY_TERMS, MAX_SIZE
from indexer.base import Filters, Query
from indexer.errors import QueryError


def _walk(node: Any) -> list[str]:
    """Every key anywhere in a JSON-like structure."""
    if isinstance(node, dict):
        return [k for key, value in node.items() for k in (key, *_walk(value))]
    if isinstance(node, list):
        return [k for item in node for k in _walk(item)]
    return []


HOSTILE = [
    '"unbalanced',
    "title:(soil OR water) AND NOT x~2 ^3 [1 TO 5] /re.*/",
    "*",
    "\\",
    "x" * 10_000,
    "土壤 " * 5_000,
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_never_becomes_a_query_string(text: str) -> None:
    body = es_dsl.search_body(Query(text=text))
    keys = set(_walk(body))
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}
    json.dumps(body)  # serialisable as is
    assert len(json.dumps(body, ensure_ascii=False)) < 60_000


def test_long_queries_are_cut_to_a_bounded_number_of_clauses() -> None:
    body = es_dsl.text_query(" ".join(f"w{i}" for i in range(500)))
    assert len(body["bool"]["must"]) == MAX_QUERY_TERMS


def test_paging_is_bounded() -> None:
    body = es_dsl.search_body(Query(page=-1, size=1_000_000))
    assert body["from"] == 0
    assert body["size"] == MAX_SIZE
    with pytest.raises(QueryError, match="beyond the first"):
        es_dsl.search_body(Query(page=10_000, size=100))


def test_words_are_phrases_and_han_words_only_match_per_character() -> None:
    must = es_dsl.text_query('"soil moisture" 土壤')["bool"]["must"]
    phrase, han = (clause["multi_match"] for clause in must)
    assert phrase["type"] == han["type"] == "phrase"
    assert phrase["query"] == "soil moisture"
    assert "title_en^3" in phrase["fields"]
    assert han["fields"] == ["title_zh.chars^3", "keywords_zh.chars^2", "description_zh.chars^1"]


def test_identifiers_match_exactly_in_any_spelling() -> None:
    query = es_dsl.text_query("cstr:31253.11.sciencedb.01874")
    ids = query["bool"]["should"][0]["constant_score"]["filter"]["terms"]["identifiers"]
    assert "cstr:31253.11.sciencedb.01874" in ids
    doi = es_dsl.text_query("https://doi.org/10.11922/SciDB.1234")
    ids = doi["bool"]["should"][0]["constant_score"]["filter"]["terms"]["identifiers"]
    assert "10.11922/scidb.1234" in ids


def test_filters_are_terms_and_a_year_range() -> None:
    clauses = es_dsl.filter_clauses(
        Filters(platform=["tpdc", "ncdc"], access=["open"], year_from=2000, year_to=2010)
    )
    assert {"terms": {"platform": ["tpdc", "ncdc"]}} in clauses
    assert {"terms": {"access": ["open"]}} in clauses
    assert {"range": {"year": {"gte": 2000, "lte": 2010}}} in clauses


def test_every_facet_is_aggregated_and_highlights_are_escaped() -> None:
    body = es_dsl.search_body(Query(text="soil"))
    assert set(body["aggs"]) == set(es_dsl.FACETS)
    assert body["highlight"]["encoder"] == "html"
    assert body["highlight"]["pre_tags"] == ["<mark>"]


@pytest.mark.parametrize("analyzer", ["cjk", "smartcn", "ik"])
def test_index_body_records_the_mapping_version(analyzer: es_dsl.ZhAnalyzer) -> None:
    body = es_dsl.index_body(analyzer)
    assert body["mappings"]["_meta"]["mapping_version"] == es_dsl.MAPPING_VERSION
    title_zh = body["mappings"]["properties"]["title_zh"]
    assert title_zh["analyzer"] == es_dsl.ZH_ANALYZERS[analyzer][0]
    assert body["mappings"]["properties"]["title_en"]["analyzer"] == "sharenet_en"
    stem = body["settings"]["analysis"]["filter"]["sharenet_en_stem"]
    assert stem == {"type": "stemmer", "language": "english"}
    assert es_dsl.mapping_version(body) == es_dsl.MAPPING_VERSION
