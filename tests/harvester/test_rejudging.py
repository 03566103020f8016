"""Re-judging reads only the records whose judgement may have changed, and misses none.

``reevaluate`` passes over a record judged with the same rules, release, agency
codes and freshness window whose ``recheck_on`` day has not come. Each step below
changes one input (the day, the rules, the agency codes, the freshness window, a
record's life) and compares the store with judging every live record from
scratch: the findings and scores must be exactly those, while the records read
are only the ones due.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from harvester.compliance import PLATFORM_RULES, reevaluate
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow
from harvester.store.platforms import update_platform
from harvester.store.records import judged, tombstone, upsert_record, upsert_records
from harvester.store.sources import agency_codes
from mappings.findings import Level
from mappings.record import Record
from mappings.rules import RuleContext, RuleSet, default_rules, evaluate
from tests.harvester.compliance_support import TODAY, add_platform, make_record

CODES = ("31253",)


def _records() -> list[Record]:
    """Forty records going stale on different days, one never dated, one foreign agency."""
    out = [
        make_record("p1", f"r{i:02}", modified=TODAY - timedelta(days=300 + 5 * i))
        for i in range(40)
    ]
    out.append(make_record("p1", "undated", modified=None))
    out.append(make_record("p1", "foreign", cstr="CSTR:99999.11.p1.foreign"))
    return out


def _seed(db: Database) -> list[Record]:
    records = _records()
    context = RuleContext(agency_codes=CODES, today=TODAY)
    with db.session() as s:
        add_platform(s, "p1", CODES)
        upsert_records(s, [judged(r, "", "test", context) for r in records[:-5]])
        for record in records[-5:]:  # stored without a judgement key, as older releases did
            found = evaluate(record, context)
            upsert_record(
                s, record, raw="", raw_format="test", findings=found.findings,
                quality_score=found.score,
            )  # fmt: skip
    return records


def _judgement(score: float | None, findings: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    return (score, sorted(findings, key=repr))


def _stored(db: Database) -> dict[str, tuple[Any, ...]]:
    """Each live record's score and record-scope findings, as the store holds them."""
    with db.session() as s:
        found: dict[str, list[tuple[Any, ...]]] = {}
        for rid, *values in s.execute(
            select(
                FindingRow.record_id,
                FindingRow.rule,
                FindingRow.level,
                FindingRow.message_en,
                FindingRow.detail,
            ).where(FindingRow.rule.not_in(PLATFORM_RULES))
        ):
            found.setdefault(rid, []).append(tuple(values))
        rows = s.execute(
            select(RecordRow.id, RecordRow.quality_score).where(RecordRow.deleted.is_(False))
        )
        return {rid: _judgement(score, found.get(rid, [])) for rid, score in rows}


def _from_scratch(db: Database, context: RuleContext) -> dict[str, tuple[Any, ...]]:
    """Each live record judged anew: what the store must hold after re-judging."""
    with db.session() as s:
        rows = s.execute(select(RecordRow.data).where(RecordRow.deleted.is_(False))).scalars()
        out = {}
        for data in rows:
            record = Record.model_validate(data)
            found = evaluate(record, context)
            findings = [(f.rule, f.level.value, f.message_en, f.detail) for f in found.findings]
            out[record.id] = _judgement(found.score, findings)
        return out


def _rejudge(db: Database, day: date, **context: Any) -> int:
    """Re-judge as of ``day``, check the store against judging from scratch; records read."""
    rules = context.get("rules")
    days = context.get("freshness_days", 365)
    with db.session() as s:
        result = reevaluate(s, "p1", today=day, rules=rules, freshness_days=days)
        codes = agency_codes(s, "p1")
    assert result.evaluated == result.due
    scratch = RuleContext(agency_codes=codes, freshness_days=days, today=day, rules=rules)
    assert _stored(db) == _from_scratch(db, scratch)
    return result.evaluated


