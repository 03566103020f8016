"""The operators' and the centre's view of harvesting: sources, runs, triggers, edits.

Who sees what (issue 6): the list of sources and their runs is *not* public —
it names endpoints and failures a platform may not want advertised — so every
endpoint here needs a token. An operator sees and triggers only their own
platform's sources (another platform's source is a 403, and is left out of
listings); the centre's admin sees everything and alone may add, edit and
remove sources. Adding, editing and removing share the store's checks with the
``sharenet sources`` commands (:mod:`harvester.store.sources`).

Reads and writes go through the harvester's store functions; starting a run
and knowing the next scheduled one are hooks of :class:`ApiConfig`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from harvester.errors import UnknownPlatform
from harvester.removal import remove_source
from harvester.store.models import RecordRow, RunErrorRow, RunRow, SourceRow
from harvester.store.platforms import IDENTIFIER
from harvester.store.runs import RUNNING, latest_run, list_runs, run_errors
from harvester.store.sources import (
    add_source,
    get_source,
    list_sources,
    update_source,
)
from indexer.errors import SearchError
from search_api.auth import Principal
from search_api.config import ApiConfig
from search_api.deps import AdminDep, ConfigDep, DbDep, TokenDep
from search_api.errors import Conflict, InvalidParameter, NotAvailable, NotFound

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["operations"])


class RunSummary(BaseModel):
    id: int
    source: str
    mode: str
    status: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: float | None
    window_from: str | None
    pages: int
    added: int
    updated: int
    unchanged: int
    deleted: int
    withdrawn: int
    failed: int
    """Records that failed (record-level errors)."""
    error: str | None
    """Why the run failed, when it did."""
    resumed_from: int | None


class RecordError(BaseModel):
    source_identifier: str
    reason: str


class RunReport(RunSummary):
    checkpoint: dict[str, Any] | None
    errors: list[RecordError]
    errors_total: int


class RecordCounts(BaseModel):
    live: int
    deleted: int


class SourceOut(BaseModel):
    id: str
    platform: str
    name_zh: str
    name_en: str
    protocol: str
    url: str
    config: dict[str, Any]
    schedule: str | None
    enabled: bool
    removed_at: datetime | None
    """When the source was removed (its runs and withdrawn records are kept)."""
    status: str
    """``removed``, ``disabled``, ``never_harvested``, or the status of the latest run."""
    last_run: RunSummary | None
    next_run: datetime | None
    """From the scheduler; ``null`` when not scheduled or no scheduler runs here."""
    records: RecordCounts
    error_count: int
    """Record-level errors of the latest run (or the latest run's failure, counted as 1)."""


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=IDENTIFIER)
    platform: str = Field(min_length=1, max_length=64)
    protocol: str = Field(min_length=1, max_length=32)
    url: str = Field(min_length=1, max_length=2000)
    name_zh: str = Field(default="", max_length=200)
    name_en: str = Field(default="", max_length=200)
    config: dict[str, Any] = Field(default_factory=dict)
    schedule: str | None = Field(default=None, max_length=100)
    enabled: bool = True


