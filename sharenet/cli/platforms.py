"""``sharenet platforms``: list, add, show and edit the platforms sources belong to.

A platform must exist before a source, a token or a report can name it (the
rule lives in :mod:`harvester.store.platforms`); this is how a platform that is
not in the registry file joins.
"""

from __future__ import annotations

from typing import Any

import click

from harvester.errors import ConfigError
from harvester.store.platforms import (
    KINDS,
    add_platform,
    get_platform,
    list_platforms,
    update_platform,
)
from harvester.store.records import count_records
from harvester.store.sources import list_sources
from sharenet.context import open_database
from sharenet.settings import Settings

_CODE_HELP = "CSTR registration-agency code, 5 letters or digits (repeatable)."


@click.group()
def platforms() -> None:
    """The national platforms: data centres, resource centres, repositories."""


@platforms.command("list")
@click.pass_obj
def list_(settings: Settings) -> None:
    """Every platform with its kind, agency codes and names."""
    with open_database(settings) as db, db.session() as session:
        rows = list_platforms(session)
        if not rows:
            click.echo("no platforms yet: `sharenet platforms add` or `sharenet sources seed`")
        for row in rows:
            codes = ",".join(row.agency_codes) or "-"
            click.echo(f"{row.id:<16} {row.kind:<10} {codes:<12} {row.name_zh}  {row.name_en}")


@platforms.command()
@click.argument("platform_id")
@click.option("--name-zh", required=True, help="Chinese name, e.g. 国家冰川冻土沙漠科学数据中心.")
@click.option("--name-en", required=True, help="English name.")
@click.option("--kind", default="data", show_default=True, help=f"One of: {', '.join(KINDS)}.")
@click.option("--agency-code", "agency_codes", multiple=True, help=_CODE_HELP)
@click.option("--site", default=None, help="The platform's site: a host name or an http(s) URL.")
@click.pass_obj
def add(
    settings: Settings,
    platform_id: str,
    name_zh: str,
    name_en: str,
    kind: str,
    agency_codes: tuple[str, ...],
    site: str | None,
) -> None:
    """Add a platform, so that sources, tokens and reports may name it."""
    with open_database(settings) as db, db.session() as session:
        row = add_platform(
            session,
            platform_id,
            name_zh=name_zh,
            name_en=name_en,
            kind=kind,
            site=site,
            agency_codes=agency_codes,
        )
        click.echo(f"added platform {row.id} ({row.name_en})")


@platforms.command()
@click.argument("platform_id")
@click.pass_obj
def show(settings: Settings, platform_id: str) -> None:
    """A platform's fields, its sources and how many live records each holds."""
    with open_database(settings) as db, db.session() as session:
        row = get_platform(session, platform_id)
        click.echo(f"id            {row.id}")
        click.echo(f"name (zh)     {row.name_zh}")
        click.echo(f"name (en)     {row.name_en}")
        click.echo(f"kind          {row.kind}")
        click.echo(f"agency codes  {', '.join(row.agency_codes) or '-'}")
        click.echo(f"site          {row.site or '-'}")
        sources = list_sources(session, platform=platform_id)
        if not sources:
            click.echo(f"no sources yet: `sharenet sources add ID --platform {platform_id} …`")
        for source in sources:
            state = "removed" if source.removed_at else "enabled" if source.enabled else "disabled"
            live = count_records(session, source=source.id)
            click.echo(
                f"source        {source.id} ({source.protocol}, {state}, {live} live records)"
            )


@platforms.command()
@click.argument("platform_id")
@click.option("--name-zh", default=None, help="Chinese name.")
@click.option("--name-en", default=None, help="English name.")
@click.option("--kind", default=None, help=f"One of: {', '.join(KINDS)}.")
@click.option(
    "--agency-code", "agency_codes", multiple=True, help=_CODE_HELP + " Replaces the list."
)
@click.option("--no-agency-codes", is_flag=True, help="Clear the agency codes.")
@click.option("--site", default=None, help="Host name or http(s) URL; '' clears it.")
@click.pass_obj
def edit(
    settings: Settings,
    platform_id: str,
    name_zh: str | None,
    name_en: str | None,
    kind: str | None,
    agency_codes: tuple[str, ...],
    no_agency_codes: bool,
    site: str | None,
) -> None:
    """Change a platform's names, kind, agency codes or site (the others stay).

    A platform of the registry file is refreshed from the file by `sources seed`.
    """
    changes: dict[str, Any] = {
        key: value
        for key, value in (("name_zh", name_zh), ("name_en", name_en), ("kind", kind))
        if value is not None
    }
    if agency_codes or no_agency_codes:
        changes["agency_codes"] = list(agency_codes)
    if site is not None:
        changes["site"] = site
    if not changes:
        raise ConfigError("nothing to change: give at least one option (see --help)")
    with open_database(settings) as db, db.session() as session:
        update_platform(session, platform_id, **changes)
    click.echo(f"platform {platform_id}: changed {', '.join(sorted(changes))}")
