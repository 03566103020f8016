"""Freshness figures against values worked out by hand for a small, dated catalogue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from harvester.freshness import history, platform_freshness, snapshot
from harvester.store import Database
from harvester.store.models import PlatformRow, RunRow, SourceRow
from harvester.store.records import tombstone, upsert_record
from mappings.record import Record, record_id

NOW = datetime(2026, 6, 30, 12, tzinfo=UTC)


def _record(i: int, modified: date | None, cstr: str | None) -> Record:
    return Record(
        id=record_id("p1", str(i)),
        source="p1",
        source_identifier=str(i),
        platform="p1",
        title={"zh": f"记录{i}"},
        modified=modified,
        cstr=cstr,
        source_datestamp=NOW - timedelta(days=2, hours=i),
    )


def test_figures_match_hand_computed_values(db: Database) -> None:
    with db.session() as s:
        s.add(PlatformRow(id="p1"))
        s.add(SourceRow(id="p1", platform="p1", protocol="oai-pmh", url="http://x"))
        s.flush()
        for status, days_ago in [
            ("succeeded", 1),
            ("failed", 2),
            ("succeeded", 40),
            ("running", 0),
        ]:
            s.add(
                RunRow(
                    source="p1",
                    mode="incremental",
                    status=status,
                    started_at=NOW - timedelta(days=days_ago, minutes=5),
                    finished_at=None if status == "running" else NOW - timedelta(days=days_ago),
                )
            )
    ages = [10, 100, 400, 2000, None]  # one record per age bucket, one unknown
    with db.session() as s:
        for i, age in enumerate(ages):
            modified = None if age is None else NOW.date() - timedelta(days=age)
            cstr = "CSTR:11738.11.x" + str(i) if i % 2 == 0 else None
            first_seen = NOW - timedelta(days=60 if i < 2 else 1)
            upsert_record(
                s,
                _record(i, modified, cstr),
                raw="",
                raw_format="oai_dc",
                quality_score=float(50 + 10 * i),
                now=first_seen,
            )
        tombstone(s, record_id("p1", "4"), now=NOW)  # the unknown-age record is gone

    with db.session() as s:
        f = platform_freshness(s, "p1", NOW)
    assert f.records == 4
    assert f.added_30d == 2  # records 2 and 3 first seen a day ago
    assert f.valid_cstr_share == 0.5  # records 0 and 2 of the four live ones
    assert f.mean_quality == 65.0  # (50 + 60 + 70 + 80) / 4
    assert f.age_distribution == {
        "under_90d": 1,
        "90d_to_1y": 1,
        "1y_to_3y": 1,
        "over_3y": 1,
        "unknown": 0,
    }
    assert f.modified_90d_share == 0.25
    assert f.modified_365d_share == 0.5
    assert f.last_success == NOW - timedelta(days=1)
    assert f.runs_30d == 2 and f.success_rate_30d == 0.5
    # harvested a day ago, changed at the source 2 days + i hours before NOW (i = 2, 3)
    assert f.median_latency_hours == 26.5


def test_snapshot_once_a_day(db: Database) -> None:
    with db.session() as s:
        s.add(PlatformRow(id="p1"))
    with db.session() as s:
        assert snapshot(s, NOW) == 1
        assert snapshot(s, NOW + timedelta(hours=1)) == 1
        snapshot(s, NOW + timedelta(days=1))
    with db.session() as s:
        days = [day for day, _ in history(s, "p1")]
    assert days == [date(2026, 6, 30), date(2026, 7, 1)]
