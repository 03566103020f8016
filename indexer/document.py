"""The backend-neutral index document of a record.

Every backend indexes this one flat dict, so what is searchable, what each facet
counts and what a hit shows are decided once, here, and the embedded engine and
a cluster give the same answers. Keys named after :data:`indexer.base.FACETS`
hold exactly the values the filters of the same name match.

Shape (every key always present; absent values are ``None`` or ``[]``)::

    id, platform, source, kind, cstr, doi      str (cstr, doi may be None)
    identifiers                                  list[str]: every spelling of every identifier
    title_zh, title_en, title                    str | None (title: other languages, joined)
    description_zh, description_en, description  str | None (likewise)
    keywords_zh, keywords_en, keywords           list[str] (keywords: other languages)
    keyword, subject                             list[str] facets: all keywords / subjects
    license, access                              str | None facets
    year                                         int | None facet: issued, else modified
    lang                                         list[str] facet: languages the metadata is in
    issued, modified                             ISO date | None
    summary                                      what a result list shows (see below)

``summary`` = ``{title: {lang: text}, description: {lang: first ~240 characters},
platform, kind, cstr, doi, year, landing_page}``; untagged text is filed under
the language of its script.
"""

from __future__ import annotations

from typing import Any

from mappings.identifiers import find_cstr, find_doi
from mappings.lang import guess_lang
from mappings.record import LangList, LangText, Record

MAIN_LANGS = ("zh", "en")
SNIPPET_CHARS = 240
DOCUMENT_FIELDS: tuple[str, ...] = (
    *("id", "platform", "source", "kind", "cstr", "doi", "identifiers"),
    *("title_zh", "title_en", "title", "description_zh", "description_en", "description"),
    *("keywords_zh", "keywords_en", "keywords", "keyword", "subject"),
    *("license", "access", "year", "lang", "issued", "modified", "summary"),
)
"""The keys of every index document, in the order of the shape above (what a search
API client may ask a hit to carry)."""
"""Length of the description in a hit's summary: enough for two lines of a result list."""


def to_document(record: Record) -> dict[str, Any]:
    """The index document of a live record."""
    title_zh, title_en, title = _split_text(record.title)
    desc_zh, desc_en, desc = _split_text(record.description)
    kw_zh, kw_en, kw_other = _split_terms(record.keywords)
    year = record.year()
    return {
        "id": record.id,
        "platform": record.platform,
        "source": record.source,
        "kind": record.resource_kind.value,
        "cstr": record.cstr,
        "doi": record.doi,
        "identifiers": identifiers(record),
        "title_zh": title_zh,
        "title_en": title_en,
        "title": title,
        "description_zh": desc_zh,
        "description_en": desc_en,
        "description": desc,
        "keywords_zh": kw_zh,
        "keywords_en": kw_en,
        "keywords": kw_other,
        "keyword": _unique([*kw_zh, *kw_en, *kw_other]),
        "subject": _unique(s.strip() for s in record.subjects),
        "license": record.license or None,
        "access": record.access_rights.value if record.access_rights else None,
        "year": year,
        "lang": languages(record),
        "issued": record.issued.isoformat() if record.issued else None,
        "modified": record.modified.isoformat() if record.modified else None,
        "summary": {
            "title": {_lang(lang, text): text for lang, text in record.title.items() if text},
            "description": {
                _lang(lang, text): _snippet(text)
                for lang, text in record.description.items()
                if text
            },
            "platform": record.platform,
            "kind": record.resource_kind.value,
            "cstr": record.cstr,
            "doi": record.doi,
            "year": year,
            "landing_page": record.landing_page,
        },
    }


def identifiers(record: Record) -> list[str]:
    """The record's own identifiers in every spelling a user may paste.

    Related resources' identifiers (``relation`` set) are left out: searching a
    paper's DOI must find the paper's record, not every dataset citing it.
    """
    values = [record.cstr, record.cstr_original, record.doi]
    values += [i.value for i in record.identifiers if i.relation is None]
    out: list[str] = []
    for value in _unique(value.strip() for value in values if value):
        out.extend(identifier_keys(value))  # once per spelling: a CSTR is often given twice
    return _unique(out)


def identifier_keys(value: str) -> list[str]:
    """Lower-cased lookup keys of one identifier: as given, and normalised if a CSTR or DOI.

    The same function keys documents and queries, so any accepted spelling of a
    CSTR or DOI on either side meets the other.
    """
    text = value.strip()
    keys = [text.lower()]
    cstr = find_cstr(text)
    if cstr is not None:
        keys.append(str(cstr).lower())
    doi = find_doi(text)
    if doi is not None:
        keys.append(doi)
    return _unique(keys)


def languages(record: Record) -> list[str]:
    """Languages the metadata is written in; untagged text counts by its script."""
    found: set[str] = set()
    for lang, text in [*record.title.items(), *record.description.items()]:
        if text:
            found.add(_lang(lang, text))
    for lang, terms in record.keywords.items():
        if terms:
            found.add(_lang(lang, " ".join(terms)))
    return sorted(found)


def _split_text(text: LangText) -> tuple[str | None, str | None, str | None]:
    """Chinese, English, and everything else joined (untagged text filed by its script)."""
    by_lang: dict[str, list[str]] = {"zh": [], "en": [], "other": []}
    for lang, value in text.items():
        if not value:
            continue
        key = _lang(lang, value)
        by_lang[key if key in MAIN_LANGS else "other"].append(value)
    zh, en, other = ("\n".join(by_lang[k]) or None for k in ("zh", "en", "other"))
    return zh, en, other


def _split_terms(terms: LangList) -> tuple[list[str], list[str], list[str]]:
    by_lang: dict[str, list[str]] = {"zh": [], "en": [], "other": []}
    for lang, values in terms.items():
        for value in values:
            clean = value.strip()
            if not clean:
                continue
            key = _lang(lang, clean)
            by_lang[key if key in MAIN_LANGS else "other"].append(clean)
    return _unique(by_lang["zh"]), _unique(by_lang["en"]), _unique(by_lang["other"])


def _lang(tag: str, text: str) -> str:
    """Untagged text is filed under the language its script says."""
    return guess_lang(text) if tag == "und" else tag


def _snippet(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    return text[:SNIPPET_CHARS].rstrip() + "…"


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(filter(None, values)))
