"""What a harvest sets in motion, composed in one place: harvest, then what follows.

The CLI, the scheduler and the API all call :func:`run_harvest`, so a step
added here (index sync, freshness figures) happens however a harvest started.
"""

from __future__ import annotations

import functools
import logging

from harvester.http import HttpOptions, make_client
from harvester.runs import Progress, RunOptions, RunReport, harvest
from harvester.store import Database
from indexer.errors import SearchError
from indexer.sync import IndexFeed, SyncReport, sync_changes
from sharenet.batch import batch_work
from sharenet.context import index_cursor_path, open_backend, open_database
from sharenet.settings import Settings

log = logging.getLogger(__name__)


def http_options(settings: Settings) -> HttpOptions:
    return HttpOptions(
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        max_response_bytes=settings.max_response_bytes,
    )


def run_options(settings: Settings, *, trigger: str = "manual") -> RunOptions:
    return RunOptions(
        withdraw_grace_days=settings.withdraw_grace_days,
        freshness_days=settings.freshness_days,
        trigger=trigger,
        config_dirs=settings.adapter_dirs,
        writer=settings.harvest_writer,
        writer_after=settings.harvest_writer_after,
    )


def run_harvest(
    settings: Settings,
    source_id: str,
    *,
    full: bool = False,
    progress: Progress | None = None,
    trigger: str = "manual",
) -> RunReport:
    """Harvest one source into the store and the index; the report tells how it went.

    The index is fed from the pages as they are stored (:class:`IndexFeed`), then
    synced for whatever else changed. A search engine that is down never fails
    the harvest: the store keeps the changes and the cursor keeps its place, so
    the next sync catches up.
    """
    with batch_work(), open_database(settings) as db:
        feed = _open_feed(settings)
        try:
            with make_client(http_options(settings)) as client:
                report = harvest(
                    db,
                    source_id,
                    full=full,
                    client=client,
                    progress=progress,
                    options=run_options(settings, trigger=trigger),
                    listener=feed,
                )
            if feed is not None:
                feed.finish(db)
        except SearchError as exc:
            log.warning("search index not updated after harvest (next sync catches up): %s", exc)
        finally:
            if feed is not None:
                feed.backend.close()
        return report


def _open_feed(settings: Settings) -> IndexFeed | None:
    try:
        reopen = functools.partial(open_backend, settings)  # for the page writer's twin
        return IndexFeed.open(reopen(), index_cursor_path(settings), reopen)
    except SearchError as exc:
        log.warning("search index not reachable; the store is harvested alone: %s", exc)
        return None


def sync_index(settings: Settings, db: Database) -> SyncReport | None:
    """Re-index what changed in the store since the last sync (see :func:`run_harvest`)."""
    try:
        backend = open_backend(settings)
        try:
            return sync_changes(db, backend, index_cursor_path(settings))
        finally:
            backend.close()
    except SearchError as exc:
        log.warning("search index not updated (next sync catches up): %s", exc)
        return None
