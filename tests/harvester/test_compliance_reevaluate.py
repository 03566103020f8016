"""Re-evaluation: stored records judged again by today's date and the current rules."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from harvester.compliance import DUPLICATE, reevaluate, refresh_platform
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow
from harvester.store.records import Outcome, tombstone, upsert_record
from mappings.findings import Level
from mappings.record import Record
from mappings.rules import RuleContext, RuleSet, default_rules, evaluate
from sharenet.cli import main
from tests.harvester.compliance_support import TODAY, add_platform, make_record, store

LATER = date(2027, 6, 1)
"""Seventeen months after TODAY: a record modified 2026-01-01 has gone stale."""


def _rules(db: Database, record_id: str) -> dict[str, str]:
    with db.session() as s:
        query = select(FindingRow.rule, FindingRow.level).where(FindingRow.record_id == record_id)
        return {rule: level for rule, level in s.execute(query)}


def _score(db: Database, record_id: str) -> float | None:
    with db.session() as s:
        return s.scalar(select(RecordRow.quality_score).where(RecordRow.id == record_id))


def _seed(db: Database) -> list[Record]:
    records = [make_record("p1", str(i)) for i in range(5)]
    original = records[0]
    records.append(  # a duplicate-record finding (platform scope) on it and on records[0]
        make_record("p1", "copy", title=original.title, description=original.description)
    )
    with db.session() as s:
        add_platform(s, "p1", ("31253",))
        add_platform(s, "p2", ("31253",))
        for record in records:
            store(s, record)
        store(s, make_record("p2", "other"))
        refresh_platform(s, "p1")
    return records


def test_a_record_gone_stale_without_changing_gets_its_finding(db: Database) -> None:
    records = _seed(db)
    first = records[1]
    assert "modified-fresh" not in _rules(db, first.id)
    before = _score(db, first.id)
    # The source serves the same record again: unchanged, so the harvest judges nothing.
    with db.session() as s:
        late = evaluate(first, RuleContext(agency_codes=("31253",), today=LATER))
        outcome = upsert_record(
            s, first.model_copy(), raw="", raw_format="test", findings=late.findings
        )
    assert outcome is Outcome.UNCHANGED
    assert "modified-fresh" not in _rules(db, first.id)

    with db.session() as s:
        result = reevaluate(s, "p1", today=LATER, batch_size=2)  # 6 records: 3 batches
    assert result.platforms == ["p1"]
    assert (result.evaluated, result.changed, result.skipped) == (6, 6, 0)
    assert _rules(db, first.id) == {"modified-fresh": "warning"}
    score = _score(db, first.id)
    assert score is not None and before is not None and score < before
    # Platform-scope findings survive (recomputed, not dropped) …
    assert DUPLICATE in _rules(db, records[0].id) and DUPLICATE in _rules(db, records[-1].id)
    # … and another platform is untouched.
    other = make_record("p2", "other").id
    assert "modified-fresh" not in _rules(db, other)

    with db.session() as s:  # nothing left to change: nothing read again, nothing written
        again = reevaluate(s, "p1", today=LATER)
        every = reevaluate(s, "p1", today=LATER, everything=True)
    assert (again.evaluated, again.changed) == (0, 0)
    assert (every.evaluated, every.changed) == (6, 0)


def test_unchanged_findings_are_not_rewritten(db: Database) -> None:
    records = _seed(db)
    with db.session() as s:
        ids_before = set(s.scalars(select(FindingRow.id).where(FindingRow.rule != DUPLICATE)))
        result = reevaluate(s, today=TODAY)
    assert result.platforms == ["p1", "p2"]
    assert (result.evaluated, result.changed) == (7, 0)
    with db.session() as s:
        ids_after = set(s.scalars(select(FindingRow.id).where(FindingRow.rule != DUPLICATE)))
    assert ids_after == ids_before
    assert all(_score(db, r.id) is not None for r in records)


def test_an_edited_rule_reaches_stored_findings_and_deleted_records_are_left(
    db: Database,
) -> None:
    records = _seed(db)
    bare = make_record("p1", "no-en", title={"zh": "只有中文标题"})
    with db.session() as s:
        store(s, bare)
        tombstone(s, records[2].id)
    assert _rules(db, bare.id) == {"title-en": "info"}
    shipped = default_rules()
    stricter = RuleSet(
        rules={
            **shipped.rules,
            "title-en": dataclasses.replace(shipped["title-en"], level=Level.ERROR),
        },
        weights=shipped.weights,
    )
    with db.session() as s:
        result = reevaluate(s, "p1", today=TODAY, rules=stricter)
    assert result.evaluated == 6  # five live seeds (one deleted) and the new record
    assert result.changed == 1
    assert _rules(db, bare.id)["title-en"] == "error"
    assert _rules(db, records[2].id) == {}


def test_cli(db: Database, tmp_path: Path) -> None:
    _seed(db)
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path), "--database-url", db.url]
    out = runner.invoke(main, [*base, "rules", "reevaluate", "p1"])
    assert out.exit_code == 0, out.output
    assert "re-evaluated 6 records of 1 platform(s)" in out.output
    out = runner.invoke(main, [*base, "rules", "reevaluate"])  # p1's judgements are current
    assert out.exit_code == 0 and "re-evaluated 1 records of 2 platform(s)" in out.output
    out = runner.invoke(main, [*base, "rules", "reevaluate", "--all"])
    assert out.exit_code == 0 and "re-evaluated 7 records of 2 platform(s)" in out.output
    out = runner.invoke(main, [*base, "rules", "reevaluate", "nope"])
    assert out.exit_code == 1 and "unknown platform 'nope'" in out.output
