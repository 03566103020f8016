"""The catalogue store: the source of truth for records, runs and findings."""

from harvester.store.db import Database, sqlite_url

__all__ = ["Database", "sqlite_url"]
