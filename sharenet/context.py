"""Building the long-lived objects of a deployment from its settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harvester.store import Database
from indexer.base import SearchBackend
from indexer.errors import SearchError
from indexer.registry import load_backend
from sharenet.settings import Settings


def open_database(settings: Settings) -> Database:
    """The catalogue store, migrated to the current schema."""
    return Database(settings.store_url)


def open_backend(settings: Settings) -> SearchBackend:
    """The configured search engine: the embedded index, or a cluster at ``search_url``."""
    engine = settings.engine
    options: dict[str, Any]
    if engine == "tantivy":
        options = {"path": settings.index_dir}
    else:
        if not settings.search_url:
            raise SearchError(f"search_engine={engine} needs SHARENET_SEARCH_URL (the cluster)")
        options = {
            "url": settings.search_url,
            "index": settings.search_index,
            "analyzer_zh": settings.search_analyzer_zh,
        }
    return load_backend(engine, **options)


def index_cursor_path(settings: Settings) -> Path:
    """Where the index sync remembers the last store change it applied, per engine."""
    return settings.data_dir / f"index-sync-{settings.engine}.json"
