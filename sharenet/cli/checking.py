"""Printing a dry run's first page: shared by ``sources check`` and ``adapters check``."""

from __future__ import annotations

import click

from harvester.check import CheckedItem, CheckReport


def echo_check(report: CheckReport, limit: int) -> None:
    """Every mapped record with its findings (up to ``limit``), each failure, and a summary."""
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
        f"{report.source}: first page: {len(report.items)} items{total}, {mapped} mapped, "
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
