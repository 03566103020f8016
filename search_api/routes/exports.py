"""The catalogue for machines: DCAT-AP, schema.org, OAI-PMH and CSTR resolution.

Other aggregators harvest the portal (regulation art. 18) and users cite records
by identifier (art. 24). Representations are chosen by ``?format=`` or, failing
that, by the ``Accept`` header, so the same URL serves people's tools and RDF
crawlers alike.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import func, select
from starlette.routing import NoMatchFound

from harvester.store import Database
from harvester.store.models import RecordRow
from harvester.store.records import StoredRecord, find_by_cstr
from harvester.store.service import EventKind
from mappings.errors import IdentifierError
from mappings.record import Record
from mappings.serialize.dcat_ap import (
    FORMAT_ALIASES,
    MEDIA_TYPES,
    CataloguePage,
    catalogue_graph,
    record_graph,
    serialize,
)
from mappings.serialize.schema_org import schema_org
from search_api.caching import cacheable
from search_api.deps import DbDep
from search_api.errors import InvalidParameter, NotFound
from search_api.oai_pmh import Provider
from search_api.service.log import ServiceDep

router = APIRouter(tags=["exports"])

RDF_MEDIA = {name: media for media, name in MEDIA_TYPES.items()}
SCHEMA_ORG = "schema.org"
MAX_PAGE_SIZE = 1000


def negotiate(request: Request, fmt: str | None, *, default: str) -> str:
    """``json``, ``schema.org`` or an rdflib format name, from ``?format=`` or ``Accept``."""
    if fmt is not None:
        key = fmt.lower()
        if key in {"json", SCHEMA_ORG, "schemaorg"}:
            return "schema.org" if key != "json" else "json"
        if key in FORMAT_ALIASES:
            return FORMAT_ALIASES[key]
        known = sorted({"json", SCHEMA_ORG, *FORMAT_ALIASES})
        raise InvalidParameter("format", f"unknown format {fmt!r}; use one of {known}")
    accept = request.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in MEDIA_TYPES:
            return MEDIA_TYPES[media]
    return default


def record_representation(request: Request, stored: StoredRecord, fmt: str) -> Response:
    """A record as DCAT-AP RDF or schema.org JSON-LD (JSON is the records route's own)."""
    record = stored.record
    base = str(request.base_url).rstrip("/")
    if fmt == SCHEMA_ORG:
        return JSONResponse(
            schema_org(record, url=f"{base}/records/{record.id}"),
            media_type="application/ld+json",
        )
    text = serialize(record_graph(record, base), fmt)
    return Response(text, media_type=f"{RDF_MEDIA[fmt]}; charset=utf-8")


@router.get("/catalogue", response_class=Response)
def catalogue(
    request: Request,
    db: DbDep,
    page: Annotated[int, Query(ge=1, description="Hydra page number, from 1.")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    format: Annotated[
        str | None, Query(description="`jsonld`, `turtle` or `rdf`; else by Accept.")
    ] = None,
) -> Response:
    """The whole federated catalogue as a DCAT-AP 3 ``dcat:Catalog``, paged with Hydra."""
    fmt = negotiate(request, format, default="json-ld")
    if fmt not in RDF_MEDIA:
        raise InvalidParameter("format", "the catalogue is offered as jsonld, turtle or rdf")
    live = RecordRow.deleted.is_(False)
    with db.session() as session:
        total = session.scalar(select(func.count()).select_from(RecordRow).where(live)) or 0
        rows = session.scalars(
            select(RecordRow.data)
            .where(live)
            .order_by(RecordRow.id)
            .offset((page - 1) * page_size)
            .limit(page_size)
        ).all()
    info = CataloguePage(str(request.base_url).rstrip("/"), page, page_size, total)
    if page > info.last_page:
        raise NotFound(f"page {page} is past the last page ({info.last_page})")
    graph = catalogue_graph((Record.model_validate(data) for data in rows), info)
    reply = Response(serialize(graph, fmt), media_type=f"{RDF_MEDIA[fmt]}; charset=utf-8")
    made_of = json.dumps([fmt, str(request.url), total, rows], sort_keys=True, default=str)
    return cacheable(request, reply, basis=made_of.encode())


@router.get("/oai", response_class=Response, name="oai")
def oai_get(request: Request, db: DbDep) -> Response:
    """OAI-PMH 2.0 over the federated catalogue: sets ``platform:<id>`` and ``kind:<kind>``."""
    args = {k: request.query_params.getlist(k) for k in request.query_params}
    return _oai_reply(request, db, args)


@router.post("/oai", response_class=Response, name="oai_post")
async def oai_post(request: Request, db: DbDep) -> Response:
    """The same, with the arguments form-encoded in the body (as the protocol allows)."""
    form = await request.form()
    args = {k: [str(v) for v in form.getlist(k)] for k in form}
    return _oai_reply(request, db, args)


def _oai_reply(request: Request, db: Database, args: dict[str, list[str]]) -> Response:
    provider = Provider(db, str(request.url_for("oai")))
    return Response(provider.respond(args), media_type="text/xml; charset=utf-8")


@router.get("/cstr/{identifier:path}", status_code=303, response_class=RedirectResponse)
def resolve_cstr(
    request: Request,
    identifier: str,
    db: DbDep,
    service: ServiceDep,
    redirect: Annotated[
        str | None, Query(description="`source`: go to the platform's landing page instead.")
    ] = None,
) -> RedirectResponse:
    """Resolve any accepted spelling of a CSTR to the record page (303 See Other)."""
    if redirect not in {None, "source"}:
        raise InvalidParameter("redirect", "the only accepted value is 'source'")
    try:
        with db.session() as session:
            stored = find_by_cstr(session, identifier)
    except IdentifierError as exc:
        raise InvalidParameter("identifier", exc.message) from exc
    if stored is None:
        raise NotFound(f"no record with CSTR {identifier!r}")
    record = stored.record
    service.used(record, EventKind.RESOLUTION)
    if redirect == "source":
        if not record.landing_page:
            raise NotFound(f"record {record.id!r} names no landing page at its source")
        return RedirectResponse(record.landing_page, status_code=303)
    return RedirectResponse(record_page_url(request, record.id), status_code=303)


def record_page_url(request: Request, record_id: str) -> str:
    """The record's web page when the app serves pages, else its API representation."""
    try:
        return str(request.app.url_path_for("record_page", record_id=record_id))
    except NoMatchFound:
        return str(request.app.url_path_for("record_by_id", record_id=record_id))
