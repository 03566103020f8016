"""Public full-text search and type-ahead over the catalogue.

Every parameter is checked before the engine sees it, so hostile input (a
10 kB query, ``size=1000000``, ``page=-1``, years out of range) is a 422 naming
the parameter; what reaches the engine is bounded. Query syntax in ``q`` is the
engine's business: backends treat it as words, never as a query language.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, StringConstraints
from starlette.concurrency import run_in_threadpool

from indexer.base import FACETS, FacetValue, Filters, Page, SearchBackend, SortOrder
from indexer.base import Query as SearchQuery
from indexer.document import DOCUMENT_FIELDS
from mappings import jsontext
from mappings.vocabularies import subject_label
from search_api.config import ApiConfig
from search_api.deps import BackendDep, ConfigDep
from search_api.errors import InvalidParameter
from search_api.service.log import ServiceDep, ServiceLog

router = APIRouter(prefix="/api", tags=["search"])

MIN_YEAR, MAX_YEAR = 1000, 2999
MAX_FILTER_VALUES = 50
MAX_FILTER_LENGTH = 300
MAX_SUGGEST_LENGTH = 100
DEFAULT_FIELDS = ("platform", "summary")
"""What a hit carries unless ``fields=`` says otherwise: what a result list shows."""
MAX_FIELDS_LENGTH = 500


class FacetCount(BaseModel):
    value: str
    """What the filter parameter of the same name takes."""
    count: int
    label: dict[str, str] | None = None
    """The value's name by language (``{"zh": "地球科学", "en": "Earth Sciences"}`` for the
    subject code ``170``), where the value is a code; ``None`` where it reads as it is."""


class SearchHit(BaseModel):
    id: str
    score: float
    document: dict[str, Any]
    """The fields of the indexed document that ``fields=`` chose (``platform`` and
    ``summary`` by default); the full record is at ``/api/records/{id}``."""
    highlights: dict[str, list[str]]
    """Field -> HTML fragments with matches in ``<mark>``, everything else escaped."""


class SearchResult(BaseModel):
    total: int
    page: int
    size: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetCount]]


class SuggestionOut(BaseModel):
    text: str
    id: str


class Suggestions(BaseModel):
    suggestions: list[SuggestionOut]


FilterValues = Annotated[
    list[Annotated[str, StringConstraints(max_length=MAX_FILTER_LENGTH)]],
    Query(max_length=MAX_FILTER_VALUES, description="Repeat to OR several values."),
]
Year = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR)]


@router.get("/search", response_model=SearchResult)
async def search(
    request: Request,
    config: ConfigDep,
    backend: BackendDep,
    service: ServiceDep,
    q: Annotated[str, Query(description="Words in Chinese or English, a CSTR, a DOI.")] = "",
    platform: FilterValues = [],  # noqa: B006 - FastAPI copies defaults per request
    kind: FilterValues = [],  # noqa: B006
    subject: FilterValues = [],  # noqa: B006
    keyword: FilterValues = [],  # noqa: B006
    license: FilterValues = [],  # noqa: B006
    access: FilterValues = [],  # noqa: B006
    lang: FilterValues = [],  # noqa: B006
    year_from: Year = None,
    year_to: Year = None,
    sort: SortOrder = "relevance",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
    fields: Annotated[
        str,
        Query(
            max_length=MAX_FIELDS_LENGTH,
            description="What each hit's `document` carries, comma-separated: "
            f"`{'`, `'.join(DOCUMENT_FIELDS)}`, or `all`. Default: "
            f"`{','.join(DEFAULT_FIELDS)}` (what a result list shows).",
        ),
    ] = ",".join(DEFAULT_FIELDS),
) -> Response:
    """Hits with highlights, the total, and the facets of the whole result set."""
    chosen = _fields(fields)
    query = checked(
        config,
        SearchQuery(
            text=q.strip(),
            filters=Filters(
                platform=_values(platform),
                kind=_values(kind),
                subject=_values(subject),
                keyword=_values(keyword),
                license=_values(license),
                access=_values(access),
                lang=_values(lang),
                year_from=year_from,
                year_to=year_to,
            ),
            sort=sort,
            page=page,
            size=size,
        ),
    )
    started = time.perf_counter()
    # A kept answer is served on the event loop; a real search goes to a thread, where the
    # engine lets go of the GIL while it searches, so the kept answers of other requests are
    # not held up behind it (1M records, hot mix, 50 clients: p99 290 -> 44-74 ms).
    result = backend.answered(query)
    if result is None:
        result = await run_in_threadpool(backend.search, query)
    searched(request, service, query, result, started)
    return Response(jsontext.dumps_bytes(_reply(result, chosen)), media_type="application/json")


def find(
    request: Request,
    config: ApiConfig,
    backend: SearchBackend,
    service: ServiceLog,
    query: SearchQuery,
) -> Page:
    """The checks every search passes (the API's and the pages'), the engine's answer,
    its metrics and its service records."""
    checked(config, query)
    started = time.perf_counter()
    result = backend.search(query)
    searched(request, service, query, result, started)
    return result


def checked(config: ApiConfig, query: SearchQuery) -> SearchQuery:
    """``query``, if it is within the bounds every search keeps to (else a 422 naming why)."""
    if len(query.text) > config.max_query_length:
        raise InvalidParameter(
            "q",
            f"the query is {len(query.text)} characters long; at most {config.max_query_length}",
        )
    year_from, year_to = query.filters.year_from, query.filters.year_to
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"{year_from} is after year_to {year_to}")
    if query.page * query.size > config.max_result_window:
        raise InvalidParameter(
            "page",
            f"page × size may reach result {config.max_result_window} at most; refine the query",
        )
    return query


def searched(
    request: Request, service: ServiceLog, query: SearchQuery, result: Page, started: float
) -> None:
    """The search's metrics and service records."""
    request.app.state.metrics.search_seconds.labels("search").observe(time.perf_counter() - started)
    service.searched(query.text, result.hits)


