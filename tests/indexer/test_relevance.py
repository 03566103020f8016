"""The relevance test set (tests/indexer/relevance.json) on every backend.

Each query names the records a searcher would expect among the first ten hits;
the set covers 2-, 3- and 4-character Chinese words, Chinese and English phrases,
English stemming, other languages, mixed queries, CSTRs in several spellings and DOIs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indexer.base import Query, SearchBackend

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "relevance.json").read_text(encoding="utf-8")
)["queries"]


def test_the_set_covers_what_the_issue_asks() -> None:
    kinds = {case["kind"] for case in CASES}
    assert len(CASES) >= 30
    assert {"zh-2", "zh-3", "zh-4", "zh-phrase", "en-word", "en-phrase", "mixed"} <= kinds
    assert {"cstr", "doi"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c["q"] for c in CASES])
def test_query_finds_its_records(corpus_backend: SearchBackend, case: dict[str, Any]) -> None:
    page = corpus_backend.search(Query(text=case["q"], size=10, facets=False))
    top = [hit.id for hit in page.hits]
    missing = [rid for rid in case["top10"] if rid not in top]
    assert not missing, f"{case['q']!r}: {missing} not in top 10 {top}"
    if "first" in case:
        assert top[0] == case["first"], f"{case['q']!r}: first hit {top[0]}, not {case['first']}"
    if case.get("absent"):
        every = corpus_backend.search(Query(text=case["q"], size=100, facets=False))
        wrong = {hit.id for hit in every.hits} & set(case["absent"])
        assert not wrong, f"{case['q']!r} matched {wrong}"
