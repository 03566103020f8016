"""Store -> index sync on SQLite and PostgreSQL: only what changed is re-indexed.

Records go into a real store (the ``db`` fixture) and a real embedded index;
updates, OAI deletions and withdrawals made in the store must show in search
after one sync, and a sync with nothing changed must touch nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester.store import Database
from harvester.store.records import tombstone, upsert_record
from harvester.store.sources import add_source
from indexer.base import Query, SearchBackend
from indexer.sync import load_cursor, rebuild, sync_changes
from indexer.tantivy_ import TantivyBackend
from mappings.record import Record
from sharenet.cli import main
from sharenet.context import index_cursor_path
from sharenet.pipeline import sync_index
from sharenet.settings import Settings
from tests.indexer.conftest import load_corpus
from tests.platform_support import register

RECORDS = load_corpus()[:40]


def _fill(db: Database, records: list[Record]) -> None:
    with db.session() as session:
        for source in sorted({r.source for r in records}):
            register(session, source)
            add_source(session, source, platform=source, protocol="oai-pmh", url="http://x")
        for record in records:
            upsert_record(session, record.model_copy(deep=True), raw="", raw_format="test")


@pytest.fixture
def index(tmp_path: Path) -> SearchBackend:
    return TantivyBackend(tmp_path / "index", heap_size=15_000_000, rebuild_heap_size=15_000_000)


def _ids(backend: SearchBackend, text: str) -> set[str]:
    return {h.id for h in backend.search(Query(text=text, size=100)).hits}


def test_sync_applies_only_changes(db: Database, index: SearchBackend, tmp_path: Path) -> None:
    cursor = tmp_path / "cursor.json"
    _fill(db, RECORDS)
    first = sync_changes(db, index, cursor)
    assert (first.indexed, first.deleted) == (len(RECORDS), 0)
    assert index.count() == len(RECORDS)
    assert load_cursor(cursor) == first.cursor

    again = sync_changes(db, index, cursor)
    assert (again.indexed, again.deleted) == (0, 0)

    lake = next(r for r in RECORDS if r.id == "tpdc-0003").model_copy(deep=True)
    lake.title = {"zh": "色林错湖冰物候", "en": "Lake ice phenology of Siling Co"}
    lake.description, lake.keywords = {}, {}
    with db.session() as session:
        upsert_record(session, lake, raw="", raw_format="test")
        tombstone(session, "ncdc-0001")
        tombstone(session, "tpdc-0002", withdrawn=True)
    changed = sync_changes(db, index, cursor)
    assert (changed.indexed, changed.deleted) == (1, 2)
    assert index.count() == len(RECORDS) - 2
    assert _ids(index, "色林错") == {"tpdc-0003"}
    assert _ids(index, "phenology") == {"tpdc-0003"}
    assert "tpdc-0003" not in _ids(index, "纳木错")
    assert "ncdc-0001" not in _ids(index, "冰川编目")
    assert "tpdc-0002" not in _ids(index, "permafrost")


def test_lost_index_is_refilled_despite_the_cursor(
    db: Database, index: SearchBackend, tmp_path: Path
) -> None:
    cursor = tmp_path / "cursor.json"
    _fill(db, RECORDS)
    sync_changes(db, index, cursor)
    fresh = TantivyBackend(tmp_path / "another-index", heap_size=15_000_000)
    assert sync_changes(db, fresh, cursor).indexed == len(RECORDS)


def test_rebuild_from_store_skips_tombstones_and_sets_the_cursor(
    db: Database, index: SearchBackend, tmp_path: Path
) -> None:
    cursor = tmp_path / "cursor.json"
    _fill(db, RECORDS)
    with db.session() as session:
        tombstone(session, RECORDS[0].id)
    assert rebuild(db, index, cursor) == len(RECORDS) - 1
    assert index.count() == len(RECORDS) - 1
    assert sync_changes(db, index, cursor).indexed == 0


def test_pipeline_sync_and_cli(db: Database, settings: Settings) -> None:
    _fill(db, RECORDS)
    report = sync_index(settings, db)
    assert report is not None and report.indexed == len(RECORDS)
    assert index_cursor_path(settings).exists()
    runner = CliRunner()
    args = ["--data-dir", str(settings.data_dir), "--database-url", db.url, "index"]
    result = runner.invoke(main, [*args, "rebuild"])
    assert result.exit_code == 0, result.output
    assert f"indexed {len(RECORDS)} records" in result.output
    status = runner.invoke(main, [*args, "status"])
    assert status.exit_code == 0, status.output
    assert f"documents:  {len(RECORDS)}" in status.output
    assert f"store live: {len(RECORDS)}" in status.output
