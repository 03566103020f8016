"""platforms first-class: every platform a source or record names gets a row; removed sources

Before, a source added by hand could name a platform with no row, and that
platform was searchable yet unknown to tokens and reports. Such platforms get
a row (id only; ``sharenet platforms edit`` names them), so the one rule
"a platform exists when it has a row" holds for stores left by older releases.

Revision ID: 0005_platforms_first
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import harvester.store.models

revision = "0005_platforms_first"
down_revision = "0001_core"
branch_labels = None
depends_on = None

_platforms = sa.table(
    "platforms",
    sa.column("id", sa.String),
    sa.column("name_zh", sa.String),
    sa.column("name_en", sa.String),
    sa.column("kind", sa.String),
    sa.column("agency_codes", sa.JSON),
)


def upgrade() -> None:
    op.add_column(
        "sources",
        sa.Column("removed_at", harvester.store.models.UtcDateTime(timezone=True), nullable=True),
    )
    conn = op.get_bind()
    named = {
        str(p)
        for table in ("sources", "records")
        for (p,) in conn.execute(sa.text(f"SELECT DISTINCT platform FROM {table}"))
    }
    known = {str(p) for (p,) in conn.execute(sa.text("SELECT id FROM platforms"))}
    missing = sorted(named - known)
    if missing:
        op.bulk_insert(
            _platforms,
            [
                {"id": p, "name_zh": "", "name_en": "", "kind": "data", "agency_codes": []}
                for p in missing
            ],
        )


def downgrade() -> None:
    op.drop_column("sources", "removed_at")
