"""A re-harvest maps and judges only what changed, and stores exactly what doing it all stored.

The store writes a record it holds with the same content hash as unchanged,
whatever its findings, so a harvest asks the store first what it holds of a
page (:meth:`PageWriter.held`): an item listed with the raw payload, format and
platform its record was stored with, by this release, is not mapped; a record
with the same content is not judged. The answer must never be wrong: an id a
page in flight may still change, or one listed twice in a page, is mapped and
judged; a record mapped by another release is mapped again; and a row sent
unjudged that turns out changed is refused rather than stored without its
findings.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

import harvester.runs
from harvester.errors import StoreError
from harvester.page_writer import PageWriter, WriterPlace
from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow, RunErrorRow, RunRow, SourceRow
from harvester.store.records import (
    Incoming,
    dump_record,
    judged,
    tombstone,
    unchanged_row,
    upsert_records,
    write_rows,
)
from harvester.store.run_models import RunOwnerRow
from harvester.store.sources import add_source
from mappings import formats
from mappings.findings import Finding, Level
from mappings.formats import mapping_release
from mappings.record import Record, SourcePayload
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


def test_held_names_only_stored_records_no_page_in_flight_may_change(db: Database) -> None:
    _stored(db, 1, 2, 3, 4, 5)
    with db.session() as session:
        tombstone(session, batch_record(3).id)
    writer = PageWriter(db, "inline")
    in_flight = batch_record(5).id
    writer._changing.append({in_flight})  # a page submitted, not yet returned
    twice = batch_record(4).id
    ids = [batch_record(n).id for n in (1, 2, 3)] + [twice, twice, in_flight, batch_record(6).id]
    held = writer.held(ids)
    assert sorted(held) == sorted(batch_record(n).id for n in (1, 2, 3))  # 6: never stored
    assert held[batch_record(1).id].same_content(_hash(batch_record(1)))
    assert not held[batch_record(2).id].same_content(_hash(batch_record(2, "改版")))  # edited
    assert not held[batch_record(3).id].same_content(_hash(batch_record(3)))  # tombstoned
    writer._changing.clear()
    assert sorted(writer.held(ids[-2:])) == [in_flight]  # its page written, it is known


def test_an_item_maps_alike_only_as_stored_by_this_release(db: Database) -> None:
    """Same raw payload, format and platform, live, mapped by this release: nothing else."""
    record = batch_record(1)
    with db.session() as session:
        add_batch_source(session)
    with db.session() as session:
        upsert_records(session, [Incoming(record, "<record>1</record>", "oai_dc")])
    held = PageWriter(db, "inline").held([record.id])[record.id]
    assert held.mapped_by == mapping_release()

    def payload(raw: str = "<record>1</record>", fmt: str = "oai_dc") -> SourcePayload:
        return SourcePayload(source_identifier=record.source_identifier, format=fmt, raw=raw)

    assert held.maps_alike(payload(), "demo")
    assert not held.maps_alike(payload(raw="<record>1 </record>"), "demo")
    assert not held.maps_alike(payload(fmt="oai_datacite"), "demo")
    assert not held.maps_alike(payload(), "ncdc")  # the source moved to another platform
    assert not held._replace(mapped_by=None).maps_alike(payload(), "demo")  # an older release
    assert not held._replace(mapped_by="0.0.1").maps_alike(payload(), "demo")
    assert not held._replace(deleted=True).maps_alike(payload(), "demo")


def test_a_row_sent_unjudged_that_changed_is_refused_and_nothing_stored(db: Database) -> None:
    _stored(db, 1, 2)
    same, edited = batch_record(1), batch_record(2, "改版")
    dump_record(same, T0)
    dump_record(edited, T0)
    rows = [unchanged_row(r.id, r.content_hash or "") for r in (same, edited)]
    refused = pytest.raises(StoreError, match="changed in the store while its page")
    with refused, db.session() as session:
        write_rows(session, rows, T0)
    with db.session() as session:
        stored = session.get(RecordRow, edited.id)
        assert stored is not None and stored.data["title"] == {"zh": "初版 2"}
        assert session.scalar(select(func.count()).select_from(FindingRow)) == 2


@pytest.mark.integration
@pytest.mark.parametrize("place", ["inline", "process"])
@pytest.mark.parametrize("release", ["this", "older"])
def test_a_re_harvest_maps_and_judges_only_what_changed_and_stores_the_same(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, place: WriterPlace, release: str
) -> None:
    """The second, full run lists 30 items: one edited, one deleted, one listed again
    after its deletion, 27 as they were. With ``release="older"`` the store's records
    were mapped by another release before it: every listed item is mapped again."""
    first = [dc_item(n, f"2024-05-{n % 28 + 1:02d}T00:00:00Z") for n in range(30)]
    first[9]["deleted"] = True
    second = list(first)
    second[3] = dc_item(3, "2024-06-01T00:00:00Z", title="冰川观测数据集 第三版")
    second[9] = dc_item(9, "2024-06-01T00:00:00Z")  # deleted, then listed again
    second[12] = dc_item(12, "2024-06-01T00:00:00Z", deleted=True)
    mapped_ids: list[str] = []
    judged_ids: list[str] = []

    def mapping(payload: SourcePayload, *args: Any) -> Record:
        mapped_ids.append(payload.source_identifier)
        return formats.map_payload(payload, *args)

    def judging(record: Record, *args: Any) -> Incoming:
        judged_ids.append(record.source_identifier)
        return judged(record, *args)

    monkeypatch.setattr(harvester.runs, "map_payload", mapping)
    monkeypatch.setattr(harvester.runs, "judged", judging)
    with db.session() as session:
        register(session, "ncdc")
        config = {"metadata_prefix": "oai_dc"}
        url = "http://127.0.0.1:9/"  # each run below points it at its own server
        add_source(session, "s", platform="ncdc", protocol="oai-pmh", url=url, config=config)
    stores = {}
    for asking in (True, False):
        if not asking:  # what every harvest did before: map and judge every item listed
            monkeypatch.setattr(PageWriter, "held", lambda self, ids: {})
        for n, listing in enumerate((first, second)):
            if n == 1 and release == "older":
                with db.session() as session:
                    session.execute(update(RecordRow).values(mapped_by="0.0.1"))
            items = tmp_path / f"items-{n}.jsonl"
            write_items(items, listing)
            with OaiServerProcess(items, batch_size=4) as server:
                with db.session() as session:
                    source = session.get(SourceRow, "s")
                    assert source is not None
                    source.url = server.url
                mapped_ids.clear()
                judged_ids.clear()
                options = RunOptions(writer=place, writer_after=0)
                report = harvest(db, "s", full=True, options=options)
                assert report.ok, report.error
        changed = ["oai:ncdc.example:0003", "oai:ncdc.example:0009"]
        if asking:
            assert sorted(judged_ids) == changed
            if release == "this":
                assert sorted(mapped_ids) == changed
            else:
                assert len(mapped_ids) == 29
        else:
            assert (len(mapped_ids), len(judged_ids)) == (29, 29)
        stores[asking] = _store(db)
    assert stores[True] == stores[False]
    assert stores[True]["runs"][1] == (8, 0, 2, 27, 1)
    live = [stamp for deleted, *_rest, stamp in stores[True]["records"].values() if not deleted]
    assert set(live) == {mapping_release()}  # the older release's records stamped anew


def _store(db: Database) -> dict[str, Any]:
    """The records, findings and run counts less the clocks, then the store emptied of them."""
    with db.session() as session:
        records = {
            r.id: (
                r.deleted,
                r.quality_score,
                r.judged_with,
                r.recheck_on,
                r.content_hash,
                {k: v for k, v in r.data.items() if k != "harvested_at"},
                r.raw,
                r.mapped_by,
            )
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
