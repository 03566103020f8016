"""judgements and text keys: what each record was judged with; what duplicates compare

Re-judging (``sharenet rules reevaluate``, daily) read every record. A record now
carries the key of the rules and context its findings were judged in and the day
they may change by the calendar alone, so re-judging reads only the records whose
judgement may differ. Existing rows start without a key: the first re-judging
after the upgrade reads them all once.

Revision ID: 0006_judgements_text_keys
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from mappings.text import text_key

revision = "0006_judgements_text_keys"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("judged_with", sa.String(length=32), nullable=True))
    op.add_column("records", sa.Column("recheck_on", sa.Date(), nullable=True))
    op.add_column("records", sa.Column("text_key", sa.String(length=32), nullable=True))
    _fill_text_keys()
    op.drop_index("ix_records_platform_deleted", table_name="records")
    op.create_index("ix_records_platform_live", "records", ["platform", "deleted", "id"])


_records = sa.table(
    "records",
    sa.column("id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("deleted", sa.Boolean),
    sa.column("text_key", sa.String),
)


def _fill_text_keys(batch: int = 5000) -> None:
    conn = op.get_bind()
    after = ""
    while rows := conn.execute(
        sa.select(_records.c.id, _records.c.data)
        .where(_records.c.deleted.is_(False), _records.c.id > after)
        .order_by(_records.c.id)
        .limit(batch)
    ).all():
        after = rows[-1][0]
        keys = [
            {"b_id": rid, "b_key": text_key(data.get("title") or {}, data.get("description") or {})}
            for rid, data in rows
        ]
        conn.execute(
            _records.update()
            .where(_records.c.id == sa.bindparam("b_id"))
            .values(text_key=sa.bindparam("b_key")),
            keys,
        )


def downgrade() -> None:
    op.drop_index("ix_records_platform_live", table_name="records")
    op.create_index("ix_records_platform_deleted", "records", ["platform", "deleted"])
    op.drop_column("records", "text_key")
    op.drop_column("records", "recheck_on")
    op.drop_column("records", "judged_with")
