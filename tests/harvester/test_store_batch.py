"""A page stored in bulk ends exactly as storing its items one by one would.

The harvester writes each page with :func:`upsert_records` (a few statements
per page); these cases pin down what the per-record upsert did: outcomes in
item order, an id listed twice in a page, a tombstoned record listed again,
findings replaced only for changed records, ``last_seen_at`` refreshed for
unchanged ones, ``first_seen_at`` kept on update.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from harvester.runs import harvest
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow
from harvester.store.records import Incoming, Outcome, tombstone, upsert_record, upsert_records
from harvester.store.sources import add_source
from mappings.findings import Finding, Level
from mappings.record import content_hash
from tests.harvester.oai_support import IDENTIFY, ReplayServer, oai_reply, record_xml
from tests.harvester.store_support import add_batch_source, batch_record
from tests.platform_support import register

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2025, 2, 1, tzinfo=UTC)


def _finding(rule: str) -> Finding:
    return Finding(rule=rule, level=Level.WARNING, message_zh="缺", message_en="missing")


def _item(n: int, title: str = "初版", rule: str = "old-rule") -> Incoming:
    return Incoming(batch_record(n, title), f"<r>{n}</r>", "oai_dc", [_finding(rule)], 50.0)


def _rows(db: Database) -> dict[int, RecordRow]:
    with db.session() as s:
        rows = s.scalars(select(RecordRow).where(RecordRow.source == "batch"))
        return {int(r.source_identifier.rsplit(":", 1)[1]): r for r in rows}


def _rules(db: Database) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    with db.session() as s:
        for ident, rule in s.execute(
            select(RecordRow.source_identifier, FindingRow.rule)
            .join(FindingRow, FindingRow.record_id == RecordRow.id)
            .order_by(FindingRow.rule)
        ):
            out.setdefault(int(ident.rsplit(":", 1)[1]), []).append(rule)
    return out


def test_a_page_in_bulk_equals_its_items_one_by_one(db: Database) -> None:
    with db.session() as s:
        add_batch_source(s)
    with db.session() as s:
        for n in (1, 2, 3):
            item = _item(n)
            upsert_record(
                s,
                item.record,
                raw=item.raw,
                raw_format=item.raw_format,
                findings=item.findings,
                quality_score=item.quality_score,
                now=T0,
            )
        tombstone(s, batch_record(3).id, now=T0)

    page = [
        _item(1),  # unchanged
        _item(2, "改版", "new-rule"),  # changed
        _item(3),  # tombstoned before, listed again
        _item(4),  # new
        _item(4, "再改", "new-rule"),  # new, then changed within the page
        _item(5),  # new
        _item(5),  # new, then listed again unchanged
    ]
    with db.session() as s:
        outcomes = upsert_records(s, page, now=T1)

    assert outcomes == [
        Outcome.UNCHANGED,
        Outcome.UPDATED,
        Outcome.UPDATED,
        Outcome.ADDED,
        Outcome.UPDATED,
        Outcome.ADDED,
        Outcome.UNCHANGED,
    ]
    assert all(i.record.content_hash == content_hash(i.record) for i in page)
    rows = _rows(db)
    assert sorted(rows) == [1, 2, 3, 4, 5]
    assert (rows[1].changed_at, rows[1].last_seen_at) == (T0, T1)
    assert (rows[2].first_seen_at, rows[2].changed_at) == (T0, T1)
    assert rows[2].data["title"] == {"zh": "改版 2"} and rows[2].raw == "<r>2</r>"
    assert not rows[3].deleted and rows[3].first_seen_at == T0
    assert rows[4].data["title"] == {"zh": "再改 4"} and rows[4].first_seen_at == T1
    assert rows[4].content_hash == content_hash(batch_record(4, "再改"))
    assert all(r.data["content_hash"] == r.content_hash for r in rows.values())
    assert _rules(db) == {
        1: ["old-rule"],  # unchanged: findings kept
        2: ["new-rule"],  # changed: replaced, the old one is gone
        3: ["old-rule"],  # the tombstone dropped them; listed again, it has them anew
        4: ["new-rule"],
        5: ["old-rule"],
    }


def test_an_empty_page_writes_nothing(db: Database) -> None:
    with db.session() as s:
        assert upsert_records(s, []) == []


@pytest.mark.integration
def test_a_deleted_header_between_listings_of_the_same_record(db: Database) -> None:
    """Listed, deleted and listed again in one page; another listed twice, changed."""
    deleted = (
        '<record><header status="deleted"><identifier>oai:ncdc.example:0001</identifier>'
        "<datestamp>2024-01-02T00:00:00Z</datestamp></header></record>"
    )
    changed = record_xml(2).replace("冰川观测数据集 2", "冰川观测数据集 2 修订")
    page = oai_reply(
        "<ListRecords>"
        + record_xml(1)
        + deleted
        + record_xml(1)
        + record_xml(2)
        + changed
        + "</ListRecords>"
    )
    with ReplayServer(lambda a: IDENTIFY if a.get("verb") == "Identify" else page) as server:
        with db.session() as s:
            register(s, "ncdc")
            add_source(
                s,
                "src",
                platform="ncdc",
                protocol="oai-pmh",
                url=server.url,
                config={"metadata_prefix": "oai_dc"},
            )
        report = harvest(db, "src")
    assert report.ok, report.error
    c = report.counts
    assert (c.added, c.updated, c.deleted, c.unchanged, c.failed) == (2, 2, 1, 0, 0)
    with db.session() as s:
        rows = {r.source_identifier: r for r in s.scalars(select(RecordRow))}
    assert not rows["oai:ncdc.example:0001"].deleted
    assert rows["oai:ncdc.example:0002"].data["title"]["zh"] == "冰川观测数据集 2 修订"
