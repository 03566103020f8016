"""The public pages: home, search results, record pages, and their static files.

The pages call the JSON API's own functions (:func:`search_api.routes.search.search`,
:func:`search_api.routes.records.record_response`), so a page never shows
something the API would answer differently. Query parameters are read
leniently — a page answers a mistyped ``page=abc`` with page 1, not with the
API's 422 — and whatever remains wrong (a 10 kB query) is shown as a message.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, cast, get_args

from fastapi import APIRouter, Form, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy import select

from harvester.store.complaints import CATEGORIES, MAX_TEXT_LENGTH
from harvester.store.models import PlatformRow
from harvester.store.ratings import record_ratings
from harvester.store.records import get_record
from harvester.store.service import EventKind
from indexer.base import FACETS, Filters, Hit, Page, SearchBackend, SortOrder
from indexer.base import Query as SearchQuery
from mappings.errors import ShareNetError
from mappings.identifiers import CSTR_RESOLVER
from mappings.record import pick_lang
from mappings.serialize.schema_org import schema_org
from search_api.config import ApiConfig
from search_api.deps import BackendDep, ConfigDep, DbDep, SameSiteDep
from search_api.errors import InvalidParameter, NotFound
from search_api.pages import i18n
from search_api.pages.render import highlight, html_errors, json_ld, platform_names, render
from search_api.routes import search as search_routes
from search_api.routes.complaints import Category, ComplaintIn, receive
from search_api.routes.exports import record_page_url
from search_api.routes.records import record_response
from search_api.service.log import ServiceDep, ServiceLog

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
SORTS: tuple[str, ...] = get_args(SortOrder)
PAGE_SIZES = (10, 20, 50)
PAGE_WINDOW = 2
"""Page links shown either side of the current page."""

LIST_FILTERS = ("platform", "kind", "subject", "keyword", "license", "access")
LANGUAGE_FILTER = "language"
"""The metadata-language filter; ``lang`` is the interface language on pages."""


@router.get("/static/{name}")
def static(name: Annotated[str, PathParam(max_length=64)]) -> FileResponse:
    """The pages' own CSS, script and icon: nothing is fetched from elsewhere."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        raise NotFound(f"no static file {name!r}")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/", response_class=HTMLResponse)
@html_errors
def home(request: Request, config: ConfigDep, backend: BackendDep) -> HTMLResponse:
    """The search box, and what the catalogue holds per platform (a count, not a search)."""
    lang = i18n.chosen_lang(request)
    overview = backend.search(SearchQuery(size=1, highlight=False))
    return render(
        request,
        "home.html",
        total=overview.total,
        platforms=overview.facets.get("platform", []),
        names=platform_names(config, lang),
    )


