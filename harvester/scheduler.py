"""Unattended harvesting: every enabled source on its schedule (APScheduler 3).

Three guarantees, each for a failure seen in practice:

- *Never two runs of one source at once*: one job per source with
  ``max_instances=1``, plus a per-source lock shared with manual triggers.
- *No run hangs forever*: every run is a child process with a time limit; past
  it the process is killed and the run is reported ``timed_out``. Killing is
  safe because runs checkpoint after every page.
- *Restarts lose nothing*: jobs live in a persistent job store, and on start a
  ``running`` run whose process is gone is marked ``interrupted`` and resumed
  (the run engine continues from its checkpoint).

Schedules (see :mod:`harvester.schedules`) are written ``every 6h`` / ``every 30m`` or as a
five-field cron expression ``0 3 * * *``; ``jitter`` spreads sources so they do
not all hit the network at the same second.
"""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from harvester.errors import HarvestError
from harvester.schedules import parse_schedule
from harvester.store import Database
from harvester.store.models import SourceRow, utcnow
from harvester.store.runs import finish_run, reap_dead_runs, running_runs, start_run

log = logging.getLogger(__name__)

Command = Callable[[str, str], Sequence[str]]
"""``(source id, trigger) -> argv`` of the child process that runs one harvest."""


TIMED_OUT = "timed_out"
MAINTENANCE_JOB = "_maintenance"


class AlreadyRunning(HarvestError):
    code = "already_running"
    http_status = 409


@dataclass(frozen=True, slots=True)
class Launch:
    source: str
    returncode: int | None
    timed_out: bool


_ACTIVE: HarvestScheduler | None = None


def _scheduled_job(source_id: str) -> None:
    """Entry point of persisted jobs: a plain function the job store can name."""
    if _ACTIVE is None:  # pragma: no cover - a job fired after shutdown
        return
    try:
        _ACTIVE.run(source_id, trigger="scheduled")
    except AlreadyRunning:
        log.info("skipping %s: a run is already in progress", source_id)


def _maintenance_job() -> None:
    """Daily upkeep (freshness snapshot, rule re-evaluation) supplied by the deployment."""
    if _ACTIVE is not None and _ACTIVE.maintenance is not None:
        _ACTIVE.maintenance()


class HarvestScheduler:
    """Owns the APScheduler instance and the child processes of harvest runs."""

    def __init__(
        self,
        db: Database,
        command: Command,
        *,
        jobstore_url: str,
        time_limit: float = 3600.0,
        workers: int = 4,
        jitter: int | None = None,
        maintenance: Callable[[], None] | None = None,
        maintenance_cron: str = "30 0 * * *",
    ) -> None:
        self.db = db
        self.maintenance = maintenance
        self.maintenance_cron = maintenance_cron
        self.command = command
        self.time_limit = time_limit
        self.jitter = jitter
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=jobstore_url)},
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        global _ACTIVE
        _ACTIVE = self
        self._scheduler.start()
        self.sync_jobs()
        for source in self.reap_interrupted():
            # the run engine continues an interrupted run from its checkpoint
            self._in_background(source, trigger="resume")

    def shutdown(self) -> None:
        global _ACTIVE
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if _ACTIVE is self:
            _ACTIVE = None

    def sync_jobs(self) -> None:
        """Make the job store match the sources table (schedules edited through the API)."""
        with self.db.session() as session:
            sources = list(session.scalars(select(SourceRow)))
        wanted = {s.id: s.schedule for s in sources if s.enabled and s.schedule}
        for job in self._scheduler.get_jobs():
            if job.id not in wanted and job.id != MAINTENANCE_JOB:
                job.remove()
        if self.maintenance is not None:
            self._scheduler.add_job(
                _maintenance_job,
                trigger=CronTrigger.from_crontab(self.maintenance_cron, timezone=UTC),
                id=MAINTENANCE_JOB,
                name="daily maintenance",
                replace_existing=True,
            )
        for source_id, schedule in wanted.items():
            assert schedule is not None
            self._scheduler.add_job(
                _scheduled_job,
                trigger=parse_schedule(schedule, jitter=self.jitter),
                args=[source_id],
                id=source_id,
                name=f"harvest {source_id}",
                replace_existing=True,
            )

    def next_run(self, source_id: str) -> datetime | None:
        job = self._scheduler.get_job(source_id)
        return job.next_run_time if job is not None else None

    # -- runs ----------------------------------------------------------------------------

    def reap_interrupted(self) -> list[str]:
        """Sources whose run was left ``running`` by a dead process (marked ``interrupted``)."""
        with self.db.session() as session:
            sources = list(session.scalars(select(SourceRow.id)))
            return [s for s in sources if reap_dead_runs(session, s)[0]]

    def _lock(self, source_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(source_id, threading.Lock())

    def is_running(self, source_id: str) -> bool:
        return self._lock(source_id).locked()

    def run(self, source_id: str, *, trigger: str = "manual") -> Launch:
        """Run one harvest in a child process, within the time limit; blocks until it ends."""
        lock = self._lock(source_id)
        if not lock.acquire(blocking=False):
            raise AlreadyRunning(f"source {source_id!r} is being harvested right now")
        try:
            return self._launch(source_id, trigger)
        finally:
            lock.release()

    def trigger(self, source_id: str) -> None:
        """Start a run now in the background (the API's "harvest now")."""
        if self.is_running(source_id):
            raise AlreadyRunning(f"source {source_id!r} is being harvested right now")
        self._in_background(source_id, trigger="manual")

    def _in_background(self, source_id: str, *, trigger: str) -> None:
        def target() -> None:
            try:
                self.run(source_id, trigger=trigger)
            except AlreadyRunning:
                log.info("skipping %s: a run is already in progress", source_id)

        threading.Thread(target=target, name=f"harvest-{source_id}", daemon=True).start()

    def _launch(self, source_id: str, trigger: str) -> Launch:
        started = utcnow()
        argv = list(self.command(source_id, trigger))
        log.info("harvest %s started (%s)", source_id, trigger)
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            code = proc.wait(timeout=self.time_limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self._mark_timed_out(source_id, started, trigger)
            log.warning("harvest %s timed out after %.0fs", source_id, self.time_limit)
            return Launch(source_id, None, timed_out=True)
        log.info("harvest %s ended with exit code %s", source_id, code)
        return Launch(source_id, code, timed_out=False)

    def _mark_timed_out(self, source_id: str, since: datetime, trigger: str) -> None:
        """Report the run as timed out; if the child died before it could even record a run,
        record one, so an operator always sees that the source hung."""
        reason = f"stopped after the time limit of {self.time_limit:.0f} s"
        with self.db.session() as session:
            runs = [r for r in running_runs(session, source_id) if r.started_at >= since]
            if not runs:
                runs = [
                    start_run(
                        session,
                        source_id,
                        mode="unknown",
                        window_from=None,
                        source_started_at=None,
                        trigger=trigger,
                    )
                ]
            for run in runs:
                finish_run(session, run.id, TIMED_OUT, error=reason)
