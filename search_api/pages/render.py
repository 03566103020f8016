"""Rendering pages: one Jinja2 environment, autoescaping everything.

Harvested text is hostile until proven otherwise: every value is escaped by
Jinja's autoescape. Exactly two things reach a page unescaped, both built
here or by the engine to be safe: the search engine's highlight fragments
(escaped text plus ``<mark>``) and the JSON-LD block (``<``, ``>`` and ``&``
written as JSON escapes, so no ``</script>`` can close the element early).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode, urlsplit

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select

from harvester.store.models import PlatformRow
from mappings.errors import ShareNetError
from search_api.config import ApiConfig
from search_api.pages import i18n, session

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["percent"] = percent
    env.filters["bytesize"] = bytesize
    env.globals["qs"] = query_string
    env.tests["web_url"] = is_web_url
    return env


def is_web_url(value: object) -> bool:
    """Only ``http(s)`` links are followed: a harvested ``javascript:`` URL stays text."""
    return isinstance(value, str) and urlsplit(value.strip()).scheme.lower() in {"http", "https"}


def when(value: object) -> str:
    """Dates and times as people read them, in UTC; ISO strings pass through trimmed."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text[:16].replace("T", " ") if len(text) > 10 else text


def percent(value: object) -> str:
    if value is None:
        return "—"
    return f"{float(str(value)) * 100:.1f}%"


def bytesize(value: int) -> str:
    size = float(value)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def query_string(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params) if params else ""


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a ``<script type="application/ld+json">``: ``</script>`` cannot appear in it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def highlight(fragment: str) -> Markup:
    """A search engine's highlight fragment: already escaped, matches in ``<mark>``."""
    return Markup(fragment)


def platform_names(config: ApiConfig, lang: i18n.UiLang) -> dict[str, str]:
    """Platform id -> its name in the chosen language (the id when the registry has none)."""
    with config.db.session() as db_session:
        rows = db_session.execute(select(PlatformRow.id, PlatformRow.name_zh, PlatformRow.name_en))
        names = {}
        for pid, name_zh, name_en in rows:
            first, second = (name_en, name_zh) if lang == "en" else (name_zh, name_en)
            names[pid] = first or second or pid
    return names


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    page_session: session.PageSession | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page in the visitor's language; ``page_session`` (re)sets the session cookie."""
    lang = i18n.chosen_lang(request)
    t = i18n.Translator(lang)
    other: i18n.UiLang = "en" if lang == "zh" else "zh"
    switch = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            t=t,
            switch_url=request.url.path + query_string([*switch, ("lang", other)]),
            csrf=page_session.csrf if page_session else "",
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    i18n.remember(request, response, lang)
    if page_session is not None:
        response.headers["Cache-Control"] = "no-store"
        session.save(request, response, page_session)
    return response


P = ParamSpec("P")
R = TypeVar("R", bound=Response)


def html_errors(handler: Callable[P, R]) -> Callable[P, R | HTMLResponse]:
    """Deliberate errors of a page handler become an error page, not the API's JSON."""

    @functools.wraps(handler)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | HTMLResponse:
        try:
            return handler(*args, **kwargs)
        except ShareNetError as exc:
            request = kwargs.get("request")
            assert isinstance(request, Request), "page handlers take `request` by keyword"
            return render(
                request, "error.html", exc.http_status, message=exc.message, status=exc.http_status
            )

    return wrapper
