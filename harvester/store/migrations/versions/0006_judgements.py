"""judgements: what each record's findings were made with, and when they may change

Re-judging (``sharenet rules reevaluate``, daily) read every record. A record now
carries the key of the rules and context its findings were judged in and the day
they may change by the calendar alone, so re-judging reads only the records whose
judgement may differ. Existing rows start without a key: the first re-judging
after the upgrade reads them all once.

Revision ID: 0006_judgements
Revises: 0001_core
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_judgements"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("judged_with", sa.String(length=32), nullable=True))
    op.add_column("records", sa.Column("recheck_on", sa.Date(), nullable=True))
    op.drop_index("ix_records_platform_deleted", table_name="records")
    op.create_index("ix_records_platform_live", "records", ["platform", "deleted", "id"])


def downgrade() -> None:
    op.drop_index("ix_records_platform_live", table_name="records")
    op.create_index("ix_records_platform_deleted", "records", ["platform", "deleted"])
    op.drop_column("records", "recheck_on")
    op.drop_column("records", "judged_with")
