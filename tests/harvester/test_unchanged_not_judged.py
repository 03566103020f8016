"""A re-harvest judges only what changed, and stores exactly what judging everything stored.

The store writes a record it holds with the same content hash as unchanged,
whatever its findings, so a harvest asks the store first
(:meth:`PageWriter.unchanged`) and judges the rest. The answer must never be
wrong: an id a page in flight may still change, or one listed twice in a
page, is judged; and a row sent unjudged that turns out changed is refused
rather than stored without its findings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select

import harvester.runs
from harvester.errors import StoreError
from harvester.page_writer import PageWriter, WriterPlace
from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow, RunErrorRow, RunRow, SourceRow
from harvester.store.records import (
    Incoming,
    dump_record,
    tombstone,
    unchanged_row,
    upsert_records,
    write_rows,
)
from harvester.store.run_models import RunOwnerRow
from harvester.store.sources import add_source
from mappings.findings import Finding, Level
from mappings.record import Record
from sharenet.demo.oai_server import write_items
from tests.harvester.oai_support import OaiServerProcess, dc_item
from tests.harvester.store_support import add_batch_source, batch_record
from tests.platform_support import register

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _hash(record: Record) -> str:
    dump_record(record, T0)
    assert record.content_hash is not None
    return record.content_hash


def _stored(db: Database, *numbers: int) -> None:
    finding = Finding(rule="r", level=Level.WARNING, message_zh="缺", message_en="missing")
    with db.session() as session:
        add_batch_source(session)
    with db.session() as session:
        upsert_records(
            session, [Incoming(batch_record(n), "", "oai_dc", [finding]) for n in numbers]
        )


def test_only_records_stored_live_with_the_same_hash_are_known_unchanged(db: Database) -> None:
    _stored(db, 1, 2, 3, 4, 5)
    with db.session() as session:
        tombstone(session, batch_record(3).id)
    writer = PageWriter(db, "inline")
    in_flight = batch_record(5)
    writer._changing.append({in_flight.id})  # a page submitted, not yet returned
    asked = [
        (batch_record(1).id, _hash(batch_record(1))),  # same content: unchanged
        (batch_record(2).id, _hash(batch_record(2, "改版"))),  # edited
        (batch_record(3).id, _hash(batch_record(3))),  # tombstoned: listed again, it comes back
        (batch_record(4).id, _hash(batch_record(4))),  # listed twice in the page
        (batch_record(4).id, _hash(batch_record(4))),
        (in_flight.id, _hash(batch_record(5))),  # a page in flight may still change it
        (batch_record(6).id, _hash(batch_record(6))),  # never stored
    ]
    assert writer.unchanged(asked) == {batch_record(1).id}
    writer._changing.clear()
    assert writer.unchanged(asked[-2:]) == {in_flight.id}  # its page written, it is known


def test_a_row_sent_unjudged_that_changed_is_refused_and_nothing_stored(db: Database) -> None:
    _stored(db, 1, 2)
    same, edited = batch_record(1), batch_record(2, "改版")
    dump_record(same, T0)
    dump_record(edited, T0)
    rows = [unchanged_row(same), unchanged_row(edited)]
    refused = pytest.raises(StoreError, match="changed in the store while its page")
    with refused, db.session() as session:
        write_rows(session, rows, T0)
    with db.session() as session:
        stored = session.get(RecordRow, edited.id)
        assert stored is not None and stored.data["title"] == {"zh": "初版 2"}
        assert session.scalar(select(func.count()).select_from(FindingRow)) == 2


@pytest.mark.integration
@pytest.mark.parametrize("place", ["inline", "process"])
def test_a_re_harvest_judges_only_what_changed_and_stores_the_same(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, place: WriterPlace
) -> None:
    first = [dc_item(n, f"2024-05-{n % 28 + 1:02d}T00:00:00Z") for n in range(30)]
    first[9]["deleted"] = True
    second = list(first)
    second[3] = dc_item(3, "2024-06-01T00:00:00Z", title="冰川观测数据集 第三版")
    second[9] = dc_item(9, "2024-06-01T00:00:00Z")  # deleted, then listed again
    second[12] = dc_item(12, "2024-06-01T00:00:00Z", deleted=True)
    judged_ids: list[str] = []
    judge = harvester.runs.judged

    def counting(record: Record, *args: Any) -> Incoming:
        judged_ids.append(record.source_identifier)
        return judge(record, *args)

    monkeypatch.setattr(harvester.runs, "judged", counting)
    with db.session() as session:
        register(session, "ncdc")
        config = {"metadata_prefix": "oai_dc"}
        url = "http://127.0.0.1:9/"  # each run below points it at its own server
        add_source(session, "s", platform="ncdc", protocol="oai-pmh", url=url, config=config)
    stores = {}
    for asking in (True, False):
        if not asking:  # what every harvest did before: judge every record listed
            monkeypatch.setattr(PageWriter, "unchanged", lambda self, records: set())
        for n, listing in enumerate((first, second)):
            items = tmp_path / f"items-{n}.jsonl"
            write_items(items, listing)
            with OaiServerProcess(items, batch_size=4) as server:
                with db.session() as session:
                    source = session.get(SourceRow, "s")
                    assert source is not None
                    source.url = server.url
                judged_ids.clear()
                options = RunOptions(writer=place, writer_after=0)
                report = harvest(db, "s", full=True, options=options)
                assert report.ok, report.error
        assert len(judged_ids) == (2 if asking else 29)
        if asking:
            assert sorted(judged_ids) == ["oai:ncdc.example:0003", "oai:ncdc.example:0009"]
        stores[asking] = _store(db)
    assert stores[True] == stores[False]
    assert stores[True]["runs"][1] == (8, 0, 2, 27, 1)


def _store(db: Database) -> dict[str, Any]:
    """The records, findings and run counts less the clocks, then the store emptied of them."""
    with db.session() as session:
        records = {
            r.id: (r.deleted, r.quality_score, r.judged_with, r.recheck_on, r.content_hash)
            for r in session.scalars(select(RecordRow))
        }
        findings = sorted(
            (f.record_id, f.rule, f.level, f.detail, tuple(f.fields))
            for f in session.scalars(select(FindingRow))
        )
        runs = [
            (r.pages, r.added, r.updated, r.unchanged, r.deleted)
            for r in session.scalars(select(RunRow).order_by(RunRow.id))
        ]
        for table in (FindingRow, RunErrorRow, RunOwnerRow, RecordRow, RunRow):
            session.execute(delete(table))
    return {"records": records, "findings": findings, "runs": runs}
