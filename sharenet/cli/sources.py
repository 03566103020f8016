"""``sharenet sources``: list, add, edit, remove and seed the sources the harvester reads."""

from __future__ import annotations

from typing import Any

import click

from harvester.check import check_source
from harvester.errors import ConfigError
from harvester.http import make_client
from harvester.protocols import ADAPTERS
from harvester.protocols.jsonapi import checked_config_name
from harvester.registry import load_registry, seed
from harvester.store.runs import latest_run
from harvester.store.sources import add_source, list_sources, validate_url
from sharenet.cli.checking import echo_check
from sharenet.cli.source_edits import edit, remove
from sharenet.context import open_database
from sharenet.pipeline import http_options
from sharenet.settings import Settings


@click.group()
def sources() -> None:
    """The harvestable endpoints of the platforms."""


sources.add_command(edit)
sources.add_command(remove)


@sources.command("list")
@click.pass_obj
def list_(settings: Settings) -> None:
    """Every source with its protocol, endpoint and last run."""
    with open_database(settings) as db, db.session() as session:
        rows = list_sources(session)
        if not rows:
            click.echo("no sources yet: `sharenet sources add` or `sharenet sources seed`")
        for row in rows:
            run = latest_run(session, row.id)
            last = f"last run {run.id} {run.status}" if run else "never harvested"
            what = row.config.get("metadata_prefix") or row.config.get("config") or ""
            state = "  [removed]" if row.removed_at else "" if row.enabled else "  [disabled]"
            click.echo(
                f"{row.id:<16} {row.platform:<12} {row.protocol:<8} {what:<14} "
                f"{row.url}  ({last}){state}"
            )


@sources.command()
@click.argument("source_id")
@click.option("--protocol", required=True, help=f"One of: {', '.join(sorted(ADAPTERS))}.")
@click.option("--url", required=True, help="The endpoint (OAI-PMH base URL, API URL).")
@click.option("--metadata-prefix", default=None, help="OAI-PMH metadataPrefix (oai-pmh).")
@click.option("--set", "sets", multiple=True, help="OAI-PMH set to harvest (repeatable).")
@click.option(
    "--config",
    "adapter_config",
    default=None,
    help="JSON adapter configuration (json): a file's path, or a name in adapters_dir or "
    "the shipped ones (`sharenet adapters list`); checked now.",
)
@click.option("--name-zh", default="", help="Chinese name.")
@click.option("--name-en", default="", help="English name.")
@click.option(
    "--platform",
    default=None,
    help="Platform id (default: the source id); it must exist (`sharenet platforms add`).",
)
@click.option("--schedule", default=None, help="Cron expression or 'every 6h'.")
@click.pass_obj
def add(
    settings: Settings,
    source_id: str,
    protocol: str,
    url: str,
    metadata_prefix: str | None,
    sets: tuple[str, ...],
    adapter_config: str | None,
    name_zh: str,
    name_en: str,
    platform: str | None,
    schedule: str | None,
) -> None:
    """Add a source to harvest."""
    if protocol not in ADAPTERS:
        known = ", ".join(sorted(ADAPTERS))
        raise ConfigError(f"unknown protocol {protocol!r}; known: {known}")
    url = validate_url(url, "--url")
    config: dict[str, Any] = {}
    if protocol == "oai-pmh":
        if not metadata_prefix:
            raise ConfigError("--metadata-prefix is required for an oai-pmh source")
        config["metadata_prefix"] = metadata_prefix
        if sets:
            config["sets"] = list(sets)
    if protocol == "json":
        if not adapter_config:
            raise ConfigError("--config NAME or PATH is required for a json source")
        config["config"] = checked_config_name(adapter_config, settings.adapter_dirs)
    with open_database(settings) as db, db.session() as session:
        add_source(
            session,
            source_id,
            platform=platform or source_id,
            protocol=protocol,
            url=url,
            config=config,
            name_zh=name_zh,
            name_en=name_en,
            schedule=schedule,
            adapter_dirs=settings.adapter_dirs,
        )
    click.echo(f"added source {source_id} ({protocol} {url})")


@sources.command("seed")
@click.pass_obj
def seed_(settings: Settings) -> None:
    """Load the platform registry (platforms and their confirmed sources) into the store."""
    registry = load_registry()
    with open_database(settings) as db, db.session() as session:
        platforms, added = seed(session, registry)
    click.echo(f"{platforms} platforms, {added} new sources")


@sources.command()
@click.argument("source_id")
@click.option("--limit", default=10, show_default=True, help="Records to print in full.")
@click.pass_obj
def check(settings: Settings, source_id: str, limit: int) -> None:
    """Fetch, map and judge the first page of a source; store nothing.

    What to run before enabling a source: every mapped record is printed with its
    findings, and a payload that does not map is printed with the reason.
    """
    with open_database(settings) as db, make_client(http_options(settings)) as client:
        report = check_source(
            db,
            source_id,
            client=client,
            freshness_days=settings.freshness_days,
            config_dirs=settings.adapter_dirs,
        )
    echo_check(report, limit)
