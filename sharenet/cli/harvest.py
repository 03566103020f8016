"""``sharenet harvest ID`` and ``sharenet runs ID``: run a harvest, read the history."""

from __future__ import annotations

import sys

import click

from harvester.runs import RunReport
from harvester.store.runs import list_runs, run_errors
from harvester.store.sources import get_source
from sharenet.cli.progress import ProgressLine
from sharenet.context import open_database
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings


def _counts(report: RunReport) -> str:
    c = report.counts
    return (
        f"added {c.added}, updated {c.updated}, unchanged {c.unchanged}, "
        f"deleted {c.deleted}, withdrawn {c.withdrawn}, failed {c.failed}"
    )


@click.command()
@click.argument("source_id")
@click.option(
    "--full", is_flag=True, help="Ask for everything, not only changes since the last run."
)
@click.option(
    "--trigger",
    type=click.Choice(["manual", "scheduled", "api", "resume"]),
    default="manual",
    hidden=True,
    help="Who started the run (recorded in its history).",
)
@click.pass_obj
def harvest(settings: Settings, source_id: str, full: bool, trigger: str) -> None:
    """Harvest one source now (incremental unless --full; resumes an interrupted run)."""
    with ProgressLine(source_id) as line:

        def progress(report: RunReport) -> None:
            line.update(report.processed, report.expected, f"page {report.pages}")

        report = run_harvest(settings, source_id, full=full, progress=progress, trigger=trigger)
    resumed = f" (resuming run {report.resumed_from})" if report.resumed_from else ""
    click.echo(
        f"run {report.run_id} of {source_id}: {report.mode}{resumed}, {report.status} in "
        f"{report.duration:.1f}s, {report.pages} pages: {_counts(report)}"
    )
    for identifier, reason in report.errors[:10]:
        click.echo(f"  record error {identifier}: {reason}", err=True)
    if report.counts.failed > 10:
        click.echo(f"  ... see `sharenet runs {source_id}` for all errors", err=True)
    if not report.ok:
        click.echo(f"error: run {report.run_id} of {source_id} failed: {report.error}", err=True)
        sys.exit(1)


@click.command()
@click.argument("source_id")
@click.option("--limit", default=10, show_default=True, help="How many recent runs.")
@click.option("--errors", "max_errors", default=5, show_default=True, help="Errors per run.")
@click.pass_obj
def runs(settings: Settings, source_id: str, limit: int, max_errors: int) -> None:
    """The harvest history of a source: counts, failures and record errors."""
    with open_database(settings) as db, db.session() as session:
        get_source(session, source_id)
        history = list_runs(session, source_id, limit=limit)
        if not history:
            click.echo(f"{source_id}: no runs yet")
        for run in history:
            took = (
                f"{(run.finished_at - run.started_at).total_seconds():.1f}s"
                if run.finished_at
                else "-"
            )
            click.echo(
                f"run {run.id}  {run.started_at:%Y-%m-%d %H:%M:%S}Z  {run.mode:<11} "
                f"{run.status:<11} {took:>7}  pages {run.pages}  added {run.added}  "
                f"updated {run.updated}  unchanged {run.unchanged}  deleted {run.deleted}  "
                f"withdrawn {run.withdrawn}  failed {run.failed}"
            )
            if run.resumed_from:
                click.echo(f"    resumed run {run.resumed_from}")
            if run.error:
                click.echo(f"    error: {run.error}")
            for identifier, reason in run_errors(session, run.id, limit=max_errors):
                click.echo(f"    record {identifier}: {reason}")
            if run.failed > max_errors:
                click.echo(f"    ... {run.failed - max_errors} more record errors")
