from __future__ import annotations

from harvester.store import Database
from harvester.store.records import Outcome, get_record, iter_records, tombstone, upsert_record
from mappings.record import Record, record_id


def _record(title: str = "土壤数据集") -> Record:
    return Record(
        id=record_id("demo", "oai:demo:1"),
        source="demo",
        source_identifier="oai:demo:1",
        platform="demo",
        title={"zh": title, "en": "Soil dataset"},
        cstr="CSTR:31253.11.demo.1",
    )


def _add_source(db: Database) -> None:
    from harvester.store.models import SourceRow

    with db.session() as s:
        s.add(SourceRow(id="demo", platform="demo", protocol="oai-pmh", url="http://x"))


def test_upsert_is_idempotent_and_detects_changes(db: Database) -> None:
    _add_source(db)
    with db.session() as s:
        assert upsert_record(s, _record(), raw="<x/>", raw_format="oai_dc") is Outcome.ADDED
    with db.session() as s:
        assert upsert_record(s, _record(), raw="<x/>", raw_format="oai_dc") is Outcome.UNCHANGED
    with db.session() as s:
        assert upsert_record(s, _record("土壤"), raw="<y/>", raw_format="oai_dc") is Outcome.UPDATED
    with db.session() as s:
        stored = get_record(s, _record().id)
        assert stored is not None and stored.record.title["zh"] == "土壤"
        assert tombstone(s, _record().id) is Outcome.DELETED
        assert tombstone(s, _record().id) is None
    with db.session() as s:
        assert list(iter_records(s)) == []
        assert [r.record.deleted for r in iter_records(s, include_deleted=True)] == [True]


def test_migrations_build_exactly_the_declared_schema(db: Database) -> None:
    """Every feature's tables arrive by a migration, and match their models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from harvester.store.schema import metadata

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
