"""``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL alike.

Counters written on the request path by several API workers at once must not
race: select-then-insert would fail one of two concurrent first hits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from harvester.store.models import Base


def upsert(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    *,
    add: Sequence[str] = (),
    replace: Sequence[str] = (),
) -> None:
    """Insert ``values`` (one row, or many in one statement); on a clash of ``keys``, add
    the ``add`` columns to the stored row's and overwrite the ``replace`` columns (with
    neither, keep the stored row as it is).

    Many rows must not repeat a key, and writers that may meet (several API
    workers flushing counters) pass them in one order, so that on PostgreSQL
    their row locks are taken in the same order and never deadlock.
    """
    rows = [values] if isinstance(values, Mapping) else list(values)
    if not rows:
        return
    table = model.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table)
    update: dict[str, Any] = {c: table.c[c] + stmt.excluded[c] for c in add}
    update.update({c: stmt.excluded[c] for c in replace})
    if not update:
        session.execute(stmt.on_conflict_do_nothing(index_elements=list(keys)), rows)
        return
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=update), rows)
