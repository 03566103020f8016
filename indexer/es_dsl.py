"""Index layout and query DSL shared by the Elasticsearch and OpenSearch backends.

Both clusters speak the same DSL, so everything that decides *what* is indexed and
*how* a :class:`~indexer.base.Query` is asked lives here, as plain dicts; the backends
in :mod:`indexer.elasticsearch_` only carry them over the wire.

Layout of one cluster document:

* ``doc`` — the backend-neutral document of :func:`indexer.document.to_document`, kept
  in ``_source`` but not indexed: hits return exactly what the embedded engine returns;
* ``<facet>`` — one keyword (``year``: integer) field per facet, holding the same values
  the neutral document gives, so facet counts agree with the embedded engine;
* ``title_<lang>``, ``description_<lang>``, ``keywords_<lang>`` — text for ``zh`` (the
  configured Chinese analyzer, plus a ``.chars`` sub-field with one token per Han
  character so any word, even a single character, matches exactly as a phrase), ``en``
  (``english``: stemming) and ``other`` (``standard``);
* ``identifiers`` — CSTR, DOI and other identifiers, lower-cased keywords for exact lookup;
* ``suggest`` — ``search_as_you_type`` over the titles for type-ahead (a ``bool_prefix``
  query rather than a completion suggester: it also runs on OpenSearch-compatible servers
  without the suggester API, and needs no second index structure).

User text never reaches a ``query_string``: it is split here into words and quoted
phrases, each becoming a ``multi_match`` / phrase query, so syntax characters are just text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from indexer.base import FACETS, FacetValue, Filters, Hit, Page, Query, Suggestion
from indexer.errors import QueryError
from mappings.errors import IdentifierError
from mappings.identifiers import normalise_cstr, normalise_doi
from mappings.record import Record

MAPPING_VERSION = 1
"""Bump on any change below that needs re-indexing; ``check()`` compares it with ``_meta``."""

ZhAnalyzer = Literal["cjk", "smartcn", "ik"]

ZH_ANALYZERS: dict[str, tuple[str, str]] = {
    "cjk": ("cjk", "cjk"),
    "smartcn": ("smartcn", "smartcn"),
    "ik": ("ik_max_word", "ik_smart"),
}
"""Setting value -> (index analyzer, search analyzer)."""

ZH_PLUGINS: dict[str, str] = {"smartcn": "analysis-smartcn", "ik": "analysis-ik"}
"""Analyzers that need a cluster plugin, and the plugin's name as ``_cat/plugins`` lists it."""

TEXT_LANGS = ("zh", "en", "other")
TEXT_FIELDS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "description": 1.0}
"""Searchable text and its weight: a title match counts three times a description match."""

MAX_SIZE = 100
MAX_WINDOW = 10_000
"""Deepest hit reachable by paging (the cluster's default ``index.max_result_window``)."""
MAX_QUERY_CHARS = 1_000
MAX_QUERY_TERMS = 32
"""Longer queries are cut: a 10 kB query must cost no more than a sensible one."""

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_ADJACENT_MARKS = re.compile(r"</mark>(\s*)<mark>")


# --------------------------------------------------------------------------- index


def index_body(analyzer_zh: ZhAnalyzer = "cjk", *, replicas: int = 1) -> dict[str, Any]:
    """Settings and explicit mappings of a new versioned index."""
    index_zh, search_zh = ZH_ANALYZERS[analyzer_zh]
    zh_text = {
        "type": "text",
        "analyzer": index_zh,
        "search_analyzer": search_zh,
        "fields": {"chars": {"type": "text", "analyzer": "standard"}},
    }
    by_lang = {
        "zh": zh_text,
        "en": {"type": "text", "analyzer": "english"},
        "other": {"type": "text", "analyzer": "standard"},
    }
    properties: dict[str, Any] = {
        "doc": {"type": "object", "enabled": False},
        "id": {"type": "keyword"},
        "identifiers": {"type": "keyword", "normalizer": "lowercase"},
        "sort_title": {"type": "keyword"},
        "sort_date": {"type": "date", "format": "strict_date"},
        "suggest": {"type": "search_as_you_type", "analyzer": "standard"},
        **{facet: {"type": "keyword"} for facet in FACETS if facet != "year"},
        "year": {"type": "integer"},
    }
    for name in TEXT_FIELDS:
        for lang in TEXT_LANGS:
            properties[f"{name}_{lang}"] = by_lang[lang]
    return {
        "settings": {
            # One shard keeps terms aggregations exact: a catalogue of millions fits in one.
            "number_of_shards": 1,
            "number_of_replicas": replicas,
            "analysis": {"normalizer": {"lowercase": {"type": "custom", "filter": ["lowercase"]}}},
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {"mapping_version": MAPPING_VERSION, "analyzer_zh": analyzer_zh},
            "properties": properties,
        },
    }


