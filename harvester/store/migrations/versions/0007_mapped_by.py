"""mapped by: the release whose mappings made each record's data from its raw payload

A full re-harvest mapped every listed item again to learn that most had not
changed. A record now carries the release that mapped it, so an item listed
with the raw payload, format, source and platform it was stored with is known
unchanged without mapping it. Existing rows start without one: their next
harvest maps them once, as before, and stamps them.

Revision ID: 0007_mapped_by
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_mapped_by"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("mapped_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("records", "mapped_by")
