"""``sharenet rules reevaluate``: judge stored records again by today's date and rules."""

from __future__ import annotations

import click

from harvester.compliance import count_live
from harvester.compliance import reevaluate as reevaluate_records
from harvester.store.platforms import get_platform
from sharenet.batch import batch_work
from sharenet.cli.progress import ProgressLine
from sharenet.context import open_database
from sharenet.settings import Settings


@click.group()
def rules() -> None:
    """Compliance rules."""


@rules.command()
@click.argument("platform", required=False)
@click.pass_obj
def reevaluate(settings: Settings, platform: str | None) -> None:
    """Re-run the rules on PLATFORM's stored records (all platforms if omitted).

    Harvests judge only records that changed at the source; this brings the
    findings of unchanged records up to date with the calendar (freshness) and
    with an edited rules file. Only records whose findings changed are written.
    """
    with open_database(settings) as db, db.session() as session:
        if platform is not None:
            get_platform(session, platform)
        total = count_live(session, platform)
        with batch_work(), ProgressLine("rules reevaluate") as line:
            result = reevaluate_records(
                session,
                platform,
                freshness_days=settings.freshness_days,
                progress=lambda r: line.update(
                    r.evaluated + r.skipped, total, f"{r.changed} changed"
                ),
            )
    skipped = f", {result.skipped} unreadable (kept)" if result.skipped else ""
    click.echo(
        f"re-evaluated {result.evaluated} records of {len(result.platforms)} platform(s): "
        f"{result.changed} changed{skipped}"
    )
