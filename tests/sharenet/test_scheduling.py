"""The deployment's scheduler wiring: child command, job store, daily upkeep."""

from __future__ import annotations

from harvester.freshness import history
from harvester.store import Database
from harvester.store.models import PlatformRow
from sharenet.scheduling import harvest_command, jobstore_url, make_scheduler
from sharenet.settings import Settings


def test_child_runs_aim_at_the_same_store(settings: Settings) -> None:
    argv = harvest_command(settings)
    assert argv[1:3] == ["-m", "sharenet"]
    assert argv[argv.index("--database-url") + 1] == settings.store_url


def test_jobs_persist_beside_the_store(settings: Settings) -> None:
    url = jobstore_url(settings)
    if settings.store_url.startswith("sqlite"):
        assert url.endswith("scheduler.db")
    else:
        assert url.startswith("postgresql+psycopg://")


def test_daily_upkeep_takes_todays_freshness_snapshot(db: Database, settings: Settings) -> None:
    with db.session() as session:
        session.add(PlatformRow(id="ncdc"))
    scheduler = make_scheduler(settings, db)
    assert scheduler.maintenance is not None
    scheduler.maintenance()
    with db.session() as session:
        assert len(history(session, "ncdc")) == 1
