"""Who is running a harvest: the process behind each ``running`` run.

A run killed with SIGKILL never gets to say so; its row stays ``running``. The
owner (host and pid) lets the next run tell a dead run from a live one: a dead
one is marked ``interrupted`` and resumed from its checkpoint, a live one means
the source is busy (per-source concurrency is 1).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from harvester.store.models import Base, utcnow


class RunOwnerRow(Base):
    __tablename__ = "run_owners"

    run_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    """Moved on every stored page; decides for runs owned by another host."""
