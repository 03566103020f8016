"""Removing a source keeps every record and run, and the platform's figures still add up.

The figures of a platform after one of its two sources is removed (or purged)
must be exactly those of a store where only the other source was ever
harvested: the removed records count nowhere, and the cross-record findings
they caused on the other source's records (a shared CSTR) are gone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from harvester.compliance import compliance_summary, refresh_platform
from harvester.errors import StateConflict
from harvester.freshness import platform_freshness
from harvester.removal import remove_source
from harvester.store import Database
from harvester.store.models import RecordRow, RunRow, SourceRow
from harvester.store.records import count_records, upsert_record
from harvester.store.runs import finish_run, start_run
from harvester.store.sources import add_source, update_source
from mappings.record import Record, record_id
from mappings.rules import RuleContext, evaluate
from tests.platform_support import register

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
RUN_FIGURES = ("computed_at", "last_success", "runs_30d", "success_rate_30d")
"""Figures of the harvests themselves: the removed source's runs stay in its history."""


def _record(source: str, n: int, cstr: str) -> Record:
    ident = f"oai:{source}:{n}"
    return Record(
        id=record_id(source, ident),
        source=source,
        source_identifier=ident,
        platform="ncdc",
        title={"zh": f"冰川数据集 {source} {n}", "en": f"Glacier dataset {source} {n}"},
        cstr=cstr,
        modified=date(2025, n, 1),
    )


A = [_record("a", n, f"CSTR:11738.11.a.{n}") for n in (1, 2, 3)]
B = [_record("b", 1, "CSTR:11738.11.a.1"), _record("b", 2, "CSTR:11738.11.b.2")]
"""``b:1`` shares its CSTR with ``a:1``: a finding of b's that only a's record causes."""


def _harvest(db: Database, source: str, records: list[Record]) -> None:
    with db.session() as session:
        register(session, "ncdc")
        add_source(session, source, platform="ncdc", protocol="oai-pmh", url="http://x.example/")
        run = start_run(session, source, mode="full", window_from=None, source_started_at=None)
        for record in records:
            result = evaluate(record, RuleContext(agency_codes=("11738",), today=NOW.date()))
            upsert_record(
                session,
                record.model_copy(deep=True),
                raw="<x/>",
                raw_format="oai_dc",
                findings=result.findings,
                quality_score=result.score,
                now=NOW,
            )
        finish_run(session, run.id, "succeeded")
        refresh_platform(session, "ncdc")


def _figures(db: Database) -> dict[str, Any]:
    with db.session() as session:
        fresh = platform_freshness(session, "ncdc", NOW).as_json()
        summary = compliance_summary(session, "ncdc").as_json()
    return {
        "freshness": {k: v for k, v in fresh.items() if k not in RUN_FIGURES},
        "compliance": summary,
    }


@pytest.fixture
def only_b(tmp_path: Path) -> dict[str, Any]:
    """The figures of a store that only ever harvested source b."""
    reference = Database(f"sqlite:///{tmp_path / 'only-b.db'}")
    try:
        _harvest(reference, "b", B)
        return _figures(reference)
    finally:
        reference.dispose()


def _cstr_unique_failing(figures: dict[str, Any]) -> int:
    rules = {r["rule"]: r for r in figures["compliance"]["rules"]}
    return int(rules["cstr-unique"]["failing"])


def test_removing_keeps_records_and_runs_and_the_figures_add_up(
    db: Database, only_b: dict[str, Any]
) -> None:
    _harvest(db, "a", A)
    _harvest(db, "b", B)
    assert _cstr_unique_failing(_figures(db)) == 2  # a:1 and b:1 share a CSTR

    with db.session() as session:
        removal = remove_source(session, "a")
    assert (removal.purged, removal.withdrawn) == (False, 3)
    assert sorted(removal.unindex) == sorted(r.id for r in A)

    with db.session() as session:
        assert count_records(session, include_deleted=True) == 5  # every record is kept
        kept = session.scalars(select(RecordRow).where(RecordRow.source == "a")).all()
        assert all(r.deleted and r.withdrawn and r.raw == "<x/>" for r in kept)
        assert session.scalar(select(func.count()).where(RunRow.source == "a")) == 1
        source = session.get(SourceRow, "a")
        assert source is not None and source.removed_at is not None and not source.enabled
        fresh = platform_freshness(session, "ncdc", NOW)
        assert fresh.runs_30d == 2  # the removed source's run is still history
    after = _figures(db)
    assert after == only_b
    assert after["compliance"]["records"] == after["freshness"]["records"] == len(B)
    assert sum(after["freshness"]["age_distribution"].values()) == len(B)
    assert _cstr_unique_failing(after) == 0


def test_a_removed_source_is_neither_edited_harvested_nor_re_added(db: Database) -> None:
    _harvest(db, "a", A)
    with db.session() as session:
        remove_source(session, "a")
    with db.session() as session, pytest.raises(StateConflict, match="was removed"):
        update_source(session, "a", enabled=True)
    with db.session() as session, pytest.raises(StateConflict, match="--purge"):
        add_source(session, "a", platform="ncdc", protocol="oai-pmh", url="http://x.example/")
    with db.session() as session:
        assert session.get(SourceRow, "a").enabled is False  # type: ignore[union-attr]


def test_purging_deletes_records_and_runs_and_the_figures_add_up(
    db: Database, only_b: dict[str, Any]
) -> None:
    _harvest(db, "a", A)
    _harvest(db, "b", B)
    with db.session() as session:
        remove_source(session, "a")  # removed first, then purged: both work
    with db.session() as session:
        removal = remove_source(session, "a", purge=True)
    assert (removal.purged, removal.deleted) == (True, 3)
    with db.session() as session:
        assert session.get(SourceRow, "a") is None
        assert count_records(session, include_deleted=True) == len(B)
        assert session.scalar(select(func.count()).where(RunRow.source == "a")) == 0
    assert _figures(db) == only_b


def test_removing_a_source_being_harvested_is_refused_and_changes_nothing(db: Database) -> None:
    _harvest(db, "a", A)
    with db.session() as session:
        start_run(session, "a", mode="incremental", window_from=None, source_started_at=None)
    for purge in (False, True):
        with db.session() as session, pytest.raises(StateConflict, match="being harvested"):
            remove_source(session, "a", purge=purge)
    with db.session() as session:
        assert count_records(session, source="a") == len(A)
        source = session.get(SourceRow, "a")
        assert source is not None and source.removed_at is None and source.enabled
