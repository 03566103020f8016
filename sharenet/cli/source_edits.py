"""``sharenet sources edit`` and ``sharenet sources remove``: what the API's PATCH and DELETE do.

Both call the store functions the API calls (:mod:`harvester.store.sources`),
so a change refused there is refused here with the same reason.
"""

from __future__ import annotations

from typing import Any

import click

from harvester.errors import ConfigError
from harvester.removal import remove_source
from harvester.store.sources import get_source, update_source
from indexer.errors import SearchError
from sharenet.context import open_backend, open_database
from sharenet.settings import Settings


@click.command()
@click.argument("source_id")
@click.option("--url", default=None, help="The new endpoint.")
@click.option("--schedule", default=None, help="Cron expression or 'every 6h'; '' unschedules.")
@click.option("--set", "sets", multiple=True, help="OAI-PMH set (repeatable; replaces the sets).")
@click.option("--all-sets", is_flag=True, help="Harvest every OAI-PMH set (drop the set list).")
@click.option("--metadata-prefix", default=None, help="OAI-PMH metadataPrefix.")
@click.option("--enable/--disable", "enabled", default=None, help="Harvest it or not.")
@click.option("--name-zh", default=None, help="Chinese name.")
@click.option("--name-en", default=None, help="English name.")
@click.pass_obj
def edit(
    settings: Settings,
    source_id: str,
    url: str | None,
    schedule: str | None,
    sets: tuple[str, ...],
    all_sets: bool,
    metadata_prefix: str | None,
    enabled: bool | None,
    name_zh: str | None,
    name_en: str | None,
) -> None:
    """Change a source's endpoint, schedule, sets, prefix, names, or enable/disable it."""
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("url", url),
            ("enabled", enabled),
            ("name_zh", name_zh),
            ("name_en", name_en),
        )
        if value is not None
    }
    if schedule is not None:
        changes["schedule"] = schedule.strip() or None
    with open_database(settings) as db, db.session() as session:
        row = get_source(session, source_id)
        config = _oai_options(row.protocol, dict(row.config), sets, all_sets, metadata_prefix)
        if config != row.config:
            changes["config"] = config
        if not changes:
            raise ConfigError("nothing to change: give at least one option (see --help)")
        update_source(session, source_id, settings.adapter_dirs, **changes)
    click.echo(f"source {source_id}: changed {', '.join(sorted(changes))}")


def _oai_options(
    protocol: str,
    config: dict[str, Any],
    sets: tuple[str, ...],
    all_sets: bool,
    metadata_prefix: str | None,
) -> dict[str, Any]:
    """The source's config with the OAI-PMH options given applied."""
    if not (sets or all_sets or metadata_prefix is not None):
        return config
    if protocol != "oai-pmh":
        raise ConfigError(f"--set and --metadata-prefix apply to oai-pmh sources, not {protocol}")
    if metadata_prefix is not None:
        if not metadata_prefix.strip():
            raise ConfigError("--metadata-prefix may not be empty")
        config["metadata_prefix"] = metadata_prefix.strip()
    if all_sets:
        config.pop("sets", None)
    if sets:
        config["sets"] = list(sets)
    return config


@click.command()
@click.argument("source_id")
@click.option(
    "--purge",
    is_flag=True,
    help="Delete its records and runs from the store and the index (cannot be undone).",
)
@click.pass_obj
def remove(settings: Settings, source_id: str, purge: bool) -> None:
    """Stop harvesting a source and take its records out of search.

    Without --purge its records stay in the store, withdrawn, with every run of
    its history; with --purge they are deleted. Refused while it is harvested.
    """
    with open_database(settings) as db, db.session() as session:
        removal = remove_source(session, source_id, purge=purge)
    if removal.unindex:
        try:
            backend = open_backend(settings)
            try:
                backend.delete(removal.unindex)
            finally:
                backend.close()
        except SearchError as exc:
            click.echo(
                f"warning: search index not updated ({exc.message}); "
                "`sharenet index rebuild` brings it in line",
                err=True,
            )
    if removal.purged:
        click.echo(f"purged source {source_id}: {removal.deleted} records and its runs deleted")
    else:
        click.echo(
            f"removed source {source_id}: {removal.withdrawn} records withdrawn "
            "(kept in the store with its runs, out of search)"
        )
