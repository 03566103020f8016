"""A harvest run: one source, one window, page by page into the store, with a report.

The engine is generic over protocol adapters (:mod:`harvester.protocols`):

- **Window.** Incremental by default: ``since`` is the last successful run's
  start in the source's clock, moved back by ``RunOptions.overlap``; with no
  successful run yet, or with ``full=True``, the whole listing.
- **Resume.** If the source's latest run stopped midway (killed, interrupted, or
  failed after some pages) it is resumed from its checkpoint with its window;
  a run whose process died (SIGKILL) is first marked ``interrupted``.
- **Per page**, in one transaction: map every payload, evaluate the rules,
  upsert (content hash decides added/updated/unchanged), tombstone deleted
  ones, store record-level errors and the checkpoint. A payload that does not
  map is a record-level error; the run goes on.
- **Withdrawal.** Only after a *complete full* pass: live records of the source
  not seen by this pass and not seen for ``withdraw_grace_days`` are
  withdrawn. A failed or partial run never deletes anything.
- **Failure.** A source that cannot be read (:class:`HarvestError`) ends the run
  ``failed`` with the reason in the report; the records stored so far stay.
  So does a page of which no item maps (:class:`UnmappablePage`): that is the
  configuration or the source's shape, not bad records. The page is not
  stored (its errors neither: the reason is said once, in the run's error),
  and the checkpoint stays before it, so nothing stored is replaced.
- **Configurations.** The versions of the configurations the adapter maps
  with (JSON adapter files) are stored before the first page, so the raw items
  can be mapped again from the store alone.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy.orm import Session

from harvester.compliance import refresh_platform
from harvester.errors import HarvestError, StoreError, UnmappablePage
from harvester.http import make_client
from harvester.memory import trim_heap
from harvester.page_writer import (
    Gone,
    PageJob,
    PageListener,
    PageWriter,
    Twinned,
    WriterPlace,
    stored_page,
)
from harvester.protocols import load_adapter
from harvester.protocols.base import FetchedPage, SourceSpec, Window
from harvester.store import Database
from harvester.store import runs as store_runs
from harvester.store.adapter_configs import keep_configs
from harvester.store.models import RunRow, utcnow
from harvester.store.records import (
    Held,
    PreparedRow,
    dump_record,
    judged,
    live_identifiers,
    prepared_row,
    tombstone,
    unchanged_row,
)
from harvester.store.runs import Counts
from harvester.store.sources import agency_codes, get_source, source_spec
from mappings.errors import ShareNetError
from mappings.formats import MappingContext, map_payload
from mappings.record import Record, SourcePayload, record_id
from mappings.rules import RuleContext

log = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000
"""Record-level errors kept in the in-memory report; the store keeps all of them."""


@dataclass(frozen=True, slots=True)
class RunOptions:
    overlap: timedelta = timedelta(hours=1)
    """How far before the last successful run's start an incremental run asks from."""
    withdraw_grace_days: int = 7
    freshness_days: int = 365
    trigger: str = "manual"
    config_dirs: tuple[Path, ...] = ()
    """Where configurations named by sources are looked up first (``adapters_dir``)."""
    writer: WriterPlace = "inline"
    """Where pages are written: ``process`` overlaps writing a page with building the next
    (:mod:`harvester.page_writer`)."""
    writer_after: int = 10_000
    """Records a run must have written (changed, new or deleted) before a ``process``
    writer starts its child: at 10,000 records both writers take the same wall time."""


STAGES = ("fetch", "map", "rules", "store", "index")
"""Stages of a run's cost: fetch and parse pages, map items, judge records, write the store,
and (by a page listener such as the index feed) index them."""


@dataclass(slots=True)
class RunReport:
    run_id: int
    source: str
    mode: str
    status: str = store_runs.RUNNING
    counts: Counts = field(default_factory=Counts)
    pages: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    """``(source identifier, reason)`` of records that failed (first 1000)."""
    error: str | None = None
    """Why the run failed, when it did."""
    window_from: str | None = None
    resumed_from: int | None = None
    expected: int | None = None
    """Items the source says the listing holds, when it says (for progress)."""
    duration: float = 0.0
    stages: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    """CPU seconds spent in each stage (:data:`STAGES`): where a run's cost goes."""

    @property
    def ok(self) -> bool:
        return self.status == store_runs.SUCCEEDED

    @property
    def processed(self) -> int:
        c = self.counts
        return c.added + c.updated + c.unchanged + c.deleted + c.failed