def mapping_version(mapping: Mapping[str, Any]) -> int | None:
    """The version recorded in one index's ``GET <index>/_mapping`` entry."""
    meta = mapping.get("mappings", {}).get("_meta") or {}
    version = meta.get("mapping_version")
    return version if isinstance(version, int) else None


def cluster_source(record: Record, document: Mapping[str, Any]) -> dict[str, Any]:
    """The cluster document of one record; ``document`` is its neutral document."""
    source: dict[str, Any] = {"doc": dict(document), "id": record.id}
    for facet in FACETS:
        value = document.get(facet)
        if value not in (None, [], ""):
            source[facet] = value
    for name, texts in (
        ("title", record.title),
        ("description", record.description),
        ("keywords", {lang: " ; ".join(words) for lang, words in record.keywords.items()}),
    ):
        for lang, text in texts.items():
            if text:
                bucket = lang if lang in ("zh", "en") else "other"
                key = f"{name}_{bucket}"
                source[key] = f"{source[key]}\n{text}" if key in source else text
    identifiers = [i for i in (record.cstr, record.cstr_original, record.doi) if i]
    # Identifiers with a relation name another resource (a related dataset), not this one.
    identifiers += [i.value for i in record.identifiers if getattr(i, "relation", None) is None]
    if identifiers:
        source["identifiers"] = sorted(set(identifiers))
    titles = [t for t in (record.title.get("zh"), record.title.get("en")) if t]
    titles += [t for lang, t in record.title.items() if lang not in ("zh", "en") and t]
    if titles:
        source["suggest"] = titles
        source["sort_title"] = record.best_title().casefold()[:256]
    when = record.issued or record.modified
    if when:
        source["sort_date"] = when.isoformat()
    return source


# --------------------------------------------------------------------------- search


