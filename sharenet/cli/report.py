"""``sharenet report …``: reports for the platform centre, one subcommand each.

The group holds every report (``compliance`` now; ``evaluation`` joins it as
another ``@report.command``); each subcommand builds its data from the store
and renders it with :mod:`sharenet.reports.render`.
"""

from __future__ import annotations

from pathlib import Path

import click

from sharenet.context import open_database
from sharenet.reports import compliance as compliance_report
from sharenet.reports import evaluation as evaluation_report
from sharenet.reports.render import FORMATS
from sharenet.settings import Settings


def write_output(text: str, output: Path | None) -> None:
    """The report on stdout, or in a file (a clear message when the file cannot be written)."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {output}", err=True)


format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout.",
)


@click.group()
def report() -> None:
    """Reports for the platform centre."""


@report.command()
@click.argument("platform", required=False)
@format_option
@output_option
@click.option(
    "--no-snapshot",
    is_flag=True,
    help="Do not keep this report's figures: the next report compares with the last kept one.",
)
@click.pass_obj
def compliance(
    settings: Settings, platform: str | None, fmt: str, output: Path | None, no_snapshot: bool
) -> None:
    """Compliance per platform (all, or PLATFORM): counts, pass rates, scores, worst records.

    Each report is compared with the previous one kept in the store, and its
    figures are kept for the next.
    """
    with open_database(settings) as db, db.session() as session:
        data = compliance_report.build_report(session, platform, save=not no_snapshot)
    write_output(compliance_report.render(data, fmt), output)


@report.command()
@click.argument("platform")
@click.option("--year", type=click.IntRange(2000, 2999), required=True, help="Calendar year.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(evaluation_report.FORMATS),
    default="html",
    show_default=True,
)
@output_option
@click.pass_obj
def evaluation(settings: Settings, platform: str, year: int, fmt: str, output: Path | None) -> None:
    """A platform's evaluation for one year: resources, service results, operation.

    Serves as the platform's annual self-evaluation (art. 26) and as an input to
    the centre's biennial evaluation (art. 27).
    """
    with open_database(settings) as db, db.session() as session:
        data = evaluation_report.build_report(session, platform, year)
    write_output(evaluation_report.render(data, fmt), output)
