"""Logging in with a token, and the operator's dashboard of one platform.

The dashboard reads through the operations API's own functions
(:mod:`search_api.routes.sources`) and the compliance queries the compliance
API uses, with the logged-in token's rights: an operator sees their own
platform only, an admin may pick any. "Harvest now" calls the same trigger
as ``POST /api/sources/{id}/harvest``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from harvester import compliance
from harvester.store.platforms import platform_ids
from harvester.store.sources import get_source
from mappings.errors import ShareNetError
from search_api.auth import Principal
from search_api.deps import ConfigDep, DbDep
from search_api.errors import Unauthorized
from search_api.pages import session
from search_api.pages.render import html_errors, render
from search_api.routes import sources as sources_routes

router = APIRouter(include_in_schema=False)

SAFE_NEXT = ("/operator", "/centre")
"""Where a login may lead: never an address chosen by whoever crafted the link."""
RUNS_SHOWN = 10
ERRORS_SHOWN = 20
RECORDS_SHOWN = 20


def _next(value: str | None, principal: Principal | None = None) -> str:
    if value in SAFE_NEXT:
        return value
    return "/centre" if principal is not None and principal.is_admin else "/operator"


def login_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?{urlencode({'next': path})}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    current = session.ensure_session(request)
    return render(request, "login.html", page_session=current, next=_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The token goes in the form body only: never in a URL, never in a log line."""
    current = session.read_session(request)
    try:
        session.check_csrf(request, current, csrf)
        principal = session.login(request, token)
    except ShareNetError as exc:
        fresh = current or session.new_session(None)
        return render(
            request,
            "login.html",
            status_code=exc.http_status,
            page_session=fresh,
            next=_next(next),
            message=exc.message,
        )
    response = RedirectResponse(_next(next, principal), status_code=303)
    session.save(request, response, session.new_session(principal.token_id))
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    session.check_csrf(request, session.read_session(request), csrf)
    response = RedirectResponse("/", status_code=303)
    session.forget(response)
    return response


@router.get("/operator", response_class=HTMLResponse)
@html_errors
def dashboard(
    request: Request,
    db: DbDep,
    config: ConfigDep,
    platform: str | None = None,
    failing: str | None = None,
    started: str | None = None,
) -> Response:
    current = session.read_session(request)
    principal = session.principal(request, current)
    if current is None or principal is None:
        return login_redirect("/operator")
    with db.session() as db_session:
        platforms = platform_ids(db_session)
    chosen = (platform or next(iter(platforms), "")) if principal.is_admin else principal.platform
    chosen = chosen or ""
    principal.ensure_platform(chosen)
    sources = [s for s in sources_routes.sources(principal, db, config) if s.platform == chosen]
    runs = {
        s.id: [
            (run, _report(run.id, principal, db) if run.failed or run.error else None)
            for run in sources_routes.source_runs(s.id, principal, db, limit=RUNS_SHOWN)
        ]
        for s in sources
    }
    with db.session() as db_session:
        summary = compliance.compliance_summary(db_session, chosen)
        rules = {r.rule for r in summary.rules}
        rule = failing if failing in rules else None
        records = compliance.records_page(
            db_session, chosen, failing=rule, size=RECORDS_SHOWN, worst_first=rule is None
        )
    return render(
        request,
        "operator.html",
        page_session=current,
        principal=principal,
        platforms=platforms,
        platform=chosen,
        sources=sources,
        runs=runs,
        summary=summary,
        failing=rule,
        records=records,
        started=started if started in {s.id for s in sources} else None,
    )


def _report(run_id: int, principal: Principal, db: DbDep) -> sources_routes.RunReport:
    return sources_routes.run_report(run_id, principal, db, errors_limit=ERRORS_SHOWN)


@router.post("/operator/harvest", response_class=HTMLResponse)
@html_errors
def harvest_now(
    request: Request,
    db: DbDep,
    config: ConfigDep,
    source: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Start a harvest through the API's own trigger, then back to the dashboard."""
    current = session.read_session(request)
    session.check_csrf(request, current, csrf)
    principal = session.principal(request, current)
    if principal is None:
        raise Unauthorized("log in again: the session has ended")
    try:
        sources_routes.trigger(source, principal, db, config, Response())
    except ShareNetError as exc:
        return render(
            request,
            "error.html",
            status_code=exc.http_status,
            message=exc.message,
            status=exc.http_status,
            back="/operator",
        )
    with db.session() as db_session:
        platform = get_source(db_session, source).platform
    query = urlencode({"platform": platform, "started": source})
    return RedirectResponse(f"/operator?{query}", status_code=303)