def search_body(query: Query) -> dict[str, Any]:
    """The ``_search`` body for ``query``; raises :class:`QueryError` for unreachable pages."""
    size = min(max(query.size, 0), MAX_SIZE)
    page = max(query.page, 1)
    start = (page - 1) * size
    if start + size > MAX_WINDOW:
        raise QueryError(
            f"page {page} of size {size} is beyond the first {MAX_WINDOW} hits; "
            "narrow the search with filters instead"
        )
    matching = {"must": [text_query(query.text)], "filter": filter_clauses(query.filters)}
    body: dict[str, Any] = {
        "query": {"bool": matching},
        "from": start,
        "size": size,
        "track_total_hits": True,
        "sort": _sort(query),
    }
    if query.facets:
        body["aggs"] = {
            facet: {
                "terms": {
                    "field": facet,
                    "size": max(query.facet_size, 1),
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
            for facet in FACETS
        }
    if query.highlight and query.text.strip():
        body["highlight"] = _highlight()
    return body


def text_query(text: str) -> dict[str, Any]:
    """Every word or quoted phrase must match in some text field; titles weigh most.

    A Han word is asked as a phrase over single characters (exact, order kept) and, for
    ranking, through the Chinese analyzer; other words go through the English (stemmed)
    and standard analyzers. A CSTR or DOI also matches its identifier exactly, far above
    any text match.
    """
    terms = [quoted or word for quoted, word in _TERM.findall(text[:MAX_QUERY_CHARS])]
    terms = [t.strip() for t in terms if t.strip()][:MAX_QUERY_TERMS]
    if not terms:
        return {"match_all": {}}
    clauses = [_term_clause(term) for term in terms]
    identifier = _identifier_clause(text.strip())
    if identifier is None:
        return {"bool": {"must": clauses}}
    either = [identifier, {"bool": {"must": clauses}}]
    return {"bool": {"should": either, "minimum_should_match": 1}}


def _term_clause(term: str) -> dict[str, Any]:
    if _HAN.search(term):
        return {
            "bool": {
                "should": [
                    _multi_match(term, "phrase", [f"{n}_zh.chars" for n in TEXT_FIELDS]),
                    _multi_match(term, "phrase", [f"{n}_zh" for n in TEXT_FIELDS]),
                    _multi_match(term, "phrase", [f"{n}_other" for n in TEXT_FIELDS]),
                ],
                "minimum_should_match": 1,
            }
        }
    fields = [f"{n}_{lang}" for n in TEXT_FIELDS for lang in TEXT_LANGS]
    kind = "phrase" if " " in term else "best_fields"
    return _multi_match(term, kind, fields)


def _multi_match(text: str, kind: str, fields: list[str]) -> dict[str, Any]:
    weighted = [f"{field}^{TEXT_FIELDS[field.split('_', 1)[0]]:g}" for field in fields]
    clause: dict[str, Any] = {"query": text, "type": kind, "fields": weighted}
    if kind == "best_fields":
        clause["operator"] = "and"
    return {"multi_match": clause}


def _identifier_clause(text: str) -> dict[str, Any] | None:
    values = set()
    for normalise in (normalise_cstr, normalise_doi):
        try:
            values.add(normalise(text).lower())
        except IdentifierError:
            continue
    if not values:
        return None
    return {"terms": {"identifiers": sorted(values), "boost": 100.0}}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Exact filters: values of one facet OR-ed (``terms``), facets AND-ed, years a range."""
    clauses: list[dict[str, Any]] = []
    for facet in FACETS:
        values = getattr(filters, facet, None)
        if values:
            clauses.append({"terms": {facet: list(values)}})
    years: dict[str, int] = {}
    if filters.year_from is not None:
        years["gte"] = filters.year_from
    if filters.year_to is not None:
        years["lte"] = filters.year_to
    if years:
        clauses.append({"range": {"year": years}})
    return clauses


def _sort(query: Query) -> list[Any]:
    tie = {"id": "asc"}
    if query.sort == "newest":
        return [{"sort_date": {"order": "desc", "missing": "_last"}}, tie]
    if query.sort == "oldest":
        return [{"sort_date": {"order": "asc", "missing": "_last"}}, tie]
    if query.sort == "title":
        return [{"sort_title": {"order": "asc", "missing": "_last"}}, tie]
    return ["_score", tie]


def _highlight() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("title", "description"):
        whole = {"number_of_fragments": 0} if name == "title" else {"fragment_size": 160}
        for lang in TEXT_LANGS:
            fields[f"{name}_{lang}"] = whole
        fields[f"{name}_zh.chars"] = whole
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "require_field_match": True,
        "fields": fields,
    }


def parse_page(response: Mapping[str, Any], query: Query) -> Page:
    """Hits, exact total and facets of a ``_search`` response built by :func:`search_body`."""
    hits_part = response["hits"]
    total = hits_part["total"]
    hits = [
        Hit(
            id=hit["_id"],
            score=float(hit.get("_score") or 0.0),
            document=dict(hit["_source"]["doc"]),
            highlights=_highlights(hit.get("highlight") or {}),
        )
        for hit in hits_part["hits"]
    ]
    facets: dict[str, list[FacetValue]] = {}
    for facet, agg in (response.get("aggregations") or {}).items():
        facets[facet] = [FacetValue(str(b["key"]), int(b["doc_count"])) for b in agg["buckets"]]
    return Page(
        total=int(total["value"] if isinstance(total, Mapping) else total),
        hits=hits,
        facets=facets,
        page=max(query.page, 1),
        size=min(max(query.size, 0), MAX_SIZE),
    )


def _highlights(raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Field names of the neutral document (``title``, ``description``), one fragment list each.

    A phrase over single characters marks each character; adjacent marks are merged so
    ``土壤`` shows as one highlighted word.
    """
    merged: dict[str, list[str]] = {}
    for field in sorted(raw, key=lambda f: (f.endswith(".chars"), f)):
        name = field.split("_", 1)[0]
        for fragment in raw[field]:
            clean = _ADJACENT_MARKS.sub(r"\1", fragment)
            plain = clean.replace("<mark>", "").replace("</mark>", "")
            seen = merged.setdefault(name, [])
            if all(f.replace("<mark>", "").replace("</mark>", "") != plain for f in seen):
                seen.append(clean)
    return merged


def suggest_body(prefix: str, size: int) -> dict[str, Any]:
    """Type-ahead: titles starting with, or containing a word starting with, ``prefix``."""
    return {
        "size": min(max(size, 1), MAX_SIZE),
        "_source": ["suggest"],
        "query": {
            "multi_match": {
                "query": prefix[:200],
                "type": "bool_prefix",
                "operator": "and",
                "fields": ["suggest", "suggest._2gram", "suggest._3gram"],
            }
        },
    }


def parse_suggestions(response: Mapping[str, Any], prefix: str) -> list[Suggestion]:
    """One suggestion per record: the title that best matches what was typed."""
    wanted = prefix.strip().casefold()
    suggestions = []
    for hit in response["hits"]["hits"]:
        titles: list[str] = hit["_source"].get("suggest") or []
        if not titles:
            continue
        best = next((t for t in titles if t.casefold().startswith(wanted)), None)
        best = best or next((t for t in titles if wanted in t.casefold()), titles[0])
        suggestions.append(Suggestion(text=best, id=hit["_id"]))
    return suggestions
