"""Platform-scope rules (shared CSTR, duplicates, unreachable landing page) and summaries."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.compliance import (
    PLATFORM_RULES,
    compliance_summary,
    findings_page,
    records_page,
    refresh_platform,
)
from harvester.store import Database
from harvester.store.linkcheck_models import LinkCheckRow
from harvester.store.models import FindingRow
from harvester.store.records import tombstone
from mappings.rules import Scope, default_rules
from mappings.text import normalise_text
from tests.harvester.compliance_support import add_platform, make_record, store


def rows_ids(session: Session, rule: str, platform: str) -> list[str]:
    return list(
        session.scalars(
            select(FindingRow.record_id).where(
                FindingRow.rule == rule, FindingRow.platform == platform
            )
        )
    )


def test_platform_rules_in_file_are_the_computed_ones() -> None:
    assert {r.id for r in default_rules().of_scope(Scope.PLATFORM)} == set(PLATFORM_RULES)


def test_normalised_text_ignores_case_width_spacing_punctuation() -> None:
    assert normalise_text("Soil  Data，青藏-高原!") == normalise_text("soil data 青藏高原")
    assert normalise_text("ＳＯＩＬ") == "soil"


def test_cstr_shared_with_another_record_anywhere(db: Database) -> None:
    with db.session() as s:
        add_platform(s, "p1")
        add_platform(s, "p2")
        shared = "CSTR:31253.11.same.1"
        store(s, make_record("p1", "a", cstr=shared))
        store(s, make_record("p1", "b"))  # its own CSTR: passes
        store(s, make_record("p2", "c", cstr=shared, title={"zh": "别的"}))
        counts = refresh_platform(s, "p1")
        refresh_platform(s, "p2")
    a, b, c = (make_record(p, i).id for p, i in (("p1", "a"), ("p1", "b"), ("p2", "c")))
    assert counts["cstr-unique"] == 1
    with db.session() as s:
        assert rows_ids(s, "cstr-unique", "p1") == [a]
        assert rows_ids(s, "cstr-unique", "p2") == [c]
        detail = s.scalar(select(FindingRow.detail).where(FindingRow.record_id == a))
        assert detail is not None and c in detail
        # Across platforms the CSTR is shared, but these are not duplicates *within* p1.
        assert b not in rows_ids(s, "cstr-unique", "p1")
        assert rows_ids(s, "duplicate-record", "p1") == []
        # The other holder withdrawn: the CSTR is unique again on the next refresh.
        tombstone(s, c)
        refresh_platform(s, "p1")
        assert rows_ids(s, "cstr-unique", "p1") == []


def test_duplicates_by_text_doi_or_cstr(db: Database) -> None:
    with db.session() as s:
        add_platform(s, "p1")
        text = {"title": {"zh": "土壤 数据"}, "description": {"zh": "同样的描述。"}}
        store(s, make_record("p1", "t1", **text))
        store(
            s,
            make_record("p1", "t2", title={"zh": "土壤数据!"}, description={"zh": "同样的描述"}),
        )
        store(s, make_record("p1", "d1", doi="10.1234/abc"))
        store(s, make_record("p1", "d2", doi="10.1234/ABC"))
        store(s, make_record("p1", "c1", cstr="CSTR:31253.11.x.1"))
        store(s, make_record("p1", "c2", cstr="cstr:31253.11.X.1"))
        store(s, make_record("p1", "alone"))
        # Same title, different description: not a duplicate.
        store(s, make_record("p1", "t3", title={"zh": "土壤数据"}, description={"zh": "另一个"}))
        counts = refresh_platform(s, "p1")
        failing = set(rows_ids(s, "duplicate-record", "p1"))
    ids = {i: make_record("p1", i).id for i in ("t1", "t2", "d1", "d2", "c1", "c2", "alone", "t3")}
    assert failing == {ids[i] for i in ("t1", "t2", "d1", "d2", "c1", "c2")}
    assert counts["duplicate-record"] == 6


def test_a_large_group_names_five_others_then_counts_the_rest(db: Database) -> None:
    same = {"title": {"zh": "模板标题"}, "description": {"zh": "模板描述。"}}
    with db.session() as s:
        add_platform(s, "p1")
        for n in range(8):
            store(s, make_record("p1", f"r{n}", **same))
        refresh_platform(s, "p1")
        details = dict(
            s.execute(
                select(FindingRow.record_id, FindingRow.detail).where(
                    FindingRow.rule == "duplicate-record"
                )
            ).all()
        )
    ids = sorted(make_record("p1", f"r{n}").id for n in range(8))
    assert len(details) == 8
    for me in ids:
        others = [i for i in ids if i != me]
        named = ", ".join(others[:5])
        assert details[me] == f"same title and description as {named} and 2 more"


def test_unreachable_landing_page_from_link_checks(db: Database) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with db.session() as s:
        add_platform(s, "p1")
        ok, bad, moved = (make_record("p1", i) for i in ("ok", "bad", "moved"))
        for r in (ok, bad, moved):
            store(s, r)
        for r, outcome, status in ((ok, "ok", 200), (bad, "http_error", 404)):
            s.add(
                LinkCheckRow(
                    record_id=r.id,
                    platform="p1",
                    url=r.landing_page,
                    checked_at=now,
                    outcome=outcome,
                    status=status,
                    method="GET",
                )
            )
        # A failure for a URL the record no longer has does not count.
        s.add(
            LinkCheckRow(
                record_id=moved.id,
                platform="p1",
                url="https://old.example.org/x",
                checked_at=now,
                outcome="timeout",
            )
        )
        refresh_platform(s, "p1")
        assert rows_ids(s, "landing-page-reachable", "p1") == [bad.id]
        detail = s.scalar(
            select(FindingRow.detail).where(FindingRow.rule == "landing-page-reachable")
        )
        assert detail is not None and "HTTP 404" in detail


def test_refresh_replaces_and_does_not_touch_record_findings(db: Database) -> None:
    with db.session() as s:
        add_platform(s, "p1")
        store(s, make_record("p1", "a", doi="10.1/x", license=None))
        store(s, make_record("p1", "b", doi="10.1/x"))
        refresh_platform(s, "p1")
        refresh_platform(s, "p1")  # idempotent
        assert len(rows_ids(s, "duplicate-record", "p1")) == 2
        store(s, make_record("p1", "b", doi="10.1/y"))  # fixed at the source
        refresh_platform(s, "p1")
        assert rows_ids(s, "duplicate-record", "p1") == []
        assert rows_ids(s, "license-stated", "p1") == [make_record("p1", "a").id]


def test_summary_pages_and_failing_records(db: Database) -> None:
    with db.session() as s:
        add_platform(s, "p1")
        add_platform(s, "p2")
        store(s, make_record("p1", "good"))
        store(s, make_record("p1", "nolicence", license=None))
        store(s, make_record("p1", "bare", license=None, title={"en": "Bare"}, keywords={}))
        store(s, make_record("p2", "other", license=None))  # another platform: not counted
        refresh_platform(s, "p1")
        summary = compliance_summary(s, "p1")
        by_rule = {r.rule: r for r in summary.rules}
        assert summary.records == 3 and summary.physical == 0
        assert by_rule["license-stated"].failing == 2
        assert by_rule["license-stated"].pass_rate == round(1 / 3, 4)
        assert by_rule["title-zh"].failing == 1
        assert by_rule["physical-accession"].applicable == 0
        assert by_rule["physical-accession"].pass_rate is None
        assert summary.with_findings == 2
        assert summary.score.scored == 3
        assert summary.score.buckets["90-100"] == 1
        assert sum(summary.score.buckets.values()) == 3

        page = findings_page(s, "p1", rule="license-stated", size=1)
        assert page.total == 2 and len(page.items) == 1
        second = findings_page(s, "p1", rule="license-stated", size=1, page=2)
        assert second.items[0]["record_id"] != page.items[0]["record_id"]
        errors = findings_page(s, "p1", level="error")
        assert {f["rule"] for f in errors.items} == {"title-zh"}
        assert errors.items[0]["title"] == "Bare"

        failing = records_page(s, "p1", failing="license-stated")
        assert failing.total == 2
        assert {i["source_identifier"] for i in failing.items} == {"nolicence", "bare"}
        worst = records_page(s, "p1", worst_first=True, size=1).items[0]
        assert worst["source_identifier"] == "bare"
        assert "title-zh" in worst["failing_rules"]
