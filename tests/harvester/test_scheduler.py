"""The scheduler against real local sources, with second-level intervals.

Runs are child ``sharenet harvest`` processes, as in production, so these tests
take some seconds each: they wait for real schedules to fire.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester.errors import ConfigError
from harvester.scheduler import AlreadyRunning, HarvestScheduler, parse_schedule
from harvester.store import Database
from harvester.store.models import RunRow
from harvester.store.sources import add_source
from sharenet.demo.oai_server import write_items
from sharenet.scheduling import make_scheduler
from sharenet.settings import Settings
from tests.harvester.oai_support import (
    ROOT,
    OaiServerProcess,
    ReplayServer,
    Reply,
    dc_item,
)
from tests.local_servers import wait_until
from tests.platform_support import register

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _runs(db: Database, source: str) -> list[RunRow]:
    with db.session() as session:
        return list(
            session.scalars(select(RunRow).where(RunRow.source == source).order_by(RunRow.id))
        )


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    records = tmp_path / "items.jsonl"
    write_items(records, [dc_item(n, f"2024-04-{n % 28 + 1:02d}T00:00:00Z") for n in range(24)])
    return records


@pytest.fixture
def scheduler_for(db: Database, settings: Settings) -> Iterator[list[HarvestScheduler]]:
    made: list[HarvestScheduler] = []
    yield made
    for scheduler in made:
        scheduler.shutdown()


def _scheduler(
    made: list[HarvestScheduler], db: Database, settings: Settings, **options: float
) -> HarvestScheduler:
    scheduler = make_scheduler(settings, db)
    scheduler.jitter = 0
    for key, value in options.items():
        setattr(scheduler, key, value)
    made.append(scheduler)
    return scheduler


def test_schedules_parse_or_fail_clearly() -> None:
    assert parse_schedule("every 6h") is not None
    assert parse_schedule("0 3 * * *") is not None
    with pytest.raises(ConfigError, match="neither"):
        parse_schedule("sometimes")


def test_runs_on_time_and_never_overlap(
    db: Database,
    settings: Settings,
    catalogue: Path,
    scheduler_for: list[HarvestScheduler],
) -> None:
    # every run takes longer than the interval: 6 pages x 0.5 s after a ~1 s start-up
    with OaiServerProcess(catalogue, batch_size=4, page_delay=0.5) as server:
        with db.session() as session:
            register(session, "ncdc")
            add_source(
                session,
                "slow",
                platform="ncdc",
                protocol="oai-pmh",
                url=server.url,
                config={"metadata_prefix": "oai_dc"},
                schedule="every 2s",
            )
        scheduler = _scheduler(scheduler_for, db, settings)
        started = time.time()
        scheduler.start()
        wait_until(lambda: len([r for r in _runs(db, "slow") if r.finished_at]) >= 3, 60)
        scheduler.shutdown()
        wait_until(lambda: all(r.finished_at for r in _runs(db, "slow")), 30)
    runs = _runs(db, "slow")
    assert all(r.status == "succeeded" for r in runs), [(r.status, r.error) for r in runs]
    assert all(r.trigger == "scheduled" for r in runs)
    # the first run fires one interval after start (plus process start-up), not later
    assert runs[0].started_at.timestamp() - started < 2 + 10
    for before, after in itertools.pairwise(runs):
        assert before.finished_at is not None
        assert after.started_at >= before.finished_at, "two runs of one source overlapped"
    # busy sources are skipped, not queued up: a manual trigger is refused meanwhile
    assert scheduler.next_run("slow") is None  # shut down: no more plans


def test_manual_trigger_is_refused_while_a_run_is_live(
    db: Database, settings: Settings, catalogue: Path, scheduler_for: list[HarvestScheduler]
) -> None:
    with OaiServerProcess(catalogue, batch_size=4, page_delay=0.5) as server:
        with db.session() as session:
            register(session, "ncdc")
            add_source(
                session,
                "busy",
                platform="ncdc",
                protocol="oai-pmh",
                url=server.url,
                config={"metadata_prefix": "oai_dc"},
            )
        scheduler = _scheduler(scheduler_for, db, settings)
        scheduler.start()
        scheduler.trigger("busy")
        wait_until(lambda: scheduler.is_running("busy"), 10)
        with pytest.raises(AlreadyRunning):
            scheduler.trigger("busy")
        wait_until(lambda: not scheduler.is_running("busy"), 60)
    assert [r.status for r in _runs(db, "busy")] == ["succeeded"]


def test_a_hanging_source_is_timed_out(
    db: Database, settings: Settings, scheduler_for: list[HarvestScheduler]
) -> None:
    with ReplayServer(lambda args: Reply(delay=60.0)) as stalled:
        with db.session() as session:
            register(session, "ncdc")
            add_source(
                session,
                "hangs",
                platform="ncdc",
                protocol="oai-pmh",
                url=stalled.url,
                config={"metadata_prefix": "oai_dc"},
            )
        scheduler = _scheduler(scheduler_for, db, settings, time_limit=4.0)
        launch = scheduler.run("hangs", trigger="scheduled")
    assert launch.timed_out
    [run] = _runs(db, "hangs")
    assert run.status == "timed_out" and run.finished_at is not None
    assert "time limit" in (run.error or "")


def test_restart_resumes_an_interrupted_run(
    db: Database,
    settings: Settings,
    database_url: str,
    catalogue: Path,
    scheduler_for: list[HarvestScheduler],
) -> None:
    with OaiServerProcess(catalogue, batch_size=4, page_delay=0.4) as server:
        with db.session() as session:
            register(session, "ncdc")
            add_source(
                session,
                "crash",
                platform="ncdc",
                protocol="oai-pmh",
                url=server.url,
                config={"metadata_prefix": "oai_dc"},
            )
        env = {**os.environ, "SHARENET_DATABASE_URL": database_url}
        proc = subprocess.Popen(
            [sys.executable, "-m", "sharenet", "harvest", "crash"],
            env=env,
            cwd=ROOT,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(lambda: any(r.pages >= 2 for r in _runs(db, "crash")), 30)
        finally:
            os.kill(proc.pid, signal.SIGKILL)  # the process dies: its run stays "running"
            proc.wait()
        assert [r.status for r in _runs(db, "crash")] == ["running"]

        scheduler = _scheduler(scheduler_for, db, settings)
        scheduler.start()  # a restarted service: marks the run interrupted and resumes it
        wait_until(lambda: len(_runs(db, "crash")) == 2 and _runs(db, "crash")[1].finished_at, 60)
    first, resumed = _runs(db, "crash")
    assert first.status == "interrupted"
    assert resumed.status == "succeeded" and resumed.resumed_from == first.id
    assert resumed.trigger == "resume"
    assert first.added + resumed.added == 24
