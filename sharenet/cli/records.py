"""``sharenet records export``: the unified records as JSON lines; ``remap``: map them again."""

from __future__ import annotations

import json

import click

from harvester.remap import remap as remap_records
from harvester.store.records import iter_records
from harvester.store.sources import get_source
from sharenet.context import open_database
from sharenet.settings import Settings


@click.group()
def records() -> None:
    """Read the catalogue store."""


@records.command()
@click.option("--source", "source_id", default=None, help="Only this source's records.")
@click.option("--include-deleted", is_flag=True, help="Also tombstones (deleted or withdrawn).")
@click.pass_obj
def export(settings: Settings, source_id: str | None, include_deleted: bool) -> None:
    """One unified record per line on stdout, with its source identifier and deleted flag."""
    with open_database(settings) as db, db.session() as session:
        if source_id is not None:
            get_source(session, source_id)
        for stored in iter_records(session, source=source_id, include_deleted=include_deleted):
            data = stored.record.model_dump(mode="json")
            data["withdrawn"] = stored.withdrawn
            click.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))


@records.command()
@click.argument("source_id")
@click.pass_obj
def remap(settings: Settings, source_id: str) -> None:
    """Map SOURCE_ID's stored raw items again, from the store alone; rewrite what changed.

    Each JSON item is mapped with the configuration version it was harvested
    with, kept in the store: the file may have changed or gone since. An edited
    configuration reaches stored items through the next harvest (``--full``).
    """
    with open_database(settings) as db:
        result = remap_records(db, source_id, freshness_days=settings.freshness_days)
    for identifier, reason in result.errors[:20]:
        click.echo(f"! {identifier}: {reason}")
    click.echo(
        f"{source_id}: {result.mapped} records mapped again, {result.changed} changed, "
        f"{len(result.errors)} could not be mapped (kept as they were)"
    )
