"""Index layout and query DSL shared by the Elasticsearch and OpenSearch backends.

Both clusters speak the same DSL, so everything that decides *what* is indexed and
*how* a :class:`~indexer.base.Query` is asked lives here, as plain dicts; the backends
in :mod:`indexer.elasticsearch_` only carry them over the wire.

Layout of one cluster document:

* ``doc`` — the backend-neutral document of :func:`indexer.document.to_document`, kept
  in ``_source`` but not indexed: hits return exactly what the embedded engine returns;
* ``<facet>`` — one keyword (``year``: integer) field per facet, holding the same values
  the neutral document gives, so facet counts agree with the embedded engine;
* ``title_zh``, ``description_zh``, ``keywords_zh`` — Chinese and other non-English text,
  as the embedded engine files it: matched on the ``.chars`` sub-field (``standard``: one
  token per Han character, other words whole, so any word, even one character, matches
  exactly as a phrase), ranked also through the configured Chinese analyzer (``cjk``
  bigrams, ``smartcn`` or IK), as the embedded engine ranks with bigrams;
* ``title_en``, ``description_en``, ``keywords_en`` — English with stemming (``english``
  stemmer without a stop list: the embedded engine drops no words either);
* ``identifiers`` — the neutral document's lower-cased identifier keys, for exact lookup;
* ``suggest`` — ``search_as_you_type`` over the titles for type-ahead, asked with a
  phrase-prefix query (words in order, the last one unfinished) like the embedded engine;
  OpenSearch-compatible servers without the suggester API run it too.

User text never reaches a ``query_string``: :func:`indexer.analysis.parse_query_text`
splits it into words and quoted phrases, each becoming a phrase ``multi_match``, so
syntax characters are just text. Matching, facets (counted over the filtered result),
paging bounds and highlights follow :mod:`indexer.tantivy_schema` clause for clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from indexer.analysis import QueryText, parse_query_text, window
from indexer.base import FACETS, FacetValue, Filters, Hit, Page, Query, Suggestion

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

TEXT_WEIGHTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "description": 1.0}
"""A title match counts three times a description match (as in the embedded engine)."""
RANKING_WEIGHT = 0.5
"""Weight of the Chinese analyzer's (bigram) match: it ranks, never decides a match."""
IDENTIFIER_BOOST = 100.0
MAX_FACET_SIZE = 1_000
"""Largest facet asked for: the embedded engine's bound."""
STRING_FACETS = tuple(f for f in FACETS if f != "year")
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
    en_text = {"type": "text", "analyzer": "sharenet_en"}
    properties: dict[str, Any] = {
        "doc": {"type": "object", "enabled": False},
        "id": {"type": "keyword"},
        "identifiers": {"type": "keyword"},
        "sort_title": {"type": "keyword"},
        "sort_date": {"type": "date", "format": "strict_date"},
        "suggest": {"type": "search_as_you_type", "analyzer": "standard"},
        **{facet: {"type": "keyword"} for facet in STRING_FACETS},
        "year": {"type": "integer"},
    }
    for name in TEXT_WEIGHTS:
        properties[f"{name}_zh"] = zh_text
        properties[f"{name}_en"] = en_text
    return {
        "settings": {
            # One shard keeps terms aggregations exact: a catalogue of millions fits in one.
            "number_of_shards": 1,
            "number_of_replicas": replicas,
            "analysis": {
                "filter": {"sharenet_en_stem": {"type": "stemmer", "language": "english"}},
                "analyzer": {
                    "sharenet_en": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", "sharenet_en_stem"],
                    }
                },
            },
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


def cluster_source(document: Mapping[str, Any]) -> dict[str, Any]:
    """The cluster document for one neutral document (:func:`indexer.document.to_document`)."""
    source: dict[str, Any] = {"doc": dict(document), "id": document["id"]}
    for facet in FACETS:
        value = document.get(facet)
        if value not in (None, [], ""):
            source[facet] = value
    for name in TEXT_WEIGHTS:
        # Other languages go with Chinese, as in the embedded engine: no English stemming.
        zh = _texts(document, f"{name}_zh") + _texts(document, name)
        en = _texts(document, f"{name}_en")
        if zh:
            source[f"{name}_zh"] = zh
        if en:
            source[f"{name}_en"] = en
    if document["identifiers"]:
        source["identifiers"] = list(document["identifiers"])
    titles = [t for t in (document["title_zh"], document["title_en"], document["title"]) if t]
    if titles:
        source["suggest"] = titles
        source["sort_title"] = titles[0].casefold()[:256]
    when = document["issued"] or document["modified"]
    if when:
        source["sort_date"] = when
    return source


def _texts(document: Mapping[str, Any], key: str) -> list[str]:
    value = document.get(key)
    if isinstance(value, list):
        return [v for v in value if v]
    return [value] if value else []


# --------------------------------------------------------------------------- search


def search_body(query: Query) -> dict[str, Any]:
    """The ``_search`` body for ``query``; raises :class:`QueryError` for unreachable pages."""
    _page, size, offset = window(query.page, query.size)
    matching = {"must": [text_query(query.text)], "filter": filter_clauses(query.filters)}
    body: dict[str, Any] = {
        "query": {"bool": matching},
        "from": offset,
        "size": size,
        "track_total_hits": True,
        "sort": _sort(query),
    }
    if query.facets:
        facet_size = min(max(query.facet_size, 1), MAX_FACET_SIZE)
        body["aggs"] = {
            facet: {
                "terms": {
                    "field": facet,
                    "size": facet_size,
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
            for facet in FACETS
        }
    if query.highlight and size:
        body["highlight"] = _highlight()
    return body


def text_query(text: str) -> dict[str, Any]:
    """Every word or quoted phrase must match in some text field; titles weigh most.

    A Han word is a phrase over single characters (exact, order kept) and, for ranking
    only, a match through the Chinese analyzer; other words are phrases over the
    unstemmed and the stemmed fields. A query that is one CSTR or DOI also matches its
    identifier exactly, far above any text match.
    """
    parsed = parse_query_text(text)
    words = _words_query(parsed)
    identifier = _identifier_query(parsed)
    if identifier is None or words is None:
        return words or identifier or {"match_all": {}}
    return {"bool": {"should": [identifier, words], "minimum_should_match": 1}}


def _words_query(parsed: QueryText) -> dict[str, Any] | None:
    if not parsed.terms:
        return None
    must = [_term_clause(term.text, term.has_han) for term in parsed.terms]
    han = " ".join(term.text for term in parsed.terms if term.has_han)
    should = [_multi_match(han, [f"{n}_zh" for n in TEXT_WEIGHTS], RANKING_WEIGHT)] if han else []
    return {"bool": {"must": must, "should": should}}


def _term_clause(text: str, has_han: bool) -> dict[str, Any]:
    fields = [f"{n}_zh.chars" for n in TEXT_WEIGHTS]
    if not has_han:
        fields += [f"{n}_en" for n in TEXT_WEIGHTS]
    return _multi_match(text, fields, 1.0, "phrase")


def _multi_match(
    text: str, fields: list[str], boost: float, kind: str = "best_fields"
) -> dict[str, Any]:
    weighted = [f"{f}^{TEXT_WEIGHTS[f.split('_', 1)[0]]:g}" for f in fields]
    return {"multi_match": {"query": text, "type": kind, "fields": weighted, "boost": boost}}


def _identifier_query(parsed: QueryText) -> dict[str, Any] | None:
    if not parsed.identifiers:
        return None
    ids = {"terms": {"identifiers": list(parsed.identifiers)}}
    return {"constant_score": {"filter": ids, "boost": IDENTIFIER_BOOST}}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Exact filters: values of one facet OR-ed (``terms``), facets AND-ed, years a range."""
    clauses: list[dict[str, Any]] = []
    for facet in STRING_FACETS:
        values = [v for v in getattr(filters, facet) if v]
        if values:
            clauses.append({"terms": {facet: values}})
    years: dict[str, int] = {}
    if filters.year_from is not None:
        years["gte"] = filters.year_from
    if filters.year_to is not None:
        years["lte"] = filters.year_to
    if years:
        clauses.append({"range": {"year": years}})
    return clauses


def _sort(query: Query) -> list[Any]:
    """Field sorts put records without the field last in both directions, as embedded."""
    tie = {"id": "asc"}
    if query.sort == "newest":
        return [{"sort_date": {"order": "desc", "missing": "_last"}}, tie]
    if query.sort == "oldest":
        return [{"sort_date": {"order": "asc", "missing": "_last"}}, tie]
    if query.sort == "title":
        return [{"sort_title": {"order": "asc", "missing": "_last"}}, tie]
    return ["_score", tie]


def _highlight() -> dict[str, Any]:
    whole = {"number_of_fragments": 0}
    fragment = {"fragment_size": 160, "number_of_fragments": 1}
    fields: dict[str, Any] = {}
    for name, options in (("title", whole), ("description", fragment)):
        fields[f"{name}_zh.chars"] = options
        fields[f"{name}_en"] = options
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "require_field_match": True,
        "fields": fields,
    }


def parse_page(response: Mapping[str, Any], query: Query) -> Page:
    """Hits, exact total and facets of a ``_search`` response built by :func:`search_body`."""
    page, size, _offset = window(query.page, query.size)
    hits_part = response["hits"]
    total = hits_part["total"]
    hits = [
        Hit(
            id=hit["_id"],
            score=float(hit.get("_score") or 0.0) if query.sort == "relevance" else 0.0,
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
        page=page,
        size=size,
    )


def _highlights(raw: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Keyed ``title`` / ``description`` like the embedded engine; Chinese before English.

    A phrase over single characters marks each character; adjacent marks are merged so
    ``土壤`` shows as one highlighted word.
    """
    out: dict[str, list[str]] = {}
    for field in sorted(raw, key=lambda f: (f.split("_", 1)[0], not f.endswith(".chars"))):
        name = field.split("_", 1)[0]
        out.setdefault(name, []).extend(_ADJACENT_MARKS.sub(r"\1", f) for f in raw[field])
    return out


def suggest_body(prefix: str, size: int) -> dict[str, Any] | None:
    """Titles holding the typed words in order, the last one possibly unfinished."""
    typed = prefix[:200]
    if not any(ch.isalnum() for ch in typed):
        return None
    kind = "match_phrase" if typed[-1:].isspace() else "match_phrase_prefix"
    return {
        "size": min(max(size, 1), 100) * 3,
        "_source": ["suggest"],
        "query": {kind: {"suggest": typed}},
    }


def parse_suggestions(response: Mapping[str, Any], prefix: str, size: int) -> list[Suggestion]:
    """One suggestion per record, its best-fitting title; titles starting with it first."""
    wanted = prefix[:200].strip().casefold()
    found: list[tuple[bool, Suggestion]] = []
    for hit in response["hits"]["hits"]:
        titles: list[str] = hit["_source"].get("suggest") or []
        if not titles:
            continue
        starting = [t for t in titles if t.casefold().startswith(wanted)]
        containing = [t for t in titles if wanted in t.casefold()]
        best = (starting or containing or titles)[0]
        found.append((not starting, Suggestion(text=best, id=hit["_id"])))
    found.sort(key=lambda pair: pair[0])
    return [s for _, s in found[: min(max(size, 1), 100)]]
