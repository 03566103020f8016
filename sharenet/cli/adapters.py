"""``sharenet adapters``: the JSON adapter configurations a deployment can use, and a check.

A configuration is one file (docs/json-adapter.md). The deployment's own live
in ``adapters_dir`` and are found by name before the shipped ones; a source
may also name a file by its path.
"""

from __future__ import annotations

import click

from harvester.check import check_spec
from harvester.http import make_client
from harvester.protocols.base import SourceSpec
from harvester.store.sources import validate_url
from mappings.errors import MappingConfigError
from mappings.formats.jsonspec import config_files, read_config
from sharenet.cli.checking import echo_check
from sharenet.pipeline import http_options
from sharenet.settings import Settings


@click.group()
def adapters() -> None:
    """JSON adapter configurations: the deployment's own and the shipped ones."""


@adapters.command("list")
@click.pass_obj
def list_(settings: Settings) -> None:
    """Every configuration by name, where it comes from, and whether it is valid.

    A name finds the first file in lookup order (adapters_dir, then shipped); a
    shipped file of the same name is listed as overridden.
    """
    folder = settings.adapter_dirs[0]
    click.echo(f"local configurations: {folder}{'' if folder.is_dir() else ' (no such folder)'}")
    for entry in config_files(settings.adapter_dirs):
        where = "shipped" if entry.shipped else "local"
        if entry.overridden_by is not None:
            where += f", overridden by {entry.overridden_by}"
        try:
            description = read_config(entry.path).config.description
        except MappingConfigError as exc:
            description = f"INVALID: {exc.message}"
        click.echo(f"{entry.name:<16} {where:<10} {entry.path}")
        if description:
            click.echo(f"{'':<16} {description}")


@adapters.command()
@click.argument("file")
@click.option("--url", default=None, help="An API endpoint: fetch one page, map and judge it.")
@click.option("--limit", default=10, show_default=True, help="Records to print in full.")
@click.pass_obj
def check(settings: Settings, file: str, url: str | None, limit: int) -> None:
    """Check a configuration FILE (or name); with --url, show one page's records. Store nothing.

    A mistake is one line naming the file, the key and the reason.
    """
    loaded = read_config(file, settings.adapter_dirs)
    click.echo(
        f"{loaded.origin}: valid configuration {loaded.config.name!r} (version {loaded.version})"
    )
    if url is None:
        return
    spec = SourceSpec(
        id=loaded.config.name,
        platform=loaded.config.name,
        protocol="json",
        url=validate_url(url, "--url"),
        config={"config": loaded.origin},
    )
    with make_client(http_options(settings)) as client:
        report = check_spec(spec, client=client, freshness_days=settings.freshness_days)
    echo_check(report, limit)
