"""Public search and suggestions through the app, on the real tantivy index."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from harvester.store.records import iter_records
from indexer.base import FACETS
from tests.search_api.conftest import CATALOGUE, DELETED, Api


@pytest.fixture
def api(read_api: Api) -> Api:
    """These tests only read: one catalogue per module and store kind."""
    return read_api


def _search(api: Api, **params: Any) -> dict[str, Any]:
    reply = api.client.get("/api/search", params=params)
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in body["hits"]]


def _id(ident: str) -> str:
    return next(r.id for r in CATALOGUE if r.source_identifier == ident)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("土壤", {"soil-001", "strain-7"}),
        ("冰川", {"glacier-002"}),
        ("青藏高原", {"soil-001", "permafrost-003"}),
        ("soil", {"soil-001"}),
        ("glaciers", {"glacier-002"}),
        ("CSTR:11738.11.ncdc.soil.001", {"soil-001"}),
        ("10.12072/ncdc.soil.001", {"soil-001"}),
    ],
)
def test_words_in_both_languages_and_identifiers_find_records(
    api: Api, q: str, expected: set[str]
) -> None:
    body = _search(api, q=q)
    assert {_id(i) for i in expected} <= set(_ids(body))
    assert body["total"] >= len(expected)


def test_hits_carry_highlights_and_a_summary(api: Api) -> None:
    body = _search(api, q="冰川")
    hit = body["hits"][0]
    assert hit["id"] == _id("glacier-002")
    marked = [frag for frags in hit["highlights"].values() for frag in frags]
    assert any("<mark>" in frag for frag in marked), hit["highlights"]
    assert hit["document"]["platform"] == "ncdc"


def test_empty_query_lists_every_live_record_never_a_deleted_one(api: Api) -> None:
    body = _search(api, size=100)
    assert body["total"] == len(CATALOGUE)
    assert DELETED.id not in _ids(body)


def test_facets_equal_counts_computed_from_the_store(api: Api) -> None:
    body = _search(api, size=1)
    assert set(body["facets"]) == set(FACETS)
    with api.db.session() as s:
        records = [stored.record for stored in iter_records(s)]
    expected = {
        "platform": Counter(r.platform for r in records),
        "kind": Counter(r.resource_kind.value for r in records),
        "license": Counter(r.license for r in records if r.license),
        "access": Counter(r.access_rights.value for r in records if r.access_rights),
        "year": Counter(str(r.year()) for r in records if r.year()),
        "subject": Counter(s for r in records for s in set(r.subjects)),
    }
    for name, counts in expected.items():
        got = {f["value"]: f["count"] for f in body["facets"][name]}
        assert got == dict(counts), name


def test_subject_facet_values_are_codes_with_names(api: Api) -> None:
    subjects = {f["value"]: f for f in _search(api, size=1)["facets"]["subject"]}
    assert subjects["170"]["label"] == {"zh": "地球科学", "en": "Earth Sciences"}
    assert subjects["210"]["label"] == {"zh": "农学", "en": "Agronomy"}
    assert _search(api, subject="170")["total"] == subjects["170"]["count"]  # value filters
    platforms = _search(api, size=1)["facets"]["platform"]
    assert platforms and all(f["label"] is None for f in platforms)


def test_filters_are_anded_across_facets_and_ored_within_one(api: Api) -> None:
    ncdc = _search(api, platform="ncdc")
    assert ncdc["total"] == 4
    both = _search(api, platform=["ncdc", "cgris"])
    assert both["total"] == len(CATALOGUE)
    open_ncdc = _search(api, platform="ncdc", access="open")
    assert set(_ids(open_ncdc)) == {_id("soil-001"), _id("dust-004")}
    kinds = _search(api, kind=["germplasm", "strain"])
    assert kinds["total"] == 3
    assert _search(api, platform="nowhere")["total"] == 0


def test_year_range_and_sort(api: Api) -> None:
    body = _search(api, year_from=2019, year_to=2021, sort="oldest")
    years = [hit["document"]["summary"]["year"] for hit in body["hits"]]
    assert years == sorted(years)
    assert set(years) == {2019, 2020, 2021}
    newest = _search(api, sort="newest", size=2)
    assert [h["id"] for h in newest["hits"]] == [_id("dust-004"), _id("strain-7")]


def test_paging_walks_the_whole_result_without_repeats(api: Api) -> None:
    seen: list[str] = []
    for page in (1, 2, 3):
        body = _search(api, sort="title", page=page, size=3)
        assert body["page"] == page and body["size"] == 3
        seen += _ids(body)
    assert len(seen) == len(set(seen)) == len(CATALOGUE)


def test_suggest_completes_titles(api: Api) -> None:
    reply = api.client.get("/api/suggest", params={"q": "Gla"})
    assert reply.status_code == 200
    suggestions = reply.json()["suggestions"]
    assert any(s["id"] == _id("glacier-002") for s in suggestions), suggestions
    reply = api.client.get("/api/suggest", params={"q": "水稻"})
    assert any(s["id"] == _id("rice-1234") for s in reply.json()["suggestions"])


def test_openapi_documents_the_public_endpoints(api: Api) -> None:
    assert api.client.get("/docs").status_code == 200
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/api/search", "/api/suggest", "/api/records/{record_id}", "/api/sources"):
        assert path in paths
