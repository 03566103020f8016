"""What only the embedded engine has: generations on disk, swapped atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.base import Query
from indexer.errors import MappingOutOfDate
from indexer.tantivy_ import LINK, MARKER, TantivyBackend
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
