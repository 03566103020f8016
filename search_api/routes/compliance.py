"""Compliance endpoints for a platform's operator and the centre.

Thin on purpose: the figures come from :mod:`harvester.compliance`, which the
report command uses too, so the API and the report never disagree.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from harvester import compliance
from harvester.store.platforms import platform_exists
from mappings.findings import Level
from mappings.rules import default_rules
from search_api.deps import DbDep, PlatformDep
from search_api.errors import InvalidParameter, NotFound

router = APIRouter(tags=["compliance"])

MAX_PAGE_SIZE = 1000

PageNo = Annotated[int, Query(ge=1, description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="items per page")]


def _known(db: DbDep, platform: str) -> None:
    with db.session() as session:
        if not platform_exists(session, platform):
            raise NotFound(f"no platform {platform!r}")


def _rule(rule: str | None, parameter: str) -> str | None:
    if rule is not None and rule not in default_rules().rules:
        known = ", ".join(sorted(default_rules().rules))
        raise InvalidParameter(parameter, f"unknown rule {rule!r}; rules: {known}")
    return rule


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        if fmt not in {"json", "csv"}:
            raise InvalidParameter("format", "must be json or csv")
        return fmt == "csv"
    accept = request.headers.get("accept", "")
    return "text/csv" in accept and "application/json" not in accept


@router.get("/api/platforms/{platform}/compliance")
def platform_compliance(platform: str, db: DbDep, _: PlatformDep) -> dict[str, Any]:
    """Per rule: records it applies to, failing records and pass rate; score distribution."""
    _known(db, platform)
    with db.session() as session:
        return compliance.compliance_summary(session, platform).as_json()


@router.get("/api/platforms/{platform}/findings", response_model=None)
def platform_findings(
    platform: str,
    request: Request,
    db: DbDep,
    _: PlatformDep,
    rule: str | None = None,
    level: str | None = None,
    page: PageNo = 1,
    size: PageSize = 50,
    format: Annotated[str | None, Query(description="json (default) or csv")] = None,
) -> dict[str, Any] | Response:
    """Findings of the platform's records, by rule and level; JSON, or CSV by ``format``/Accept."""
    _known(db, platform)
    _rule(rule, "rule")
    if level is not None and level not in {lv.value for lv in Level}:
        raise InvalidParameter("level", "must be error, warning or info")
    as_csv = _wants_csv(request, format)
    with db.session() as session:
        result = compliance.findings_page(
            session, platform, rule=rule, level=level, page=page, size=size
        )
    if not as_csv:
        return result.as_json()
    out = io.StringIO()
    compliance.write_csv(out, compliance.FINDING_COLUMNS, result.items)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "X-Total-Count": str(result.total),
            "Content-Disposition": f'attachment; filename="{platform}-findings-{page}.csv"',
        },
    )


@router.get("/api/platforms/{platform}/records")
def platform_records(
    platform: str,
    db: DbDep,
    _: PlatformDep,
    failing: str | None = None,
    page: PageNo = 1,
    size: PageSize = 50,
) -> dict[str, Any]:
    """The platform's live records, or only those failing the rule ``failing``."""
    _known(db, platform)
    _rule(failing, "failing")
    with db.session() as session:
        return compliance.records_page(
            session, platform, failing=failing, page=page, size=size
        ).as_json()
