"""The compliance report: per platform, how its records fare against the national rules.

For each platform: record counts, failing records and pass rate per rule, the
quality-score distribution, the worst records, and the change since the
previous report. The previous report is the latest snapshot in the store's
``compliance_snapshots`` table (not a file: the centre may run reports from
any host against the shared PostgreSQL store); making a report saves a new
snapshot unless asked not to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.compliance import compliance_summary, records_page
from harvester.store.compliance_models import ComplianceSnapshotRow
from harvester.store.platforms import get_platform, platform_ids
from sharenet.reports.render import render_csv, render_html, render_json

WORST = 20
"""Worst records listed per platform."""

CSV_COLUMNS = ("platform", "section", "key", "value", "previous", "change")


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 4)


def _latest_snapshot(session: Session, platform: str) -> ComplianceSnapshotRow | None:
    return session.scalars(
        select(ComplianceSnapshotRow)
        .where(ComplianceSnapshotRow.platform == platform)
        .order_by(ComplianceSnapshotRow.created_at.desc(), ComplianceSnapshotRow.id.desc())
        .limit(1)
    ).first()


def _figures(summary: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot keeps: the counts a later report compares against."""
    return {
        "records": summary["records"],
        "physical": summary["physical"],
        "with_findings": summary["with_findings"],
        "score": summary["score"],
        "rules": {
            r["rule"]: {"failing": r["failing"], "pass_rate": r["pass_rate"]}
            for r in summary["rules"]
        },
    }


def _with_changes(summary: dict[str, Any], previous: Mapping[str, Any] | None) -> None:
    before_rules: Mapping[str, Any] = (previous or {}).get("rules", {})
    for rule in summary["rules"]:
        old = before_rules.get(rule["rule"], {})
        rule["previous_failing"] = old.get("failing")
        rule["failing_change"] = _change(rule["failing"], old.get("failing"))
        rule["pass_rate_change"] = _change(rule["pass_rate"], old.get("pass_rate"))
    prev = previous or {}
    summary["change"] = {
        "records": _change(summary["records"], prev.get("records")),
        "with_findings": _change(summary["with_findings"], prev.get("with_findings")),
        "mean_score": _change(summary["score"]["mean"], prev.get("score", {}).get("mean")),
    }


def platform_report(
    session: Session, platform: str, *, now: datetime, save: bool = True
) -> dict[str, Any]:
    summary = compliance_summary(session, platform).as_json()
    row = get_platform(session, platform)
    summary["name_zh"] = row.name_zh
    summary["name_en"] = row.name_en
    summary["worst"] = records_page(session, platform, worst_first=True, size=WORST).items
    previous = _latest_snapshot(session, platform)
    summary["previous_report_at"] = previous.created_at.isoformat() if previous else None
    _with_changes(summary, previous.figures if previous else None)
    if save:
        session.add(
            ComplianceSnapshotRow(platform=platform, created_at=now, figures=_figures(summary))
        )
        session.flush()
    return summary


def build_report(
    session: Session,
    platform: str | None = None,
    *,
    now: datetime | None = None,
    save: bool = True,
) -> dict[str, Any]:
    """The report of one platform, or of every known platform."""
    now = now or datetime.now(UTC)
    platforms = platform_ids(session) if platform is None else [get_platform(session, platform).id]
    return {
        "report": "compliance",
        "generated_at": now.isoformat(),
        "platforms": [platform_report(session, p, now=now, save=save) for p in platforms],
    }


def _row(
    platform: str,
    section: str,
    key: object,
    value: object,
    previous: object = None,
    change: object = None,
) -> dict[str, Any]:
    return dict(zip(CSV_COLUMNS, (platform, section, key, value, previous, change), strict=True))


def _csv_rows(report: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Long format (platform, section, key, value, previous, change): one figure a row."""
    for p in report["platforms"]:
        name, score, change = p["platform"], p["score"], p["change"]
        for key in ("records", "physical", "with_findings"):
            yield _row(name, "records", key, p[key], change=change.get(key))
        for key in ("scored", "unscored", "mean", "median"):
            moved = change["mean_score"] if key == "mean" else None
            yield _row(name, "score", key, score[key], change=moved)
        for bucket, count in score["buckets"].items():
            yield _row(name, "score_bucket", bucket, count)
        for r in p["rules"]:
            yield _row(
                name,
                "rule_failing",
                r["rule"],
                r["failing"],
                r["previous_failing"],
                r["failing_change"],
            )
            yield _row(
                name, "rule_pass_rate", r["rule"], r["pass_rate"], change=r["pass_rate_change"]
            )
        for w in p["worst"]:
            yield _row(name, "worst_record", w["id"], w["quality_score"])


def render(report: Mapping[str, Any], fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(CSV_COLUMNS, _csv_rows(report))
    return render_html("compliance.html", {"report": report})
