"""``sharenet sources``: list, add, edit, remove and seed the sources the harvester reads."""

from __future__ import annotations

from typing import Any

import click

from harvester.check import CheckedItem, check_source
from harvester.errors import ConfigError
from harvester.http import make_client
from harvester.protocols import ADAPTERS
from harvester.registry import load_registry, seed
from harvester.store.runs import latest_run
from harvester.store.sources import add_source, list_sources, validate_url
from mappings.formats.jsonspec import load_config
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
    help="JSON adapter configuration: a name in mappings/platforms/ (json), checked now.",
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
            raise ConfigError("--config NAME is required for a json source")
        load_config(adapter_config)
        config["config"] = adapter_config
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
        report = check_source(db, source_id, client=client, freshness_days=settings.freshness_days)
    for index, item in enumerate(report.items):
        if index >= limit:
            click.echo(f"... {len(report.items) - limit} more records on this page not shown")
            break
        _echo_checked(item)
    for identifier, reason in report.errors:
        click.echo(f"! {identifier}: {reason}")
    mapped = sum(1 for item in report.items if item.record is not None)
    failed = sum(1 for item in report.items if item.error) + len(report.errors)
    total = f" of {report.total}" if report.total is not None else ""
    more = "; more pages follow" if report.more else ""
    click.echo(
        f"{source_id}: first page: {len(report.items)} items{total}, {mapped} mapped, "
        f"{failed} failed{more}. Nothing was stored."
    )


def _echo_checked(item: CheckedItem) -> None:
    payload = item.payload
    if payload.deleted:
        click.echo(f"= {payload.source_identifier}: deleted at the source")
        return
    if item.record is None:
        click.echo(f"! {payload.source_identifier}: {item.error}")
        return
    click.echo(f"= {payload.source_identifier} ({payload.format})")
    click.echo(item.record.model_dump_json(indent=2, exclude_defaults=True))
    score = f"{item.score:.2f}" if item.score is not None else "-"
    click.echo(f"  findings ({len(item.findings)}, score {score}):")
    for finding in item.findings:
        click.echo(f"  [{finding.level.value}] {finding.rule}: {finding.message_en}")
