"""``sharenet links check``: probe landing pages apart from harvesting."""

from __future__ import annotations

from datetime import timedelta

import click

from harvester.linkcheck import check_links, parse_rate
from harvester.store.platforms import get_platform
from sharenet.context import open_database
from sharenet.settings import Settings


@click.group()
def links() -> None:
    """Landing-page link checks."""


@links.command()
@click.argument("platform", required=False)
@click.option("--rate", default="2/s", show_default=True, help="Requests per second: 2/s, 30/min.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per request.")
@click.option(
    "--recheck-after",
    default=7,
    show_default=True,
    type=click.IntRange(min=0),
    help="Skip records whose landing page was checked fewer days ago; 0 checks all.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Check at most N records.")
@click.pass_obj
def check(
    settings: Settings,
    platform: str | None,
    rate: str,
    timeout: float,
    recheck_after: int,
    limit: int | None,
) -> None:
    """Check the landing pages of PLATFORM's live records (all platforms if omitted).

    HEAD first, GET when HEAD is refused; the outcome is stored per record and
    unreachable pages become ``landing-page-reachable`` findings.
    """
    per_second = parse_rate(rate)
    with open_database(settings) as db:
        if platform is not None:
            with db.session() as session:
                get_platform(session, platform)
        result = check_links(
            db,
            platform=platform,
            rate=per_second,
            timeout=timeout,
            recheck_after=timedelta(days=recheck_after) if recheck_after else None,
            limit=limit,
        )
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items())) or "none"
    click.echo(
        f"checked {result.checked} records ({result.requests} requests, "
        f"{result.skipped} checked recently): {outcomes}"
    )
    for plat, failing in sorted(result.findings.items()):
        click.echo(f"{plat}: {failing} records with an unreachable landing page")
