"""One record, whole: the unified record, where it came from, and what the rules found.

Read from the store, not the index: the store is the source of truth, and a
record page must show the provenance the index does not keep. A record deleted
at its source answers 410 Gone (it existed; it is withdrawn), an unknown one 404.

Other representations (DCAT-AP RDF, schema.org JSON-LD) are chosen by ``?format=``
or ``Accept`` and built in :mod:`search_api.routes.exports`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from harvester.store.records import StoredRecord, find_by_cstr, get_record
from harvester.store.service import EventKind
from mappings.errors import IdentifierError
from mappings.serialize.citation import citations
from search_api.caching import cacheable
from search_api.deps import DbDep
from search_api.errors import Gone, InvalidParameter, NotFound
from search_api.routes.exports import negotiate, record_representation
from search_api.service.log import ServiceDep

router = APIRouter(prefix="/api/records", tags=["records"])

_OTHER_MEDIA = ("application/ld+json", "text/turtle", "application/rdf+xml")

RecordId = Annotated[str, Path(max_length=160, description="The record's internal id.")]


class Provenance(BaseModel):
    source: str
    source_identifier: str
    source_datestamp: datetime | None
    harvested_at: datetime | None
    first_seen_at: datetime
    changed_at: datetime
    content_hash: str | None
    raw_format: str
    raw_url: str
    """Where the payload is, exactly as the platform sent it."""


class FindingOut(BaseModel):
    rule: str
    level: str
    message_zh: str
    message_en: str
    fields: list[str]
    detail: str | None


class RecordOut(BaseModel):
    record: dict[str, Any]
    """The unified record (see ``mappings.record.Record``)."""
    provenance: Provenance
    findings: list[FindingOut]
    quality_score: float | None
    citation: dict[str, str]
    """How to cite the record (art. 24): GB/T 7714 and DataCite styles."""


@router.get("/by-cstr/{cstr:path}", response_model=RecordOut)
def by_cstr(
    request: Request,
    cstr: Annotated[
        str,
        Path(
            max_length=300,
            description="Any spelling: `CSTR:31253.11.x`, `31253.11.x`, lower case, "
            "or the resolver link `https://cstr.cn/31253.11.x`.",
        ),
    ],
    db: DbDep,
    service: ServiceDep,
) -> Response:
    """The record registered under a CSTR, however the CSTR is spelled."""
    try:
        with db.session() as session:
            stored = find_by_cstr(session, _restore_scheme(cstr))
    except IdentifierError as exc:
        raise InvalidParameter("cstr", exc.message) from exc
    if stored is None:
        raise NotFound(f"no record with CSTR {cstr!r}")
    response = cacheable(request, _json(record_response(stored)))
    service.used(stored.record, EventKind.VIEW)
    return response


@router.get(
    "/{record_id}",
    response_model=RecordOut,
    name="record_by_id",
    responses={200: {"content": {m: {} for m in _OTHER_MEDIA}}},
)
def by_id(
    request: Request,
    record_id: RecordId,
    db: DbDep,
    service: ServiceDep,
    format: Annotated[
        str | None,
        Query(
            description="`json` (default), `schema.org`, `jsonld`, `turtle` or `rdf`; "
            "else chosen by the Accept header."
        ),
    ] = None,
) -> Response:
    """The record whole; ``ETag``-validated (a 304 for a client that holds it already)."""
    fmt = negotiate(request, format, default="json")
    with db.session() as session:
        stored = get_record(session, record_id)
    if stored is None:
        raise NotFound(f"no record with id {record_id!r}")
    if fmt != "json" and not stored.record.deleted:
        made_of = f"{fmt}\0{request.base_url}\0{stored.record.model_dump_json()}"
        response = cacheable(
            request, record_representation(request, stored, fmt), basis=made_of.encode()
        )
    else:
        response = cacheable(request, _json(record_response(stored)))
    service.used(stored.record, EventKind.VIEW)
    return response


@router.get("/{record_id}/raw", response_class=Response)
def raw(request: Request, record_id: RecordId, db: DbDep) -> Response:
    """The payload as harvested: XML for OAI-PMH formats, JSON for JSON APIs."""
    with db.session() as session:
        stored = get_record(session, record_id)
    if stored is None:
        raise NotFound(f"no record with id {record_id!r}")
    text = stored.raw.lstrip()
    media = "application/json" if text.startswith(("{", "[")) else "application/xml"
    if not text:
        media = "text/plain"
    return cacheable(request, Response(stored.raw, media_type=f"{media}; charset=utf-8"))


def record_response(stored: StoredRecord) -> RecordOut:
    """The JSON representation of a stored record (the default, and so far the only one)."""
    record = stored.record
    if record.deleted:
        raise Gone(
            f"record {record.id!r} was deleted at its source",
            detail={"id": record.id, "deleted_at": stored.changed_at.isoformat()},
        )
    return RecordOut(
        record=record.model_dump(mode="json"),
        provenance=Provenance(
            source=record.source,
            source_identifier=record.source_identifier,
            source_datestamp=record.source_datestamp,
            harvested_at=record.harvested_at,
            first_seen_at=stored.first_seen_at,
            changed_at=stored.changed_at,
            content_hash=record.content_hash,
            raw_format=stored.raw_format,
            raw_url=f"/api/records/{record.id}/raw",
        ),
        findings=[FindingOut(**f.model_dump(mode="json")) for f in stored.findings],
        quality_score=stored.quality_score,
        citation=citations(record),
    )


def _json(out: RecordOut) -> Response:
    return JSONResponse(out.model_dump(mode="json"))


def _restore_scheme(cstr: str) -> str:
    """Proxies squash ``https://`` in a path to ``https:/``; the resolver link still counts."""
    for scheme in ("https:/", "http:/"):
        if cstr.lower().startswith(scheme) and not cstr.lower().startswith(scheme + "/"):
            return scheme + "/" + cstr[len(scheme) :]
    return cstr
