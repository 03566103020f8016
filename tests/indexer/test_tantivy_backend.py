"""What only the embedded engine has: generations on disk, swapped atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import tantivy_
from indexer.base import Filters, Query
from indexer.errors import MappingOutOfDate
from indexer.tantivy_ import LINK, MARKER, TantivyBackend
from mappings.record import Record
from tests.indexer.conftest import load_corpus

CORPUS = load_corpus()


def _backend(path: Path) -> TantivyBackend:
    return TantivyBackend(path, heap_size=15_000_000, rebuild_heap_size=15_000_000)


def test_another_instance_follows_a_rebuild(tmp_path: Path) -> None:
    writer, reader = _backend(tmp_path), _backend(tmp_path)
    writer.index(CORPUS[:10])
    assert reader.search(Query(facets=False)).total == 10
    writer.rebuild(CORPUS[:30])
    assert reader.search(Query(facets=False)).total == 30
    assert reader.count() == 30


def test_rebuilds_keep_only_the_live_and_the_previous_generation(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    for size in (5, 6, 7):
        backend.rebuild(CORPUS[:size])
    generations = sorted(p.name for p in tmp_path.glob("gen-*"))
    assert len(generations) == 2
    assert (tmp_path / LINK).resolve().name == generations[-1]
    assert backend.count() == 7


def test_an_index_from_an_older_release_asks_for_a_rebuild(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.index(CORPUS[:3])
    marker = (tmp_path / LINK).resolve() / MARKER
    marker.write_text(json.dumps({"schema_version": 0}), encoding="utf-8")
    stale = _backend(tmp_path)
    with pytest.raises(MappingOutOfDate, match="sharenet index rebuild"):
        stale.check()
    stale.rebuild(CORPUS[:3])
    stale.check()
    assert stale.search(Query(text="土壤", facets=False)).total >= 1


def test_a_failed_rebuild_leaves_the_live_index(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.index(CORPUS[:4])

    def broken():  # type: ignore[no-untyped-def]
        yield from CORPUS[:2]
        raise RuntimeError("store went away")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.count() == 4
    assert len(list(tmp_path.glob("gen-*"))) == 1


def _catalogue_counts(backend: TantivyBackend) -> tuple[int, dict[str, int]]:
    page = backend.search(Query(facet_size=1000))
    return page.total, {v.value: v.count for v in page.facets["platform"]}


def test_catalogue_facets_follow_commits_of_this_and_other_instances(tmp_path: Path) -> None:
    """The match-all facet counts are kept per commit: any commit, from anywhere, renews them."""
    reader, writer = _backend(tmp_path), _backend(tmp_path)
    reader.index(CORPUS[:10])
    total, platforms = _catalogue_counts(reader)
    assert total == 10 == sum(platforms.values())
    assert _catalogue_counts(reader) == (total, platforms)

    writer.index(CORPUS[10:25])
    total, platforms = _catalogue_counts(reader)
    assert total == 25 == sum(platforms.values())

    reader.delete([r.id for r in CORPUS[:5]])
    assert _catalogue_counts(reader)[0] == 20
    writer.delete([CORPUS[5].id])
    assert _catalogue_counts(reader)[0] == 19


def test_returned_catalogue_facets_are_the_callers_own(tmp_path: Path) -> None:
    backend = _backend(tmp_path)
    backend.index(CORPUS[:10])
    backend.search(Query()).facets["platform"].clear()
    assert backend.search(Query()).facets["platform"]


@pytest.mark.parametrize("word", ["高原冰", "青藏高原"])
def test_three_and_four_character_words_match_only_adjacent_characters(
    tmp_path: Path, word: str
) -> None:
    """Such words are looked up whole: the characters apart, or across a comma, do not match."""
    backend = _backend(tmp_path)
    near = [
        Record(
            id="near",
            source="s",
            source_identifier="near",
            platform="p",
            title={"zh": f"{word[:2]}，{word[2:]}地区"},
        ),
        Record(
            id="apart",
            source="s",
            source_identifier="apart",
            platform="p",
            title={"zh": f"{word[:2]}的{word[2:]}"},
        ),
        Record(
            id="hit",
            source="s",
            source_identifier="hit",
            platform="p",
            title={"zh": f"关于{word}的数据"},
        ),
    ]
    backend.index(near)
    page = backend.search(Query(text=word))
    assert [h.id for h in page.hits] == ["hit"]
    assert page.total == 1


def test_a_missing_value_neither_shows_nor_takes_a_facet_place(tmp_path: Path) -> None:
    """Records without a licence hold "" in the licence column (most of the corpus)."""
    backend = _backend(tmp_path)
    backend.index(CORPUS)
    licences = backend.search(Query(facet_size=2)).facets["license"]
    assert len(licences) == 2
    assert all(v.value for v in licences)


def test_languages_counted_by_language_when_their_sets_are_too_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _backend(tmp_path)
    backend.index(CORPUS)
    every_access = Filters(access=["open", "conditional", "restricted"])  # not the cached query
    query = Query(filters=every_access, facet_size=1000)
    by_sets = backend.search(query).facets["lang"]
    monkeypatch.setattr(tantivy_, "MAX_LANG_SETS", 1)
    assert backend.search(query).facets["lang"] == by_sets
    assert {v.value for v in by_sets} >= {"en", "zh", "fr"}
