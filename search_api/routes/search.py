"""Public full-text search and type-ahead over the catalogue.

Every parameter is checked before the engine sees it, so hostile input (a
10 kB query, ``size=1000000``, ``page=-1``, years out of range) is a 422 naming
the parameter; what reaches the engine is bounded. Query syntax in ``q`` is the
engine's business: backends treat it as words, never as a query language.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, StringConstraints

from indexer.base import FACETS, FacetValue, Filters, Page, SortOrder
from indexer.base import Query as SearchQuery
from mappings.vocabularies import subject_label
from search_api.deps import BackendDep, ConfigDep
from search_api.errors import InvalidParameter
from search_api.service.log import ServiceDep

router = APIRouter(prefix="/api", tags=["search"])

MIN_YEAR, MAX_YEAR = 1000, 2999
MAX_FILTER_VALUES = 50
MAX_FILTER_LENGTH = 300
MAX_SUGGEST_LENGTH = 100


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
    """The indexed summary of the record; the full record is at ``/api/records/{id}``."""
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
def search(
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
) -> SearchResult:
    """Hits with highlights, the total, and the facets of the whole result set."""
    text = q.strip()
    if len(text) > config.max_query_length:
        raise InvalidParameter(
            "q", f"the query is {len(text)} characters long; at most {config.max_query_length}"
        )
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidParameter("year_from", f"{year_from} is after year_to {year_to}")
    if page * size > config.max_result_window:
        raise InvalidParameter(
            "page",
            f"page × size may reach result {config.max_result_window} at most; refine the query",
        )
    filters = Filters(
        platform=_values(platform),
        kind=_values(kind),
        subject=_values(subject),
        keyword=_values(keyword),
        license=_values(license),
        access=_values(access),
        lang=_values(lang),
        year_from=year_from,
        year_to=year_to,
    )
    query = SearchQuery(text=text, filters=filters, sort=sort, page=page, size=size)
    started = time.perf_counter()
    result = backend.search(query)
    request.app.state.metrics.search_seconds.labels("search").observe(time.perf_counter() - started)
    service.searched(text, result.hits)
    return _result(result)


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


def _result(page: Page) -> SearchResult:
    return SearchResult(
        total=page.total,
        page=page.page,
        size=page.size,
        hits=[
            SearchHit(id=h.id, score=h.score, document=h.document, highlights=h.highlights)
            for h in page.hits
        ],
        facets={
            name: [_facet_count(name, f) for f in page.facets.get(name, [])] for name in FACETS
        },
    )


def _facet_count(facet: str, found: FacetValue) -> FacetCount:
    """Subjects are indexed as GB/T 13745 codes (one value per discipline, however a
    source spelled it); people read them by name, so the API names them."""
    named: dict[str, str] = {}
    if facet == "subject":
        named = {lang: text for lang in ("zh", "en") if (text := subject_label(found.value, lang))}
    return FacetCount(value=found.value, count=found.count, label=named or None)