@router.get("/suggest", response_model=Suggestions)
def suggest(
    request: Request,
    backend: BackendDep,
    q: Annotated[str, Query(min_length=1, max_length=MAX_SUGGEST_LENGTH)],
    size: Annotated[int, Query(ge=1, le=20)] = 10,
) -> Suggestions:
    """Titles starting with, or containing, what has been typed so far."""
    started = time.perf_counter()
    found = backend.suggest(q.strip(), size) if q.strip() else []
    request.app.state.metrics.search_seconds.labels("suggest").observe(
        time.perf_counter() - started
    )
    return Suggestions(suggestions=[SuggestionOut(text=s.text, id=s.id) for s in found])


def _values(values: list[str]) -> list[str]:
    """Blank values (``?platform=``) mean "no filter", not "records with no platform"."""
    return [v.strip() for v in values if v.strip()]


def _fields(text: str) -> tuple[str, ...] | None:
    """The document keys asked for (``None``: all of them); unknown names are a 422."""
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if names == ("all",):
        return None
    unknown = [n for n in names if n not in DOCUMENT_FIELDS]
    if unknown:
        raise InvalidParameter(
            "fields", f"unknown field {unknown[0]!r}; use `all` or some of {list(DOCUMENT_FIELDS)}"
        )
    return names


def _reply(page: Page, fields: tuple[str, ...] | None) -> dict[str, Any]:
    """The :class:`SearchResult` as plain JSON values, built without a model in between:
    on a list's hot path, validating a reply the code itself made costs more than the
    search (the model documents the shape and the tests hold the two together)."""
    return {
        "total": page.total,
        "page": page.page,
        "size": page.size,
        "hits": [
            {
                "id": h.id,
                "score": h.score,
                "document": h.document
                if fields is None
                else {f: h.document.get(f) for f in fields},
                "highlights": h.highlights,
            }
            for h in page.hits
        ],
        "facets": {
            name: [_facet_count(name, f) for f in page.facets.get(name, [])] for name in FACETS
        },
    }


def _facet_count(facet: str, found: FacetValue) -> dict[str, Any]:
    """Subjects are indexed as GB/T 13745 codes (one value per discipline, however a
    source spelled it); people read them by name, so the API names them."""
    named: dict[str, str] = {}
    if facet == "subject":
        named = {lang: text for lang in ("zh", "en") if (text := subject_label(found.value, lang))}
    return {"value": found.value, "count": found.count, "label": named or None}
