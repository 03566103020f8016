"""What the web application is built from: the store, the search engine, and hooks.

The hooks are how the composition root (``sharenet``) lends the API powers that
live elsewhere — starting a harvest, knowing the scheduler's plans — without
``search_api`` importing the scheduler or the CLI. A hook left ``None`` means
the deployment does not offer that power, and the API says so plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from harvester.store import Database
from indexer.base import SearchBackend
from search_api.service.recorder import ServiceRecorder

TriggerHarvest = Callable[[str], int | None]
"""``source id -> run id`` of the harvest it started (``None`` if not known yet).

Raises a ShareNetError (e.g. 409 when the source is already being harvested)."""

NextRun = Callable[[str], datetime | None]
"""``source id -> when the scheduler will next harvest it`` (``None``: not scheduled)."""

SourcesChanged = Callable[[], None]
"""Called after a source was added, edited or deleted (the scheduler re-reads its jobs)."""


@dataclass(slots=True)
class ApiConfig:
    db: Database
    backend: SearchBackend
    trigger_harvest: TriggerHarvest | None = None
    next_run: NextRun | None = None
    sources_changed: SourcesChanged | None = None
    service: ServiceRecorder = field(default_factory=ServiceRecorder)
    """Counts searches, views, resolutions and follow-throughs, anonymously (issue 10)."""
    title: str = "ShareNet"
    max_query_length: int = 500
    """Longer search queries are refused with a 422: no engine needs 10 kB to find a record."""
    max_result_window: int = 10_000
    """Deepest result reachable by paging (page × size), as on Elasticsearch."""
    session_secret: str | None = None
    """Signs the web pages' session cookies. ``None``: a random key per process, so
    page logins end when the process restarts (set one for several workers)."""
    trusted_proxies: tuple[str, ...] = ()
    adapter_dirs: tuple[Path, ...] = ()
    """Where named JSON adapter configurations are looked up (checked when a source is saved)."""
    """Addresses and networks of reverse proxies whose ``X-Forwarded-For`` (and
    ``X-Forwarded-Proto``) are believed. Empty: the direct peer is the client, so
    nobody can pose as another client by sending the header."""
