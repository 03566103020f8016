"""The evaluation report of one platform for one year (regulation art. 26–28).

One document serves the platform's annual self-evaluation (art. 26) and the
centre's biennial evaluation (art. 27), which reads two of them: the three
headings are the regulation's — resource integration, service results,
operation. Every figure comes from the functions the API serves, so the report
and the API never disagree. Nothing in it identifies a user: service records
are counts, ratings are averages and moderated comments, complaints are
counted and timed, never quoted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from harvester.compliance import compliance_summary
from harvester.freshness import platform_freshness
from harvester.store.complaints import complaint_stats
from harvester.store.models import RecordRow, RunRow, SourceRow
from harvester.store.platforms import get_platform
from harvester.store.ratings import approved_comments, platform_ratings
from harvester.store.service import roll_up_terms, service_figures
from sharenet.reports.render import render_html, render_json

FORMATS = ("html", "json")
COMMENTS = 10
"""Latest approved comments quoted in the report."""
PURPOSE = {
    "zh": "国家平台年度自评价（第二十六条）；平台中心两年一次评价的依据（第二十七条）",
    "en": "The platform's annual self-evaluation (art. 26) and an input to the centre's "
    "biennial evaluation (art. 27)",
}


def _live_at(moment: datetime) -> ColumnElement[bool]:
    """Records that existed at ``moment``: seen before it, not deleted before it."""
    return and_(
        RecordRow.first_seen_at < moment,
        or_(RecordRow.deleted.is_(False), RecordRow.changed_at >= moment),
    )


def _count(session: Session, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(RecordRow).where(*where)) or 0)


def resources(session: Session, platform: str, start: datetime, end: datetime) -> dict[str, Any]:
    mine = RecordRow.platform == platform
    at_start = _count(session, mine, _live_at(start))
    at_end = _count(session, mine, _live_at(end))
    summary = compliance_summary(session, platform).as_json()
    freshness = platform_freshness(session, platform)
    return {
        "records_at_start": at_start,
        "records_at_end": at_end,
        "growth": at_end - at_start,
        "added": _count(
            session, mine, RecordRow.first_seen_at >= start, RecordRow.first_seen_at < end
        ),
        "removed": _count(
            session,
            mine,
            RecordRow.deleted.is_(True),
            RecordRow.changed_at >= start,
            RecordRow.changed_at < end,
        ),
        "as_of": freshness.computed_at.isoformat(),
        "live_records": summary["records"],
        "physical": summary["physical"],
        "valid_cstr_share": freshness.valid_cstr_share,
        "with_findings": summary["with_findings"],
        "quality": summary["score"],
    }


def operation(session: Session, platform: str, start: datetime, end: datetime) -> dict[str, Any]:
    """Harvest availability (share of the year's finished runs that succeeded), freshness,
    and complaints with their response times."""
    statuses = dict(
        session.execute(
            select(RunRow.status, func.count())
            .where(
                RunRow.source.in_(select(SourceRow.id).where(SourceRow.platform == platform)),
                RunRow.finished_at >= start,
                RunRow.finished_at < end,
                RunRow.status != "running",
            )
            .group_by(RunRow.status)
        ).all()
    )
    finished = sum(statuses.values())
    return {
        "runs": finished,
        "runs_by_status": {k: int(v) for k, v in sorted(statuses.items())},
        "availability": round(statuses.get("succeeded", 0) / finished, 4) if finished else None,
        "freshness": platform_freshness(session, platform).as_json(),
        "complaints": complaint_stats(session, platform, since=start, until=end),
    }


def service(
    session: Session, platform: str, year: int, start: datetime, end: datetime
) -> dict[str, Any]:
    figures = service_figures(session, platform, date(year, 1, 1), date(year, 12, 31)).as_json()
    return {
        "totals": figures["totals"],
        "months": figures["months"],
        "top_records": figures["top_records"],
        "top_terms": figures["top_terms"],
        "min_term_clients": figures["min_term_clients"],
        "ratings": platform_ratings(session, platform, since=start, until=end),
        "comments": [
            {"record_id": c.record_id, "stars": c.stars, "comment": c.comment}
            for c in approved_comments(session, platform, since=start, until=end, limit=COMMENTS)
        ],
    }


def build_report(
    session: Session, platform: str, year: int, *, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    row = get_platform(session, platform)
    roll_up_terms(session, now.date())
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    return {
        "report": "evaluation",
        "purpose": PURPOSE,
        "platform": platform,
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "year": year,
        "from": start.date().isoformat(),
        "to": date(year, 12, 31).isoformat(),
        "generated_at": now.isoformat(),
        "resources": resources(session, platform, start, end),
        "service": service(session, platform, year, start, end),
        "operation": operation(session, platform, start, end),
    }


def render(report: Mapping[str, Any], fmt: str) -> str:
    if fmt == "json":
        return render_json(report)
    return render_html("evaluation.html", {"report": report})