Progress = Callable[[RunReport], None]


def stage_time(report: RunReport, stage: str, since: float) -> float:
    """Add this thread's CPU time since ``since`` to ``stage``; returns the new mark."""
    now = time.thread_time()
    report.stages[stage] += now - since
    return now


@dataclass(frozen=True, slots=True)
class _Plan:
    mode: str
    window_from: str | None
    checkpoint: dict[str, object] | None
    source_started_at: str | None
    resumed_from: int | None
    pass_started_at: datetime | None
    """Start of the full pass this run completes (the first run of a resume chain)."""


def harvest(
    db: Database,
    source_id: str,
    *,
    full: bool = False,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    options: RunOptions | None = None,
    listener: PageListener | None = None,
) -> RunReport:
    """Harvest one source; the report says how it went (a failed run is not an exception).

    ``listener`` is told of every page once it is committed (the index feed).

    Raises :class:`UnknownSource` for an unknown id, and :class:`HarvestError`
    when a live run of the same source is already going on.
    """
    options = options or RunOptions()
    started = time.monotonic()
    with db.session() as session:
        spec = source_spec(get_source(session, source_id), options.config_dirs)
        codes = agency_codes(session, spec.platform)
        plan = _plan(session, source_id, full, options)
        run = store_runs.start_run(
            session,
            source_id,
            mode=plan.mode,
            window_from=plan.window_from,
            source_started_at=plan.source_started_at,
            checkpoint=dict(plan.checkpoint) if plan.checkpoint else None,
            resumed_from=plan.resumed_from,
            trigger=options.trigger,
        )
        pass_started = plan.pass_started_at or run.started_at
    report = RunReport(
        run_id=run.id,
        source=source_id,
        mode=plan.mode,
        window_from=plan.window_from,
        resumed_from=plan.resumed_from,
    )
    own_client = client is None
    http = client or make_client()
    try:
        _run_pages(db, spec, codes, plan, report, http, progress, options, listener)
        withdrawn = 0
        if plan.mode == "full":
            withdrawn = _withdraw(db, spec.id, pass_started, options)
        report.counts.withdrawn = withdrawn
        with db.session() as session:  # the cross-record rules see the platform as it now is
            refresh_platform(session, spec.platform)
        _finish(db, report, store_runs.SUCCEEDED, withdrawn=withdrawn)
    except HarvestError as exc:
        log.info("run %d of %s failed: %s", report.run_id, source_id, exc.message)
        _finish(db, report, store_runs.FAILED, error=exc.message)
    except BaseException as exc:
        status = store_runs.FAILED if isinstance(exc, Exception) else store_runs.INTERRUPTED
        _finish(db, report, status, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        report.duration = time.monotonic() - started
        if own_client:
            http.close()
    return report


def _plan(session: Session, source_id: str, full: bool, options: RunOptions) -> _Plan:
    reaped, live = store_runs.reap_dead_runs(session, source_id)
    if live:
        raise HarvestError(
            f"source {source_id!r} is already being harvested (run {live[0].id}); "
            "one run per source at a time"
        )
    if reaped:
        log.warning("%s: runs %s ended without finishing; marked interrupted", source_id, reaped)
    resume = store_runs.resumable_run(session, source_id)
    if resume is not None and not (full and resume.mode != "full"):
        return _Plan(
            mode=resume.mode,
            window_from=resume.window_from,
            checkpoint=resume.checkpoint,
            source_started_at=resume.source_started_at,
            resumed_from=resume.id,
            pass_started_at=_chain_start(session, resume),
        )
    last = None if full else store_runs.last_successful_run(session, source_id)
    if last is not None and last.source_started_at:
        since = datetime.fromisoformat(last.source_started_at) - options.overlap
        return _Plan("incremental", since.isoformat(), None, None, None, None)
    return _Plan("full", None, None, None, None, None)


def _chain_start(session: Session, run: RunRow) -> datetime:
    """When the pass that ``run`` belongs to began, following ``resumed_from`` back."""
    while run.resumed_from is not None:
        earlier = session.get(RunRow, run.resumed_from)
        if earlier is None:
            break
        run = earlier
    return run.started_at


def _run_pages(
    db: Database,
    spec: SourceSpec,
    codes: tuple[str, ...],
    plan: _Plan,
    report: RunReport,
    client: httpx.Client,
    progress: Progress | None,
    options: RunOptions,
    listener: PageListener | None,
) -> None:
    adapter = load_adapter(spec, client)
    with db.session() as session:
        keep_configs(session, adapter.mapping_configs())
    if plan.source_started_at is None:
        clock = adapter.source_now() or utcnow()
        with db.session() as session:
            store_runs.set_source_clock(session, report.run_id, clock.isoformat())
    since = datetime.fromisoformat(plan.window_from) if plan.window_from else None
    mapping = MappingContext(source=spec.id, platform=spec.platform)
    rules = RuleContext(agency_codes=codes, freshness_days=options.freshness_days)
    pages = adapter.pages(Window(since=since), dict(plan.checkpoint or {}) or None)
    twin = listener.twin() if isinstance(listener, Twinned) else None
    writer = PageWriter(db, options.writer, twin, after=options.writer_after)
    built: deque[_BuiltPage] = deque()

    def stored(page: _BuiltPage) -> None:
        written = writer.result()
        for stage, cpu in written.stages.items():
            report.stages[stage] += cpu
        counts = written.counts
        if listener is not None and not written.followed:
            listener(stored_page(page.job, written.outcomes, page.records), report)
        report.counts.add(counts)
        report.pages += 1
        room = MAX_REPORTED_ERRORS - len(report.errors)
        report.errors.extend(page.job.errors[: max(room, 0)])
        report.expected = page.total or report.expected
        trim_heap()
        if progress is not None:
            progress(report)

    try:
        for page in _prefetched(pages, report):
            built.append(_build_page(report, page, mapping, rules, writer))
            writer.submit(built[-1].job)
            while writer.pending > writer.ahead or (built and writer.ready()):
                stored(built.popleft())  # counted and told as soon as written
        while built:
            stored(built.popleft())
    finally:
        with contextlib.suppress(StoreError):  # a failing run still reports the pages it wrote
            while built and writer.pending:
                stored(built.popleft())
        handed, cpu = writer.close()
        report.stages["index"] += cpu
        if handed is not None and isinstance(listener, Twinned):
            listener.take_back(handed)


def _prefetched(pages: Iterator[FetchedPage], report: RunReport) -> Iterator[FetchedPage]:
    """The adapter's pages, the next one fetched and parsed while this one is processed.

    Fetching is mostly waiting on the source and parsing (lxml) runs without the
    GIL, so the two overlap. One page ahead at most: memory stays one page, and
    a checkpoint is still stored only after its page is.
    """
    ahead: queue.Queue[tuple[FetchedPage | None, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: tuple[FetchedPage | None, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False  # the run has stopped listening

    def fetch() -> None:
        mark = time.thread_time()
        try:
            for page in pages:
                stage_time(report, "fetch", mark)
                if not offer((page, None)):
                    return
                mark = time.thread_time()
            offer((None, None))
        except BaseException as exc:  # handed to the run, which decides what it means
            offer((None, exc))

    thread = threading.Thread(target=fetch, name=f"fetch-{report.source}", daemon=True)
    thread.start()
    try:
        while True:
            page, error = ahead.get()
            if error is not None:
                raise error
            if page is None:
                return
            yield page
    finally:
        stop.set()
        # A fetch still waiting on the source is left to its timeout (the thread is a
        # daemon and its page is never stored); a finished listing joins at once.
        thread.join(timeout=1.0)


@dataclass(frozen=True, slots=True)
class _BuiltPage:
    """A page mapped, judged and made into rows, with what its listener will be told."""

    job: PageJob
    records: list[Record | None]
    """The record of each job item (``None`` for a deleted header, or an item that was
    not mapped: listed as stored)."""
    total: int | None


def _same_content(stored: Held | None, record: Record) -> bool:
    return stored is not None and stored.same_content(record.content_hash or "")


def _build_page(
    report: RunReport,
    page: FetchedPage,
    mapping: MappingContext,
    rules: RuleContext,
    writer: PageWriter,
) -> _BuiltPage:
    """Every record of the page mapped, judged and made into rows, ready for one transaction.

    It only reads the store (what it holds of the page's records: :meth:`PageWriter.held`),
    so it runs while the page before is written (:class:`PageWriter`). An item
    listed as it was stored (the same payload, mapped by this release) is not
    mapped, and a record the store holds with the same content is not judged:
    both are written as unchanged, whatever mapping or judging them would say
    (``rules reevaluate`` re-judges the store, ``records remap`` re-maps it).
    The rows are then written in a few bulk statements, a deleted header
    flushing the rows listed before it, so the outcomes are those of applying
    the page's items in order.
    """
    now = utcnow()
    errors = list(page.errors)
    failed = len(page.errors)
    mark = time.thread_time()
    ids = [record_id(mapping.source, payload.source_identifier) for payload in page.items]
    held = writer.held([rid for rid, p in zip(ids, page.items, strict=True) if not p.deleted])
    mark = stage_time(report, "store", mark)
    # Each item that mapped: its record, its unchanged row if it maps as stored, or
    # ``None`` for a deleted header.
    listed: list[tuple[SourcePayload, Record | PreparedRow | None]] = []
    for payload, rid in zip(page.items, ids, strict=True):
        stored = held.get(rid)
        if payload.deleted:
            listed.append((payload, None))
        elif stored is not None and stored.maps_alike(payload, mapping.platform):
            listed.append((payload, unchanged_row(rid, stored.content_hash)))
        else:
            try:
                listed.append((payload, map_payload(payload, mapping)))
            except ShareNetError as exc:
                errors.append((payload.source_identifier, exc.message))
                failed += 1
    mark = stage_time(report, "map", mark)
    if not listed and len(errors) >= UnmappablePage.AT_LEAST:
        raise UnmappablePage(errors)
    records = [entry if isinstance(entry, Record) else None for _payload, entry in listed]
    data = [None if record is None else dump_record(record, now) for record in records]
    mark = stage_time(report, "store", mark)
    incoming = [
        judged(record, payload.raw, payload.format, rules)
        if record is not None and not _same_content(held.get(record.id), record)
        else None
        for (payload, _entry), record in zip(listed, records, strict=True)
    ]
    mark = stage_time(report, "rules", mark)
    items: list[PreparedRow | Gone] = []
    for (payload, entry), item, dumped in zip(listed, incoming, data, strict=True):
        if entry is None:
            items.append(Gone(payload.source_identifier, payload.datestamp))
        elif isinstance(entry, PreparedRow):
            items.append(entry)
        elif item is None or dumped is None:
            items.append(unchanged_row(entry.id, entry.content_hash or ""))
        else:
            items.append(prepared_row(item, dumped, now))
    stage_time(report, "store", mark)
    job = PageJob(
        run_id=report.run_id,
        source=mapping.source,
        platform=mapping.platform,
        now=now,
        items=items,
        counts=Counts(failed=failed),
        errors=errors,
        checkpoint=page.checkpoint,
    )
    return _BuiltPage(job, records, page.total)


def _withdraw(db: Database, source: str, pass_started: datetime, options: RunOptions) -> int:
    """Withdraw live records this complete full pass did not list, once past the grace period."""
    now = utcnow()
    cutoff = min(pass_started, now - timedelta(days=options.withdraw_grace_days))
    withdrawn = 0
    with db.session() as session:
        for identifier, seen in live_identifiers(session, source).items():
            if seen < cutoff:
                rid = record_id(source, identifier)
                if tombstone(session, rid, withdrawn=True, now=now) is not None:
                    withdrawn += 1
    return withdrawn


def _finish(
    db: Database, report: RunReport, status: str, *, error: str | None = None, withdrawn: int = 0
) -> None:
    report.status = status
    report.error = error
    with db.session() as session:
        store_runs.finish_run(session, report.run_id, status, error=error, withdrawn=withdrawn)
