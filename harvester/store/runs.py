"""Harvest runs in the store: start, checkpoint, finish, and find the ones to resume.

:func:`save_page` must be called in the same session (transaction) as the
page's record writes: the checkpoint then moves exactly when the page's records
land, so a run killed at any instant resumes after the last page that is
really stored, never before (duplicated work only) nor after (lost records).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.store.models import RunErrorRow, RunRow, utcnow
from harvester.store.run_models import RunOwnerRow

RUNNING = "running"
SUCCEEDED = "succeeded"
FAILED = "failed"
INTERRUPTED = "interrupted"

FOREIGN_STALE_AFTER = timedelta(hours=6)
"""A run owned by another host without a stored page for this long is taken as dead."""


@dataclass(slots=True)
class Counts:
    """What one page (or a whole run) did to the store."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    withdrawn: int = 0
    failed: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def this_host() -> str:
    return socket.gethostname()


def start_run(
    session: Session,
    source: str,
    *,
    mode: str,
    window_from: str | None,
    source_started_at: str | None,
    checkpoint: dict[str, Any] | None = None,
    resumed_from: int | None = None,
    trigger: str = "manual",
) -> RunRow:
    """A ``running`` run owned by this process."""
    now = utcnow()
    run = RunRow(
        source=source,
        mode=mode,
        status=RUNNING,
        trigger=trigger,
        started_at=now,
        window_from=window_from,
        source_started_at=source_started_at,
        checkpoint=checkpoint,
        resumed_from=resumed_from,
        pages=0,
        added=0,
        updated=0,
        unchanged=0,
        deleted=0,
        withdrawn=0,
        failed=0,
    )
    session.add(run)
    session.flush()
    session.add(RunOwnerRow(run_id=run.id, host=this_host(), pid=os.getpid(), heartbeat_at=now))
    session.flush()
    return run


def set_source_clock(session: Session, run_id: int, source_started_at: str | None) -> None:
    run = _run(session, run_id)
    run.source_started_at = source_started_at


def save_page(
    session: Session,
    run_id: int,
    counts: Counts,
    checkpoint: dict[str, Any] | None,
    errors: Sequence[tuple[str, str]] = (),
) -> None:
    """Add one page's counts and errors and move the checkpoint, in the caller's transaction."""
    run = _run(session, run_id)
    run.pages += 1
    for name in Counts.__slots__:
        setattr(run, name, getattr(run, name) + getattr(counts, name))
    run.checkpoint = checkpoint
    now = utcnow()
    session.add_all(
        RunErrorRow(run_id=run_id, source_identifier=ident[:512], reason=reason, at=now)
        for ident, reason in errors
    )
    owner = session.get(RunOwnerRow, run_id)
    if owner is not None:
        owner.heartbeat_at = now


def finish_run(
    session: Session,
    run_id: int,
    status: str,
    *,
    error: str | None = None,
    withdrawn: int = 0,
) -> RunRow:
    run = _run(session, run_id)
    run.status = status
    run.error = error
    run.withdrawn += withdrawn
    run.finished_at = utcnow()
    owner = session.get(RunOwnerRow, run_id)
    if owner is not None:
        session.delete(owner)
    session.flush()
    return run


def last_successful_run(session: Session, source: str) -> RunRow | None:
    return session.scalars(
        select(RunRow)
        .where(RunRow.source == source, RunRow.status == SUCCEEDED)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
    ).first()


def latest_run(session: Session, source: str) -> RunRow | None:
    return session.scalars(
        select(RunRow)
        .where(RunRow.source == source)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(1)
    ).first()


def resumable_run(session: Session, source: str) -> RunRow | None:
    """The latest run if it stopped midway (interrupted, or failed) with a checkpoint to go on from.

    Only the very latest run counts: once any later run started, the older
    checkpoint is stale.
    """
    run = latest_run(session, source)
    if run is None or run.status not in (INTERRUPTED, FAILED) or not run.checkpoint:
        return None
    return run


def _alive(owner: RunOwnerRow, now: datetime) -> bool:
    if owner.host != this_host():
        return now - owner.heartbeat_at < FOREIGN_STALE_AFTER
    if owner.pid == os.getpid():
        return True
    try:
        os.kill(owner.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_runs(session: Session, source: str) -> Sequence[RunRow]:
    return session.scalars(
        select(RunRow).where(RunRow.source == source, RunRow.status == RUNNING)
    ).all()


def reap_dead_runs(
    session: Session, source: str, *, alive: Callable[[RunOwnerRow, datetime], bool] = _alive
) -> tuple[list[int], list[RunRow]]:
    """Mark runs whose process is gone ``interrupted``; return (reaped ids, live runs)."""
    now = utcnow()
    reaped: list[int] = []
    live: list[RunRow] = []
    for run in running_runs(session, source):
        owner = session.get(RunOwnerRow, run.id)
        if owner is not None and alive(owner, now):
            live.append(run)
            continue
        finish_run(
            session, run.id, INTERRUPTED, error="the harvest process ended without finishing"
        )
        reaped.append(run.id)
    return reaped, live


def list_runs(session: Session, source: str, *, limit: int = 20) -> Sequence[RunRow]:
    return session.scalars(
        select(RunRow)
        .where(RunRow.source == source)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(limit)
    ).all()


def run_errors(session: Session, run_id: int, *, limit: int | None = None) -> list[tuple[str, str]]:
    query = select(RunErrorRow).where(RunErrorRow.run_id == run_id).order_by(RunErrorRow.id)
    if limit is not None:
        query = query.limit(limit)
    return [(e.source_identifier, e.reason) for e in session.scalars(query)]


def _run(session: Session, run_id: int) -> RunRow:
    run = session.get(RunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id}")
    return run
