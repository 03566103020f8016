"""``sharenet index rebuild|status``: the search index as a view of the store."""

from __future__ import annotations

import click

from harvester.store.records import count_records
from indexer.errors import SearchError
from indexer.sync import load_cursor, rebuild
from sharenet.batch import batch_work
from sharenet.cli.progress import ProgressLine
from sharenet.context import index_cursor_path, open_backend, open_database
from sharenet.settings import Settings


@click.group()
def index() -> None:
    """Build and inspect the search index."""


@index.command(name="rebuild")
@click.pass_obj
def rebuild_command(settings: Settings) -> None:
    """Rebuild the whole index from the store; search keeps answering meanwhile."""
    db = open_database(settings)
    backend = open_backend(settings)
    try:
        with db.session() as session:
            total = count_records(session, include_deleted=True)
        with batch_work(), ProgressLine("index rebuild") as line:
            written = rebuild(
                db, backend, index_cursor_path(settings), progress=lambda n: line.update(n, total)
            )
        click.echo(f"indexed {written} records into {settings.engine}")
    finally:
        backend.close()
        db.dispose()


@index.command()
@click.pass_obj
def status(settings: Settings) -> None:
    """Engine, documents indexed against live records in the store, last change applied."""
    db = open_database(settings)
    backend = open_backend(settings)
    try:
        with db.session() as session:
            live = count_records(session)
        try:
            backend.check()
            state, documents = "ok", str(backend.count())
        except SearchError as exc:
            state, documents = f"unusable: {exc.message}", "?"
        cursor = load_cursor(index_cursor_path(settings))
        click.echo(f"engine:     {settings.engine}")
        click.echo(f"state:      {state}")
        click.echo(f"documents:  {documents}")
        click.echo(f"store live: {live}")
        click.echo(f"synced to:  {cursor[0].isoformat() if cursor else 'never'}")
    finally:
        backend.close()
        db.dispose()