@dataclass(slots=True)
class SearchForm:
    """What the visitor asked, read leniently from the query string."""

    q: str
    filters: dict[str, list[str]]
    year_from: int | None
    year_to: int | None
    sort: SortOrder
    page: int
    size: int

    @classmethod
    def read(cls, request: Request) -> SearchForm:
        params = request.query_params
        filters = {name: _clean(params.getlist(name)) for name in LIST_FILTERS}
        filters["lang"] = _clean(params.getlist(LANGUAGE_FILTER))
        sort = params.get("sort", "relevance")
        order: SortOrder = cast(SortOrder, sort) if sort in SORTS else "relevance"
        size = _int(params.get("size")) or PAGE_SIZES[1]
        return cls(
            q=params.get("q", "").strip(),
            filters=filters,
            year_from=_int(params.get("year_from")),
            year_to=_int(params.get("year_to")),
            sort=order,
            page=max(1, _int(params.get("page")) or 1),
            size=size if size in PAGE_SIZES else PAGE_SIZES[1],
        )

    def params(
        self, *, page: int | None = None, drop: tuple[str, str] | None = None
    ) -> list[tuple[str, str]]:
        """This search as query parameters, on another page or without one filter value
        (``("year", Y)`` drops both year bounds equal to Y)."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name, values in self.filters.items():
            key = LANGUAGE_FILTER if name == "lang" else name
            out += [(key, v) for v in values if (name, v) != drop]
        for name, year in (("year_from", self.year_from), ("year_to", self.year_to)):
            if year is not None and drop not in {(name, str(year)), ("year", str(year))}:
                out.append((name, str(year)))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.size != PAGE_SIZES[1]:
            out.append(("size", str(self.size)))
        if page is not None and page > 1:
            out.append(("page", str(page)))
        return out

    def with_facet(self, facet: str, value: str) -> list[tuple[str, str]]:
        """Add a facet value (a year narrows both bounds to it); back to page 1."""
        base = self.params()
        if facet == "year":
            base = [(k, v) for k, v in base if k not in {"year_from", "year_to"}]
            return [*base, ("year_from", value), ("year_to", value)]
        key = LANGUAGE_FILTER if facet == "lang" else facet
        return [*base, (key, value)]

    def is_active(self, facet: str, value: str) -> bool:
        if facet == "year":
            return self.year_from == self.year_to == _int(value)
        return value in self.filters.get(facet, [])

    def active(self) -> list[tuple[str, str, str, str]]:
        """``(facet, value, drop key, drop value)`` of every filter applied."""
        out = [(name, v, name, v) for name, values in self.filters.items() for v in values]
        for name, year in (("year_from", self.year_from), ("year_to", self.year_to)):
            if year is not None:
                out.append((name, str(year), name, str(year)))
        return out

    @property
    def filtered(self) -> bool:
        return bool(self.active())


def _clean(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))[
        : search_routes.MAX_FILTER_VALUES
    ]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def _search(
    request: Request,
    config: ApiConfig,
    backend: SearchBackend,
    service: ServiceLog,
    form: SearchForm,
) -> Page:
    """Exactly the API's search: same checks, engine call, metrics and service records."""
    year_from = form.year_from if form.year_from and 0 < form.year_from < 10_000 else None
    year_to = form.year_to if form.year_to and 0 < form.year_to < 10_000 else None
    filters = Filters(**form.filters, year_from=year_from, year_to=year_to)
    page = min(form.page, config.max_result_window // form.size)
    return search_routes.find(
        request,
        config,
        backend,
        service,
        SearchQuery(text=form.q, filters=filters, sort=form.sort, page=page, size=form.size),
    )


@dataclass(slots=True)
class ResultView:
    """One hit as the result list shows it: highlighted where the engine matched."""

    id: str
    title: Any
    description: Any
    platform: str
    kind: str
    year: object
    cstr: str | None


def _view(hit: Hit, lang: i18n.UiLang) -> ResultView:
    summary: dict[str, Any] = cast(dict[str, Any], hit.document.get("summary") or {})
    return ResultView(
        id=hit.id,
        title=_shown(summary.get("title") or {}, hit.highlights, "title", lang) or hit.id,
        description=_shown(summary.get("description") or {}, hit.highlights, "description", lang),
        platform=str(summary.get("platform") or hit.document.get("platform") or ""),
        kind=str(summary.get("kind") or ""),
        year=summary.get("year"),
        cstr=summary.get("cstr"),
    )


def _shown(texts: dict[str, str], highlights: dict[str, list[str]], field: str, lang: str) -> Any:
    """The engine's highlight where the query matched (in whichever language it matched),
    else the text in the chosen language."""
    fragments = highlights.get(field)
    if fragments:
        return highlight(" … ".join(fragments))
    return pick_lang(texts, lang) if texts else ""


@router.get("/search", response_class=HTMLResponse)
@html_errors
def search_page(
    request: Request, config: ConfigDep, backend: BackendDep, service: ServiceDep
) -> HTMLResponse:
    lang = i18n.chosen_lang(request)
    form = SearchForm.read(request)
    message = None
    try:
        result = _search(request, config, backend, service, form)
    except ShareNetError as exc:
        message = exc.message
        result = Page(total=0, hits=[], facets={}, page=1, size=form.size)
    last = max(1, min(-(-result.total // form.size), config.max_result_window // form.size))
    window = range(max(1, form.page - PAGE_WINDOW), min(last, form.page + PAGE_WINDOW) + 1)
    return render(
        request,
        "search.html",
        status_code=422 if message else 200,
        form=form,
        result=result,
        results=[_view(h, lang) for h in result.hits],
        facets=[(name, result.facets.get(name, [])) for name in FACETS],
        names=platform_names(config, lang),
        message=message,
        last_page=last,
        window=window,
        sorts=SORTS,
        sizes=PAGE_SIZES,
    )


@router.get("/records/{record_id}", response_class=HTMLResponse, name="record_page")
@html_errors
def record_page(
    request: Request,
    record_id: Annotated[str, PathParam(max_length=160)],
    db: DbDep,
    config: ConfigDep,
    service: ServiceDep,
) -> HTMLResponse:
    """Every field of a record, its identifiers, citation, access, findings and JSON-LD."""
    lang = i18n.chosen_lang(request)
    with db.session() as session:
        stored = get_record(session, record_id)
        if stored is None:
            raise NotFound(f"no record with id {record_id!r}")
        platform = session.scalars(
            select(PlatformRow).where(PlatformRow.id == stored.record.platform)
        ).one_or_none()
        site = platform.site if platform else None
        ratings = record_ratings(session, record_id)
    out = record_response(stored)  # 410 Gone for a deleted record, as the API says
    record = stored.record
    service.used(record, EventKind.VIEW)
    page_url = str(request.url_for("record_page", record_id=record.id))
    levels = {"error": 0, "warning": 1, "info": 2}
    return render(
        request,
        "record.html",
        record=record,
        out=out,
        title=record.best_title(lang),
        other_titles=[(k, v) for k, v in record.title.items() if v != record.best_title(lang)],
        description=pick_lang(record.description, lang),
        platform_name=platform_names(config, lang).get(record.platform, record.platform),
        platform_site=site,
        findings=sorted(out.findings, key=lambda f: (levels.get(f.level, 3), f.rule)),
        cstr_resolver=CSTR_RESOLVER,
        json_ld=json_ld(schema_org(record, url=page_url, lang=lang)),
        ratings=ratings,
        rated=request.query_params.get("rated"),
        complaint_categories=[
            (code, en if lang == "en" else zh) for code, (zh, en) in CATEGORIES.items()
        ],
        complaint_max=MAX_TEXT_LENGTH,
        complained=_int(request.query_params.get("complained")),
    )


@router.post("/records/{record_id}/complaints")
@html_errors
def complain(
    request: Request,
    record_id: Annotated[str, PathParam(max_length=160)],
    db: DbDep,
    service: ServiceDep,
    _same_site: SameSiteDep,
    category: Annotated[Category, Form()],
    text: Annotated[str, Form(max_length=MAX_TEXT_LENGTH)],
    contact_email: Annotated[str, Form(max_length=254)] = "",
) -> RedirectResponse:
    """The record page's complaint form (works without JavaScript): filed as by the API,
    then back to the page, which confirms with the complaint's number. A mistake the
    browser did not catch (an address that is no e-mail) is an error page saying so."""
    try:
        body = ComplaintIn(
            record_id=record_id, category=category, text=text, contact_email=contact_email or None
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise InvalidParameter(str(problem["loc"][0]), str(problem["msg"])) from exc
    complaint = receive(body, db, service)
    target = f"{record_page_url(request, record_id)}?complained={complaint.id}#complaint"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