def test_rejudging_reads_only_what_is_due_and_equals_judging_everything(db: Database) -> None:
    records = _seed(db)
    assert _rejudge(db, TODAY) == 5  # only the records stored without a key
    assert _rejudge(db, TODAY) == 0  # nothing due: nothing read

    def going_stale(before: date, on: date) -> int:
        ages = [(before - r.modified).days for r in records if r.modified]
        return sum(1 for age in ages if age <= 365 < age + (on - before).days)

    # A day later: only the record going stale; the stale ones' findings still hold.
    assert going_stale(TODAY, TODAY + timedelta(days=1)) == 1
    assert _rejudge(db, TODAY + timedelta(days=1)) == 1
    assert _rejudge(db, TODAY + timedelta(days=1)) == 0
    # Seventy days on, every dated record is stale: the 13 fresh a day after TODAY are due.
    day = TODAY + timedelta(days=70)
    assert going_stale(TODAY + timedelta(days=1), day) == 13
    assert _rejudge(db, day) == 13

    shipped = default_rules()
    stricter = RuleSet(
        rules={
            **shipped.rules,
            "title-en": dataclasses.replace(shipped["title-en"], level=Level.ERROR),
            "modified-fresh": dataclasses.replace(shipped["modified-fresh"], message_en="Old."),
        },
        weights=shipped.weights,
    )
    assert _rejudge(db, day, rules=stricter) == len(records)  # other rules: every record
    assert _rejudge(db, day, rules=stricter) == 0

    with db.session() as s:  # the platform registers the foreign agency code too
        update_platform(s, "p1", agency_codes=["31253", "99999"])
    assert _rejudge(db, day, rules=stricter) == len(records)
    assert _rejudge(db, day, freshness_days=30, rules=stricter) == len(records)

    with db.session() as s:  # a record withdrawn, then served again unchanged
        tombstone(s, records[0].id, withdrawn=True)
    assert _rejudge(db, day, freshness_days=30, rules=stricter) == 0
    context = RuleContext(agency_codes=CODES, today=TODAY)
    with db.session() as s:
        upsert_records(s, [judged(records[0].model_copy(), "", "test", context)])
    assert _rejudge(db, day, freshness_days=30, rules=stricter) == 1


def test_everything_reads_every_live_record_and_writes_nothing_new(db: Database) -> None:
    records = _seed(db)
    _rejudge(db, TODAY)
    with db.session() as s:
        result = reevaluate(s, "p1", today=TODAY, everything=True)
    assert (result.due, result.evaluated, result.changed) == (len(records),) * 2 + (0,)


def test_a_record_is_due_on_its_recheck_day_not_before(db: Database) -> None:
    _seed(db)
    _rejudge(db, TODAY)
    with db.session() as s:
        query = select(RecordRow.source_identifier, RecordRow.recheck_on)
        due = {ident: day for ident, day in s.execute(query)}
    # r00 was modified 300 days before TODAY: fresh for 65 more days, stale on the 66th.
    assert due["r00"] == TODAY + timedelta(days=66)
    assert due["r12"] == TODAY + timedelta(days=6)
    assert due["r39"] is None  # stale: "over 365 days ago" whatever the day
    assert due["undated"] is None  # "no modification date" whatever the day
    assert _rejudge(db, TODAY + timedelta(days=5)) == 1  # r13, stale since day 1
    assert _rejudge(db, TODAY + timedelta(days=6)) == 1  # r12
    assert _rejudge(db, TODAY + timedelta(days=65)) == 11  # r01 to r11; r00 is still fresh
    assert _rejudge(db, TODAY + timedelta(days=66)) == 1


def test_a_stale_detail_left_by_an_older_release_is_brought_up_to_date(db: Database) -> None:
    """Releases before the window wording named the age and asked for the record the next
    day: that day its detail is rewritten in place, and the record is not due again."""
    _seed(db)
    _rejudge(db, TODAY)
    with db.session() as s:  # r39 as an older release left it
        rid = s.scalars(select(RecordRow.id).where(RecordRow.source_identifier == "r39")).one()
        finding = s.scalars(
            select(FindingRow).where(
                FindingRow.record_id == rid, FindingRow.rule == "modified-fresh"
            )
        ).one()
        finding.detail = finding.detail.replace("over 365 days ago", "495 days ago")
        assert finding.detail.endswith(", 495 days ago")
        s.get_one(RecordRow, rid).recheck_on = TODAY + timedelta(days=1)
    assert _rejudge(db, TODAY + timedelta(days=1)) == 1 + 1  # r39, and r13 going stale
    with db.session() as s:
        assert s.get_one(RecordRow, rid).recheck_on is None
    assert _rejudge(db, TODAY + timedelta(days=2)) == 0
