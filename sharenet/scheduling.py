"""The deployment's scheduler: harvests as child processes, plus the daily upkeep."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

from harvester.freshness import snapshot
from harvester.scheduler import HarvestScheduler
from harvester.store import Database
from harvester.store.service import roll_up_terms
from sharenet.settings import Settings

log = logging.getLogger(__name__)


def harvest_command(settings: Settings) -> list[str]:
    """The ``sharenet`` command line a child process runs, aimed at the same store."""
    return [
        sys.executable,
        "-m",
        "sharenet",
        "--data-dir",
        str(settings.data_dir.resolve()),
        "--database-url",
        settings.store_url,
    ]


def jobstore_url(settings: Settings) -> str:
    """Jobs persist beside the store: in PostgreSQL itself, or a SQLite file of their own
    (so scheduler bookkeeping never waits on a harvest's write lock)."""
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        return settings.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(settings.data_dir / 'scheduler.db').resolve()}"


def make_scheduler(settings: Settings, db: Database) -> HarvestScheduler:
    base = harvest_command(settings)

    def command(source_id: str, trigger: str) -> list[str]:
        return [*base, "harvest", source_id, "--trigger", trigger]

    def maintenance() -> None:
        """Daily: date-dependent rules reach unchanged records, yesterday's pseudonymous
        query-term hashes are rolled up and dropped, the freshness trend gets its point."""
        from harvester.compliance import reevaluate

        with db.session() as session:
            reevaluate(session, freshness_days=settings.freshness_days)
        with db.session() as session:
            rolled = roll_up_terms(session, datetime.now(UTC).date())
        with db.session() as session:
            count = snapshot(session)
        log.info(
            "daily maintenance: rules re-evaluated, %d term rows rolled up, %d snapshots",
            rolled,
            count,
        )

    return HarvestScheduler(
        db,
        command,
        jobstore_url=jobstore_url(settings),
        time_limit=settings.harvest_time_limit,
        maintenance=maintenance,
    )
