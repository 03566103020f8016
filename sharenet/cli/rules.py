"""``sharenet rules reevaluate``: judge stored records again by today's date and rules."""

from __future__ import annotations

import click

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
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Judge every record, not only those whose judgement may have changed.",
)
@click.pass_obj
def reevaluate(settings: Settings, platform: str | None, everything: bool) -> None:
    """Re-run the rules on PLATFORM's stored records (all platforms if omitted).

    Harvests judge only records that changed at the source; this brings the
    findings of unchanged records up to date with the calendar (freshness) and
    with an edited rules file. Only records whose judgement may have changed are
    read (judged with other rules, agency codes or freshness window, or due by
    the calendar), and only those whose findings changed are written. ``--all``
    reads every record: for a build whose checks changed without a new version.
    """
    with open_database(settings) as db, db.session() as session:
        if platform is not None:
            get_platform(session, platform)
        with batch_work(), ProgressLine("rules reevaluate") as line:
            result = reevaluate_records(
                session,
                platform,
                freshness_days=settings.freshness_days,
                everything=everything,
                progress=lambda r: line.update(
                    r.evaluated + r.skipped, r.due, f"{r.changed} changed"
                ),
            )
    skipped = f", {result.skipped} unreadable (kept)" if result.skipped else ""
    click.echo(
        f"re-evaluated {result.evaluated} records of {len(result.platforms)} platform(s): "
        f"{result.changed} changed{skipped}"
    )
