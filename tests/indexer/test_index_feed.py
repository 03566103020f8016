"""The index feed of a harvest whose pages a child process writes (``harvest_writer = "process"``).

A real multi-page listing from the pyoai server into a real store and the
embedded index: the feed's twin in the page writer indexes the pages there,
hands back what it indexed, and the sync after the run reads none of it back
from the store. When the twin cannot open the engine, the harvest's own
process indexes the pages instead; either way search finds every live record.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import indexer.sync
from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.sources import add_source
from indexer.base import Query, SearchBackend
from indexer.errors import SearchError
from indexer.sync import IndexFeed
from indexer.tantivy_ import TantivyBackend
from mappings.record import Record
from sharenet.context import index_cursor_path, open_backend
from sharenet.demo.oai_server import write_items
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings
from tests.harvester.oai_support import OaiServerProcess, dc_item
from tests.platform_support import register

pytestmark = pytest.mark.integration

LIVE = 38


@pytest.fixture
def listing(db: Database, tmp_path: Path) -> Iterator[None]:
    """40 items on 8 pages of 5, two of them deleted headers, served while the test runs."""
    items = [dc_item(n, f"2024-06-{n % 28 + 1:02d}T00:00:00Z") for n in range(40)]
    items[7]["deleted"] = items[30]["deleted"] = True
    write_items(tmp_path / "items.jsonl", items)
    with OaiServerProcess(tmp_path / "items.jsonl", batch_size=5) as server:
        with db.session() as session:
            register(session, "ncdc")
            config = {"metadata_prefix": "oai_dc"}
            add_source(
                session, "s", platform="ncdc", protocol="oai-pmh", url=server.url, config=config
            )
        yield


@dataclass
class Counted:
    """What the harvest's own process did; the twin's work is in the child."""

    read_back: int = 0
    """Store rows the syncs read back."""
    indexed_here: int = 0
    """Records indexed."""


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    seen = Counted()
    changes, index = indexer.sync.changes, TantivyBackend.index

    def reading(*args: object, **kwargs: object) -> Iterator[list[indexer.sync.Change]]:
        for batch in changes(*args, **kwargs):  # type: ignore[arg-type]
            seen.read_back += len(batch)
            yield batch

    def indexing(self: TantivyBackend, records: Iterable[Record]) -> int:
        records = list(records)
        seen.indexed_here += len(records)
        return index(self, records)

    monkeypatch.setattr(indexer.sync, "changes", reading)
    monkeypatch.setattr(TantivyBackend, "index", indexing)
    return seen


def _live(backend: SearchBackend) -> int:
    return backend.search(Query(text="", size=0)).total


def test_the_twin_indexes_the_pages_the_child_writes(
    settings: Settings, listing: None, counted: Counted
) -> None:
    assert settings.harvest_writer == "process"
    settings = settings.model_copy(update={"harvest_writer_after": 0})  # a child for 8 pages
    report = run_harvest(settings, "s", full=True)
    assert report.ok, report.error
    assert report.pages == 8 and report.counts.added == LIVE
    assert report.stages["index"] > 0  # the twin's CPU is reported
    assert counted.read_back == 0  # the twin's span was handed back: nothing read again
    assert counted.indexed_here == 5  # the first page, written here; the twin did the rest
    backend = open_backend(settings)
    try:
        assert _live(backend) == LIVE
    finally:
        backend.close()


def _unreachable() -> SearchBackend:
    raise SearchError("the engine is not reachable from here")


def test_without_a_twin_the_harvest_indexes_the_pages_itself(
    db: Database, settings: Settings, listing: None, counted: Counted
) -> None:
    backend = open_backend(settings)
    try:
        feed = IndexFeed.open(backend, index_cursor_path(settings), functools.partial(_unreachable))
        options = RunOptions(writer="process", writer_after=0)
        report = harvest(db, "s", full=True, options=options, listener=feed)
        feed.finish(db)
        assert report.ok, report.error
        assert report.pages == 8 and report.counts.added == LIVE
        assert counted.read_back == 0  # fed in this process, page by page
        assert counted.indexed_here == LIVE
        assert _live(backend) == LIVE
    finally:
        backend.close()
