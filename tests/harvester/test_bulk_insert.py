"""The store's bulk INSERT converts each value object once per column and statement."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from harvester.store import Database
from harvester.store.records import _insert

CONVERTED: list[object] = []


class Counted(TypeDecorator[list[str]]):
    """A JSON list whose every bind conversion is counted."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        CONVERTED.append(value)
        return value


class _Base(DeclarativeBase):
    pass


class Row(_Base):
    __tablename__ = "bulk_insert_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(16))
    fields: Mapped[Any] = mapped_column(Counted)
    data: Mapped[Any] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def _inserted(db: Database, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    _Base.metadata.create_all(db.engine)
    CONVERTED.clear()
    with db.session() as session:
        _insert(session, Row, rows)
    with db.session() as session:
        return [
            tuple(r) for r in session.execute(select(Row.fields, Row.data, Row.at).order_by(Row.id))
        ]


def test_a_shared_object_is_converted_once(db: Database) -> None:
    shared, now = ["title", "description"], datetime(2026, 12, 4, 5, 0)
    rows = [{"id": n, "name": "x", "fields": shared, "data": None, "at": now} for n in range(50)]
    stored = _inserted(db, rows)
    assert stored == [(shared, None, now)] * 50
    assert [shared] == CONVERTED  # once, not 50 times


def test_equal_values_that_are_other_objects_are_converted_each(db: Database) -> None:
    """Keyed by identity: (1,) and (True,) are equal (and hash alike) but are other JSON."""
    rows = [
        {"id": 1, "name": "one", "fields": (1,), "data": (1,), "at": None},
        {"id": 2, "name": "true", "fields": (True,), "data": (True,), "at": None},
        {"id": 3, "name": "list", "fields": ["a"], "data": ["a"], "at": None},
        {"id": 4, "name": "again", "fields": ["a"], "data": ["a"], "at": None},
    ]
    stored = _inserted(db, rows)
    assert [(type(f[0]), type(d[0])) for f, d, _ in stored[:2]] == [(int, int), (bool, bool)]
    assert stored[2:] == [(["a"], ["a"], None)] * 2
    assert len(CONVERTED) == 4


def test_one_object_in_two_columns_is_converted_by_each(db: Database) -> None:
    """``None`` in a JSON column is JSON ``null``; in a timestamp column, SQL NULL."""
    when = datetime(2026, 12, 4, tzinfo=UTC).replace(tzinfo=None)
    rows = [
        {"id": 1, "name": "a", "fields": ["x"], "data": None, "at": None},
        {"id": 2, "name": "b", "fields": ["x"], "data": {"n": 1}, "at": when},
    ]
    assert _inserted(db, rows) == [(["x"], None, None), (["x"], {"n": 1}, when)]