class SourcePatch(BaseModel):
    """Only the fields sent are changed; ``schedule: null`` unschedules the source."""

    model_config = ConfigDict(extra="forbid")

    name_zh: str | None = Field(default=None, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    protocol: str | None = Field(default=None, min_length=1, max_length=32)
    url: str | None = Field(default=None, min_length=1, max_length=2000)
    config: dict[str, Any] | None = None
    schedule: str | None = Field(default=None, max_length=100)
    enabled: bool | None = None


class HarvestStarted(BaseModel):
    source: str
    run_id: int | None
    """``null`` when the run has not registered yet: see the source's runs."""


@router.get("/sources", response_model=list[SourceOut])
def sources(principal: TokenDep, db: DbDep, config: ConfigDep) -> list[SourceOut]:
    """Every source the token may see: the operator's platform's, or all for an admin."""
    with db.session() as session:
        rows = list_sources(session, platform=None if principal.is_admin else principal.platform)
        return _sources_out(session, rows, config)


@router.get("/sources/{source_id}", response_model=SourceOut)
def source(source_id: str, principal: TokenDep, db: DbDep, config: ConfigDep) -> SourceOut:
    with db.session() as session:
        row = _own_source(session, source_id, principal)
        return _sources_out(session, [row], config)[0]


@router.get("/sources/{source_id}/runs", response_model=list[RunSummary])
def source_runs(
    source_id: str,
    principal: TokenDep,
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[RunSummary]:
    """The source's runs, newest first."""
    with db.session() as session:
        _own_source(session, source_id, principal)
        return [_summary(run) for run in list_runs(session, source_id, limit=limit)]


@router.get("/runs/{run_id}", response_model=RunReport)
def run_report(
    run_id: int,
    principal: TokenDep,
    db: DbDep,
    errors_limit: Annotated[int, Query(ge=0, le=10_000)] = 1000,
) -> RunReport:
    """A run's report with its record-level errors (the first ``errors_limit``)."""
    with db.session() as session:
        run = session.get(RunRow, run_id)
        if run is None:
            raise NotFound(f"no run {run_id}")
        _own_source(session, run.source, principal)
        total = session.scalar(
            select(func.count()).select_from(RunErrorRow).where(RunErrorRow.run_id == run_id)
        )
        errors = run_errors(session, run_id, limit=errors_limit)
        return RunReport(
            **_summary(run).model_dump(),
            checkpoint=run.checkpoint,
            errors=[RecordError(source_identifier=i, reason=r) for i, r in errors],
            errors_total=int(total or 0),
        )


@router.post(
    "/sources/{source_id}/harvest",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=HarvestStarted,
)
def trigger(
    source_id: str, principal: TokenDep, db: DbDep, config: ConfigDep, response: Response
) -> HarvestStarted:
    """Start a harvest of the source now; 409 if it is disabled or already being harvested."""
    with db.session() as session:
        row = _own_source(session, source_id, principal)
        enabled = row.enabled
    if not enabled:
        raise Conflict(f"source {source_id!r} is disabled; enable it before harvesting")
    if config.trigger_harvest is None:
        raise NotAvailable("this deployment cannot start harvests from the API")
    run_id = config.trigger_harvest(source_id)
    response.headers["Location"] = (
        f"/api/runs/{run_id}" if run_id is not None else f"/api/sources/{source_id}/runs"
    )
    return HarvestStarted(source=source_id, run_id=run_id)


@router.post("/sources", status_code=status.HTTP_201_CREATED, response_model=SourceOut)
def create_source(
    body: SourceIn, _admin: AdminDep, db: DbDep, config: ConfigDep, response: Response
) -> SourceOut:
    """Add a source (admin). Its platform must exist; the id must be new (409)."""
    fields = body.model_dump()
    source_id = fields.pop("id")
    with db.session() as session:
        try:
            row = add_source(session, source_id, adapter_dirs=config.adapter_dirs, **fields)
        except UnknownPlatform as exc:
            raise InvalidParameter("platform", exc.message) from exc
        out = _sources_out(session, [row], config)[0]
    _changed(config)
    response.headers["Location"] = f"/api/sources/{row.id}"
    return out


@router.patch("/sources/{source_id}", response_model=SourceOut)
def edit_source(
    source_id: str, body: SourcePatch, _admin: AdminDep, db: DbDep, config: ConfigDep
) -> SourceOut:
    """Change a source's schedule, endpoint, settings, or enable/disable it (admin)."""
    changes = body.model_dump(exclude_unset=True)
    for key in ("protocol", "url", "config", "enabled", "name_zh", "name_en"):
        if key in changes and changes[key] is None:
            raise InvalidParameter(key, "may not be null")
    with db.session() as session:
        row = update_source(session, source_id, config.adapter_dirs, **changes)
        out = _sources_out(session, [row], config)[0]
    _changed(config)
    return out


@router.delete("/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(
    source_id: str,
    _admin: AdminDep,
    db: DbDep,
    config: ConfigDep,
    purge: Annotated[bool, Query(description="Delete its records and runs too.")] = False,
) -> Response:
    """Remove a source (admin): its records stay, withdrawn, and its runs stay, unless
    ``purge``; refused (409) while it is being harvested. Its records leave the index."""
    with db.session() as session:
        removal = remove_source(session, source_id, purge=purge)
    if removal.unindex:
        try:
            config.backend.delete(removal.unindex)
        except SearchError as exc:  # the store is right; the next sync or rebuild catches up
            log.warning("index not updated after removing %s: %s", source_id, exc)
    _changed(config)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _own_source(session: Session, source_id: str, principal: Principal) -> SourceRow:
    """The source, if it exists (404) and the principal may see it (403)."""
    row = get_source(session, source_id)
    principal.ensure_platform(row.platform)
    return row


def _changed(config: ApiConfig) -> None:
    if config.sources_changed is not None:
        config.sources_changed()


def _fields(row: SourceRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "platform": row.platform,
        "protocol": row.protocol,
        "url": row.url,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "config": row.config,
        "schedule": row.schedule,
        "enabled": row.enabled,
        "removed_at": row.removed_at,
    }


def _summary(run: RunRow) -> RunSummary:
    duration = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return RunSummary(
        id=run.id,
        source=run.source,
        mode=run.mode,
        status=run.status,
        trigger=run.trigger,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_seconds=duration,
        window_from=run.window_from,
        pages=run.pages,
        added=run.added,
        updated=run.updated,
        unchanged=run.unchanged,
        deleted=run.deleted,
        withdrawn=run.withdrawn,
        failed=run.failed,
        error=run.error,
        resumed_from=run.resumed_from,
    )


def _record_counts(session: Session, source_ids: list[str]) -> Mapping[str, RecordCounts]:
    counts = {sid: RecordCounts(live=0, deleted=0) for sid in source_ids}
    rows = session.execute(
        select(RecordRow.source, RecordRow.deleted, func.count())
        .where(RecordRow.source.in_(source_ids))
        .group_by(RecordRow.source, RecordRow.deleted)
    )
    for source_id, deleted, count in rows:
        if deleted:
            counts[source_id].deleted = count
        else:
            counts[source_id].live = count
    return counts


def _sources_out(session: Session, rows: Sequence[SourceRow], config: ApiConfig) -> list[SourceOut]:
    counts = _record_counts(session, [r.id for r in rows])
    out = []
    for row in rows:
        last = latest_run(session, row.id)
        out.append(
            SourceOut(
                **_fields(row),
                status=_status(row, last),
                last_run=_summary(last) if last is not None else None,
                next_run=config.next_run(row.id) if config.next_run and row.enabled else None,
                records=counts[row.id],
                error_count=_error_count(last),
            )
        )
    return out


def _status(row: SourceRow, last: RunRow | None) -> str:
    if last is not None and last.status == RUNNING:
        return RUNNING
    if row.removed_at is not None:
        return "removed"
    if not row.enabled:
        return "disabled"
    return last.status if last is not None else "never_harvested"


def _error_count(last: RunRow | None) -> int:
    if last is None:
        return 0
    return last.failed + (1 if last.error else 0)
