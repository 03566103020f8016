"""Removing a source: what the CLI's ``sources remove`` and the API's DELETE both do.

Removing keeps the history: the source's row stays, marked removed and
disabled, with every run, and its records stay in the store withdrawn — out of
search and out of the live figures, exactly as if the platform had stopped
listing them. A purge deletes the records and the runs with the source. Either
way the platform's cross-record findings (shared CSTRs, duplicates) are
recomputed, so the centre's figures for the platform are those of the records
it still has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from harvester.compliance import refresh_platform
from harvester.errors import StateConflict
from harvester.store.models import RecordRow, RunRow, utcnow
from harvester.store.records import tombstone
from harvester.store.runs import reap_dead_runs
from harvester.store.sources import get_source


@dataclass(slots=True)
class Removal:
    """What removing a source did; ``unindex`` are the record ids to drop from the index."""

    source: str
    purged: bool
    withdrawn: int = 0
    deleted: int = 0
    unindex: list[str] = field(default_factory=list)


def remove_source(session: Session, source_id: str, *, purge: bool = False) -> Removal:
    """Remove a source, keeping its records withdrawn and its runs, or purging them.

    Refused while a harvest of the source is running: the run would write
    records back. A source that never held a record nor ran is simply deleted.
    """
    row = get_source(session, source_id)
    _reaped, live = reap_dead_runs(session, source_id)
    if live:
        raise StateConflict(
            f"source {source_id!r} is being harvested right now (run {live[0].id}); "
            "remove it when the run has ended"
        )
    ids = list(session.scalars(select(RecordRow.id).where(RecordRow.source == source_id)))
    ran = session.scalar(select(RunRow.id).where(RunRow.source == source_id).limit(1))
    out = Removal(source=source_id, purged=purge or not (ids or ran))
    if out.purged:
        session.execute(delete(RecordRow).where(RecordRow.source == source_id))
        session.delete(row)
        out.deleted, out.unindex = len(ids), ids
    else:
        now = utcnow()
        for record_id in ids:
            if tombstone(session, record_id, withdrawn=True, now=now) is not None:
                out.unindex.append(record_id)
        out.withdrawn = len(out.unindex)
        row.enabled = False
        row.removed_at = now
    session.flush()
    refresh_platform(session, row.platform)
    return out
