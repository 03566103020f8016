"""One conformance suite for every search backend (parametrised by the ``backend`` fixtures).

What the search API relies on, whichever engine answers: replace and delete by id,
exact filtered totals and facet counts, sort orders, bounded paging, escaped
highlights, type-ahead, rebuild without downtime, and hostile input answered safely.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date
from typing import Any

import pytest

from indexer.analysis import MAX_SIZE
from indexer.base import FACETS, Filters, Query, SearchBackend
from indexer.document import to_document
from indexer.errors import QueryError
from mappings.record import Record
from tests.indexer.conftest import load_corpus

CORPUS = load_corpus()
DOCS = {r.id: to_document(r) for r in CORPUS}


def _record(rid: str, **fields: Any) -> Record:
    return Record(id=rid, source="s", source_identifier=rid, platform="p", **fields)


def _all_hits(backend: SearchBackend, query: Query) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        query.page, query.size = page, MAX_SIZE
        result = backend.search(query)
        ids += [h.id for h in result.hits]
        if len(result.hits) < MAX_SIZE:
            return ids
        page += 1


def _expected_facets(ids: list[str]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for rid in ids:
        doc = DOCS[rid]
        for facet in FACETS:
            value = doc[facet]
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, ""):
                    counts[facet][str(item)] += 1
    return counts


# --------------------------------------------------------------------------- writes


def test_index_replaces_by_id_and_delete_removes(backend: SearchBackend) -> None:
    old = _record("r1", title={"zh": "旧标题冰川", "en": "old glacier title"})
    assert backend.index([old]) == 1
    backend.index([_record("r1", title={"zh": "新标题沙漠", "en": "new desert title"})])
    assert backend.count() == 1
    assert [h.id for h in backend.search(Query(text="沙漠")).hits] == ["r1"]
    assert backend.search(Query(text="冰川")).total == 0
    assert backend.search(Query(text="glacier")).total == 0
    assert backend.delete(["r1", "never-indexed"]) == 1
    assert backend.count() == 0
    assert backend.search(Query(text="沙漠")).total == 0


def test_empty_index_answers(backend: SearchBackend) -> None:
    page = backend.search(Query(text="土壤"))
    assert page.total == 0 and page.hits == []
    assert backend.suggest("土") == []


# --------------------------------------------------------------------------- filters and facets


FILTERS = [
    Filters(),
    Filters(platform=["tpdc"]),
    Filters(platform=["tpdc", "ncdc"], kind=["dataset"]),
    Filters(kind=["strain", "germplasm"], access=["conditional"]),
    Filters(year_from=2015, year_to=2019),
    Filters(year_from=2020),
    Filters(lang=["en"], license=["CC-BY-4.0"]),
    Filters(subject=["170.45"], keyword=["冰川"]),
    Filters(lang=["fr"]),
]


@pytest.mark.parametrize("text", ["", "土壤", "数据集", "strain", "青藏高原 冰川"])
@pytest.mark.parametrize("filters", FILTERS, ids=[repr(f) for f in FILTERS])
def test_totals_and_facet_counts_are_exact(
    corpus_backend: SearchBackend, text: str, filters: Filters
) -> None:
    query = Query(text=text, filters=filters, facet_size=1000, highlight=False)
    page = corpus_backend.search(query)
    ids = _all_hits(corpus_backend, Query(text=text, filters=filters, facets=False))
    assert page.total == len(ids) == len(set(ids))
    expected = _expected_facets(ids)
    for facet in FACETS:
        got = {v.value: v.count for v in page.facets[facet]}
        assert got == dict(expected[facet]), facet
        counts = [v.count for v in page.facets[facet]]
        assert counts == sorted(counts, reverse=True)
    for rid in ids:
        doc = DOCS[rid]
        for facet in ("platform", "kind", "access", "license", "lang", "subject", "keyword"):
            wanted = getattr(filters, facet)
            have = doc[facet] if isinstance(doc[facet], list) else [doc[facet]]
            assert not wanted or set(wanted) & set(have)
        if filters.year_from is not None:
            assert doc["year"] is not None and doc["year"] >= filters.year_from


def test_filters_without_text_match_a_count_computed_from_the_documents(
    corpus_backend: SearchBackend,
) -> None:
    expected = sum(
        1 for d in DOCS.values() if d["kind"] == "strain" and d["year"] and d["year"] <= 2015
    )
    query = Query(filters=Filters(kind=["strain"], year_to=2015), facets=False)
    assert corpus_backend.search(query).total == expected > 0


def test_facet_size_limits_buckets(corpus_backend: SearchBackend) -> None:
    page = corpus_backend.search(Query(facet_size=3))
    assert all(len(values) <= 3 for values in page.facets.values())
    assert page.facets["platform"][0].count >= page.facets["platform"][-1].count


# --------------------------------------------------------------------------- sort and paging


def _date_key(rid: str) -> str | None:
    doc = DOCS[rid]
    when: str | None = doc["issued"] or doc["modified"]
    return when


def test_sort_newest_and_oldest(corpus_backend: SearchBackend) -> None:
    newest = _all_hits(corpus_backend, Query(sort="newest", facets=False))
    dated = [d for d in map(_date_key, newest) if d]
    assert dated == sorted(dated, reverse=True)
    assert all(_date_key(r) is None for r in newest[len(dated) :])
    oldest = _all_hits(corpus_backend, Query(sort="oldest", facets=False))
    dated = [d for d in map(_date_key, oldest) if d]
    assert dated == sorted(dated)
    assert all(_date_key(r) is None for r in oldest[len(dated) :])


def test_sort_title(corpus_backend: SearchBackend) -> None:
    ids = _all_hits(corpus_backend, Query(text="数据集", sort="title", facets=False))
    titles = [DOCS[r]["title_zh"] or DOCS[r]["title_en"] or DOCS[r]["title"] for r in ids]
    keys = [t.casefold() for t in titles]
    assert keys == sorted(keys) and len(keys) > 10


def test_relevance_puts_title_matches_before_description_matches(
    backend: SearchBackend,
) -> None:
    backend.index(
        [
            _record("desc", title={"en": "Lake levels"}, description={"en": "near a glacier"}),
            _record("title", title={"en": "Glacier outlines"}, description={"en": "outlines"}),
        ]
    )
    assert [h.id for h in backend.search(Query(text="glacier")).hits] == ["title", "desc"]


def test_pages_do_not_overlap(corpus_backend: SearchBackend) -> None:
    first = corpus_backend.search(Query(sort="title", size=7, page=1, facets=False))
    second = corpus_backend.search(Query(sort="title", size=7, page=2, facets=False))
    both = corpus_backend.search(Query(sort="title", size=14, page=1, facets=False))
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]
    assert first.total == second.total == len(CORPUS)


def test_paging_is_bounded(corpus_backend: SearchBackend) -> None:
    huge = corpus_backend.search(Query(size=1_000_000, page=-1, facets=False))
    assert huge.page == 1 and huge.size == MAX_SIZE and len(huge.hits) == MAX_SIZE
    zero = corpus_backend.search(Query(size=0))
    assert zero.hits == [] and zero.total == len(CORPUS)
    with pytest.raises(QueryError):
        corpus_backend.search(Query(page=1_000_000, size=100))


# --------------------------------------------------------------------------- highlighting


def test_highlights_are_marked_and_escaped(backend: SearchBackend) -> None:
    backend.index(
        [
            _record(
                "x",
                title={"zh": "<script>alert(1)</script> 土壤 & 水", "en": "Soil <b>moisture</b>"},
                description={"en": "Measured soil moisture & temperature " + "filler " * 60},
            )
        ]
    )
    page = backend.search(Query(text="土壤 soil"))
    hl = page.hits[0].highlights
    titles = " ".join(hl["title"])
    assert "<mark>土壤</mark>" in titles
    assert "&lt;script&gt;" in titles and "<script>" not in titles
    assert "&amp;" in titles
    assert "<mark>Soil</mark>" in titles and "&lt;b&gt;" in titles
    assert any("<mark>soil</mark>" in f for f in hl["description"])
    plain = backend.search(Query(text="土壤", highlight=False))
    assert plain.hits[0].highlights == {}


def test_hit_document_is_the_neutral_document(corpus_backend: SearchBackend) -> None:
    hit = corpus_backend.search(Query(text="纳木错")).hits[0]
    assert hit.document == DOCS["tpdc-0003"]
    assert hit.document["summary"]["title"]["zh"] == "纳木错湖泊水位与面积变化"


# --------------------------------------------------------------------------- suggest


def test_suggest_zh_and_en_prefixes(corpus_backend: SearchBackend) -> None:
    zh = corpus_backend.suggest("青藏", size=5)
    assert zh and all("青藏" in s.text for s in zh)
    assert zh[0].text.startswith("青藏")
    en = corpus_backend.suggest("glac", size=5)
    assert en and all("glac" in s.text.casefold() for s in en)
    assert {"ncdc-0001", "ncdc-0002"} & {s.id for s in corpus_backend.suggest("glac", size=10)}
    words = corpus_backend.suggest("soil mois")
    assert [s.id for s in words] == ["tpdc-0001"]
    assert corpus_backend.suggest("") == []
    assert corpus_backend.suggest('"(*') == []
    assert len(corpus_backend.suggest("数", size=3)) <= 3


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    "spelling",
    [
        "CSTR:18406.11.Terre.tpdc.301311",
        "18406.11.Terre.tpdc.301311",
        "cstr:18406.11.terre.tpdc.301311",
        "https://cstr.cn/CSTR:18406.11.Terre.tpdc.301311",
        "10.11888/Terre.tpdc.301311",
        "doi:10.11888/terre.tpdc.301311",
    ],
)
def test_identifier_in_any_spelling_finds_its_record(
    corpus_backend: SearchBackend, spelling: str
) -> None:
    assert corpus_backend.search(Query(text=spelling)).hits[0].id == "tpdc-0001"


# --------------------------------------------------------------------------- rebuild


def test_rebuild_replaces_everything(backend: SearchBackend) -> None:
    backend.index([_record("old", title={"en": "stale record"})])
    assert backend.rebuild(CORPUS[:20]) == 20
    assert backend.count() == 20
    assert backend.search(Query(text="stale")).total == 0
    backend.index([_record("new", title={"en": "after rebuild"})])
    assert backend.count() == 21


def test_search_answers_throughout_a_rebuild(backend: SearchBackend) -> None:
    backend.index(CORPUS[:50])
    totals: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        while not done.is_set():
            try:
                totals.append(backend.search(Query(facets=False)).total)
            except BaseException as exc:
                errors.append(exc)
                return

    reader = threading.Thread(target=search)
    reader.start()
    try:
        for _ in range(3):
            backend.rebuild(CORPUS)
            backend.rebuild(CORPUS[:50])
    finally:
        done.set()
        reader.join()
    assert not errors
    assert set(totals) <= {50, len(CORPUS)} and totals


def test_concurrent_writes_from_threads_all_land(backend: SearchBackend) -> None:
    def write(part: int) -> None:
        backend.index(CORPUS[part::4])

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert backend.count() == len(CORPUS)


# --------------------------------------------------------------------------- hostile input

HOSTILE = [
    '"unbalanced quote',
    'soil "moisture',
    "AND OR (",
    "((((((",
    'title:"x" AND -y OR +z^3 ~2 [a TO b] {c}',
    "*",
    "?",
    "\\",
    "\x00\x01",
    "土壤" * 5_000,
    "glacier " * 1_300,
    " ",
    "<script>alert(1)</script>",
    "CSTR:",
    "10.",
    "😀 emoji",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_get_a_safe_result(corpus_backend: SearchBackend, text: str) -> None:
    page = corpus_backend.search(Query(text=text))
    assert page.total >= 0 and len(page.hits) <= 20
    corpus_backend.suggest(text)


def test_year_facet_and_dates(backend: SearchBackend) -> None:
    backend.index(
        [
            _record("a", title={"en": "a"}, issued=date(2020, 1, 1)),
            _record("b", title={"en": "b"}, modified=date(2021, 6, 1)),
            _record("c", title={"en": "c"}),
        ]
    )
    years = {v.value: v.count for v in backend.search(Query()).facets["year"]}
    assert years == {"2020": 1, "2021": 1}
    assert backend.search(Query(filters=Filters(year_from=2021))).total == 1
