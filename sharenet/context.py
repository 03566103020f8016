"""Building the long-lived objects of a deployment from its settings."""

from __future__ import annotations

from harvester.store import Database
from sharenet.settings import Settings


def open_database(settings: Settings) -> Database:
    """The catalogue store, migrated to the current schema."""
    return Database(settings.store_url)
