"""Wiring the web application into a deployment: its store, engine, harvests and scheduler.

``search_api`` knows nothing of the scheduler or the CLI; the hooks of
:class:`search_api.config.ApiConfig` are filled in here.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from functools import partial

from harvester.scheduler import AlreadyRunning, HarvestScheduler
from harvester.store import Database
from harvester.store.runs import reap_dead_runs
from indexer.base import SearchBackend
from search_api.config import ApiConfig, TriggerHarvest
from search_api.service.recorder import ServiceRecorder
from sharenet.settings import Settings

log = logging.getLogger(__name__)


def api_config(
    settings: Settings,
    db: Database,
    backend: SearchBackend,
    *,
    scheduler: HarvestScheduler | None = None,
    seed: bytes | None = None,
) -> ApiConfig:
    """With a scheduler, the API triggers through it and shows its plans; else harvests run
    in a thread of the API process (the embedded setup without scheduling, or a worker).
    ``seed`` is the daily client key's, shared by the workers of one ``sharenet serve``."""
    trigger: TriggerHarvest = (
        partial(_via_scheduler, scheduler)
        if scheduler is not None
        else threaded_trigger(settings, db)
    )
    return ApiConfig(
        db=db,
        backend=backend,
        trigger_harvest=trigger,
        next_run=scheduler.next_run if scheduler is not None else None,
        sources_changed=scheduler.sync_jobs if scheduler is not None else None,
        adapter_dirs=tuple(settings.adapter_dirs),
        service=ServiceRecorder(secret=data_secret(settings, "client-key"), seed=seed),
        session_secret=data_secret(settings, "session-key").hex(),
        trusted_proxies=tuple(settings.trusted_proxies),
    )


def data_secret(settings: Settings, name: str) -> bytes:
    """A random secret kept in the data directory (owner-only), made on first use.

    Keys that must outlive a restart and be shared by every worker — the one that
    makes a client's ratings count once, the one that signs page logins — live
    here, never in the store beside what they protect.
    """
    path = settings.data_dir / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
    return path.read_bytes()


def _via_scheduler(scheduler: HarvestScheduler, source_id: str) -> int | None:
    scheduler.trigger(source_id)
    return None


def threaded_trigger(settings: Settings, db: Database) -> TriggerHarvest:
    """Start a harvest in a background thread; refuse while one of the source is live."""
    from sharenet.pipeline import run_harvest

    busy: set[str] = set()
    guard = threading.Lock()

    def trigger(source_id: str) -> int | None:
        with db.session() as session:
            _reaped, live = reap_dead_runs(session, source_id)
        with guard:
            if live or source_id in busy:
                raise AlreadyRunning(f"source {source_id!r} is being harvested right now")
            busy.add(source_id)

        def work() -> None:
            try:
                report = run_harvest(settings, source_id, trigger="api")
                log.info("harvest %s ended %s (run %s)", source_id, report.status, report.run_id)
            except Exception:
                log.exception("harvest %s could not run", source_id)
            finally:
                with guard:
                    busy.discard(source_id)

        threading.Thread(target=work, name=f"harvest-{source_id}", daemon=True).start()
        return None

    return trigger
