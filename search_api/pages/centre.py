"""The centre's dashboard: every platform's figures in one table, their trends, and CSV.

Figures come from :mod:`harvester.freshness` (``all_freshness`` and the daily
snapshots of ``history``), the same functions behind the freshness API, so the
table, the CSV and the API agree. Admin only: the page shows every platform.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from harvester import freshness
from harvester.compliance import write_csv
from search_api.auth import Principal, authenticate
from search_api.deps import ConfigDep, DbDep
from search_api.pages import charts, i18n, session
from search_api.pages.operator import login_redirect
from search_api.pages.render import html_errors, platform_names, render

router = APIRouter(include_in_schema=False)

TREND_DAYS = 180

COLUMNS: dict[str, Callable[[freshness.Freshness], Any]] = {
    "platform": lambda f: f.platform,
    "last_success": lambda f: f.last_success,
    "success_rate": lambda f: f.success_rate_30d,
    "records": lambda f: f.records,
    "valid_cstr": lambda f: f.valid_cstr_share,
    "mean_score": lambda f: f.mean_quality,
    "fresh_90": lambda f: f.modified_90d_share,
    "fresh_365": lambda f: f.modified_365d_share,
}
"""Sortable columns of the table: query value -> figure."""

CSV_COLUMNS = (
    "platform",
    "name_zh",
    "name_en",
    "records",
    "added_30d",
    "last_success",
    "runs_30d",
    "success_rate_30d",
    "valid_cstr_share",
    "mean_quality",
    "modified_90d_share",
    "modified_365d_share",
    "median_latency_hours",
    "computed_at",
)


def _sorted(rows: list[freshness.Freshness], key: str, descending: bool) -> list[Any]:
    """Missing figures sort last whichever the direction: a blank is never "best"."""
    pick = COLUMNS[key]
    present = [r for r in rows if pick(r) is not None]
    missing = [r for r in rows if pick(r) is None]
    return sorted(present, key=pick, reverse=descending) + missing


def _admin(request: Request) -> tuple[session.PageSession | None, Principal | None]:
    """The session's principal, or for scripts fetching the CSV, an ``Authorization`` header."""
    header = request.headers.get("authorization")
    if header:
        with request.app.state.config.db.session() as db_session:
            return None, authenticate(db_session, header)
    current = session.read_session(request)
    return current, session.principal(request, current)


@router.get("/centre", response_class=HTMLResponse)
@html_errors
def centre(
    request: Request, db: DbDep, config: ConfigDep, sort: str = "platform", order: str = "asc"
) -> Response:
    current, principal = _admin(request)
    if principal is None:
        return login_redirect("/centre")
    principal.ensure_admin()
    lang = i18n.chosen_lang(request)
    key = sort if sort in COLUMNS else "platform"
    descending = order == "desc"
    since = datetime.now(UTC).date() - timedelta(days=TREND_DAYS)
    with db.session() as db_session:
        rows = freshness.all_freshness(db_session)
        trends = {f.platform: freshness.history(db_session, f.platform, since) for f in rows}
    # a platform that never held a record has no trend, only a flat line and a legend entry
    trends = {p: days for p, days in trends.items() if any(f.get("records") for _, f in days)}
    names = platform_names(config, lang)
    t = i18n.Translator(lang)
    record_series = charts.series_of(trends, "records", names)
    fresh_series = charts.series_of(trends, "modified_365d_share", names, scale=100)
    return render(
        request,
        "centre.html",
        page_session=current,
        principal=principal,
        rows=_sorted(rows, key, descending),
        names=names,
        columns=list(COLUMNS),
        sort=key,
        descending=descending,
        records_chart=charts.line_chart(record_series, t("chart_records")),
        records_legend=charts.legend([s.label for s in record_series]),
        fresh_chart=charts.line_chart(fresh_series, t("chart_fresh"), y_max=100),
        fresh_legend=charts.legend([s.label for s in fresh_series]),
    )


@router.get("/centre/platforms.csv")
@html_errors
def platforms_csv(request: Request, db: DbDep, config: ConfigDep) -> Response:
    """The table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese names)."""
    _current, principal = _admin(request)
    if principal is None:
        return login_redirect("/centre")
    principal.ensure_admin()
    with db.session() as db_session:
        rows = freshness.all_freshness(db_session)
    zh, en = platform_names(config, "zh"), platform_names(config, "en")
    out = io.StringIO()
    out.write("\ufeff")
    write_csv(
        out,
        CSV_COLUMNS,
        (
            {**f.as_json(), "name_zh": zh.get(f.platform, ""), "name_en": en.get(f.platform, "")}
            for f in rows
        ),
    )
    stamp = date.today().isoformat()
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="platforms-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
