"""The embedded engine's schema, analyzers, documents, queries and highlights.

Text fields come in two analyses. ``*_zh`` fields (Chinese, and any language
other than English) use one token per Han character, other scripts' words whole,
lower-cased: a word of any length is a phrase over its characters, exact and in
order. ``*_en`` fields use English stemming, so "glaciers" finds "glacier". The
``*_bg`` fields hold the overlapping bigrams of every run of Han characters, in
order: a Chinese word of two or more characters is asked as a phrase of its
bigrams, which is exactly "these characters, adjacent, in this order" (as a
phrase over ``*_zh`` characters would be) but reads far shorter posting lists
and scores by word-like statistics. The ``*_wd`` fields hold every 3- and
4-character substring of the text, without positions: a Han word of that length
is one term, looked up without the phrase's position checks (the substrings
holding anything but Han characters are never asked for). Single characters
and highlighting use ``*_zh``.

Every query is built here as tantivy query objects from the words and phrases of
:func:`indexer.analysis.parse_query_text`; no user text reaches a query parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

import tantivy
from tantivy import Occur, Query

from indexer.analysis import (
    HAN,
    HAN_WORD_LENGTHS,
    QueryText,
    han_bigrams,
    han_runs,
    mark_html,
)
from indexer.base import FACETS, Filters
from mappings import jsontext

CJK = "sharenet_cjk"
EN = "sharenet_en"
WORDS = "sharenet_words"

TEXT_WEIGHTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "description": 1.0}
"""A title match counts three times a description match (same weights as the cluster)."""
IDENTIFIER_BOOST = 100.0
STRING_FACETS = tuple(f for f in FACETS if f != "year")
LANG_SETS = "lang_set"
"""The languages of a record as one value (``en zh``), counted in place of ``lang``.

Counting a field of one value per document runs over its column ten to twenty
times faster than a field of several (or of none) per document; the few
distinct sets then add up to exact per-language counts. For the same reason a
single-valued facet without a value holds ``""`` (never asked for, never shown).
"""
NO_TITLE = "\U0010ffff"
"""Sort key of untitled records: after every title."""
MISSING_DATE = 99_999_999
HIGHLIGHT_CHARS = {"title": 1_000, "description": 160}
_WORDLIKE = re.compile(r"\w")


_CJK_TOKENS = r"\p{Han}|[[\p{L}\p{N}]--\p{Han}]+|[^\s\p{L}\p{N}]"
"""One token per Han character, per other word, and per punctuation mark.

Punctuation is indexed only to hold its position: a phrase never runs across
it (土，壤 is not 土壤), and a query's own punctuation leaves the same gap.
"""


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    cjk = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(_CJK_TOKENS))
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .build()
    )
    en = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )
    words = tantivy.TextAnalyzerBuilder(
        tantivy.Tokenizer.ngram(min(HAN_WORD_LENGTHS), max(HAN_WORD_LENGTHS))
    ).build()
    return {CJK: cjk, EN: en, WORDS: words}


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("doc", stored=True)
    sb.add_text_field("ids", tokenizer_name="raw", index_option="basic")
    for name in TEXT_WEIGHTS:
        sb.add_text_field(f"{name}_zh", tokenizer_name=CJK)
        sb.add_text_field(f"{name}_en", tokenizer_name=EN)
        sb.add_text_field(f"{name}_bg", tokenizer_name="whitespace")
        sb.add_text_field(f"{name}_wd", tokenizer_name=WORDS, index_option="freq")
    sb.add_text_field("suggest", tokenizer_name=CJK)
    for facet in (*STRING_FACETS, LANG_SETS):
        sb.add_text_field(facet, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    sb.add_integer_field("sort_newest", fast=True)
    sb.add_integer_field("sort_oldest", fast=True)
    sb.add_text_field("sort_title", tokenizer_name="raw", fast=True, index_option="basic")
    return sb.build()


def register(index: tantivy.Index) -> None:
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)


# --------------------------------------------------------------------------- documents


def to_tantivy(doc: dict[str, Any]) -> tantivy.Document:
    """The engine's document for one neutral document (see :mod:`indexer.document`)."""
    out = tantivy.Document()
    out.add_text("id", doc["id"])
    out.add_bytes("doc", jsontext.dumps_bytes(doc))
    for key in doc["identifiers"]:
        out.add_text("ids", key)
    for name in TEXT_WEIGHTS:
        for text in _texts(doc, name, "zh") + _texts(doc, name, ""):
            out.add_text(f"{name}_zh", text)
            grams = han_bigrams(text)
            if grams:
                out.add_text(f"{name}_bg", " ".join(grams))
                out.add_text(f"{name}_wd", text)
        for text in _texts(doc, name, "en"):
            out.add_text(f"{name}_en", text)
    for text in (doc["title_zh"], doc["title_en"], doc["title"]):
        if text:
            out.add_text("suggest", text)
    for facet in STRING_FACETS:
        value = doc[facet]
        if not isinstance(value, list):
            out.add_text(facet, str(value or ""))
            continue
        for item in value:
            if item:
                out.add_text(facet, str(item))
    out.add_text(LANG_SETS, " ".join(doc["lang"]))
    if doc["year"] is not None:
        out.add_integer("year", int(doc["year"]))
    when = doc["issued"] or doc["modified"]
    day = int(when.replace("-", "")) if when else None  # ISO dates: YYYY-MM-DD
    out.add_integer("sort_newest", day if day is not None else -MISSING_DATE)
    out.add_integer("sort_oldest", -day if day is not None else -MISSING_DATE)
    title = doc["title_zh"] or doc["title_en"] or doc["title"]
    out.add_text("sort_title", title.casefold()[:256] if title else NO_TITLE)
    return out


def _texts(doc: dict[str, Any], name: str, lang: str) -> list[str]:
    key = f"{name}_{lang}" if lang else name
    if name == "keywords":
        return list(doc[key])
    return [doc[key]] if doc[key] else []


def from_tantivy(stored: tantivy.Document) -> dict[str, Any]:
    value: dict[str, Any] = jsontext.loads(bytes(stored.get_first("doc") or b"{}"))
    return value


# --------------------------------------------------------------------------- queries


class QueryBuilder:
    """Turns parsed query text and filters into tantivy queries over one schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema
        self._analyzers = analyzers()

    def tokens(self, analyzer: str, text: str) -> list[tuple[int, str]]:
        """Words with their positions; punctuation leaves its gap but is not asked for."""
        tokens = self._analyzers[analyzer].pre_tokenize(text).tokens
        return [(t.position, t.text) for t in tokens if _WORDLIKE.match(t.text)]

    def text_query(self, parsed: QueryText) -> Query | None:
        """Every word or phrase must match some text field; ``None`` matches everything."""
        clauses = [(Occur.Must, c) for t in parsed.terms for c in self._term_clauses(t.text)]
        text = Query.boolean_query(clauses) if clauses else None
        ident = self._identifier_query(parsed)
        if ident is None or text is None:
            return text or ident
        return Query.boolean_query([(Occur.Should, ident), (Occur.Should, text)])

    def highlight_query(self, parsed: QueryText) -> Query | None:
        """The words to mark: characters and words of ``*_zh``, stems of ``*_en`` (never run)."""
        clauses: list[tuple[Occur, Query]] = []
        for term in parsed.terms:
            for field, words in self._field_words(term.text, term.has_han):
                query = self._phrase(field, words)
                if query is not None:
                    clauses.append((Occur.Should, query))
        return Query.boolean_query(clauses) if clauses else None

    def _identifier_query(self, parsed: QueryText) -> Query | None:
        if not parsed.identifiers:
            return None
        ids = Query.term_set_query(self.schema, "ids", list(parsed.identifiers))
        return Query.boost_query(Query.const_score_query(ids, 1.0), IDENTIFIER_BOOST)

    def _term_clauses(self, text: str) -> list[Query]:
        """One clause per Han run (a word, else a bigram phrase) and one for the rest."""
        clauses: list[Query | None] = []
        for run in han_runs(text):
            if len(run) == 1:
                fields = [(f"{n}_zh", [(0, run)]) for n in TEXT_WEIGHTS]
            elif len(run) in HAN_WORD_LENGTHS:
                fields = [(f"{n}_wd", [(0, run)]) for n in TEXT_WEIGHTS]
            else:
                grams = list(enumerate(han_bigrams(run)))
                fields = [(f"{n}_bg", grams) for n in TEXT_WEIGHTS]
            clauses.append(self._any_field(fields))
        rest = HAN.sub(" ", text)
        if rest.strip():
            clauses.append(self._any_field(self._field_words(rest, has_han=False)))
        return [c for c in clauses if c is not None]

    def _field_words(self, text: str, has_han: bool) -> list[tuple[str, list[tuple[int, str]]]]:
        cjk = self.tokens(CJK, text)
        en = [] if has_han else self.tokens(EN, text)
        return [
            (f"{n}_{lang}", words)
            for n in TEXT_WEIGHTS
            for lang, words in (("zh", cjk), ("en", en))
        ]

    def _any_field(self, fields: list[tuple[str, list[tuple[int, str]]]]) -> Query | None:
        """Matches in any of the fields, each weighted by its kind (title, keywords …)."""
        alternatives: list[tuple[Occur, Query]] = []
        for field, words in fields:
            query = self._phrase(field, words)
            if query is not None:
                weight = TEXT_WEIGHTS[field.rsplit("_", 1)[0]]
                alternatives.append((Occur.Should, Query.boost_query(query, weight)))
        return Query.boolean_query(alternatives) if alternatives else None

    def _phrase(self, field: str, words: list[tuple[int, str]]) -> Query | None:
        if not words:
            return None
        if len(words) == 1:
            return Query.term_query(self.schema, field, words[0][1])
        first = words[0][0]
        return Query.phrase_query(self.schema, field, [(p - first, w) for p, w in words])

    def filter_query(self, filters: Filters) -> list[Query]:
        """One query per constrained facet: values of a facet OR-ed, facets AND-ed."""
        out: list[Query] = []
        for facet in STRING_FACETS:
            values: list[str] = [v for v in getattr(filters, facet) if v]
            if values:
                out.append(Query.term_set_query(self.schema, facet, values))
        if filters.year_from is not None or filters.year_to is not None:
            out.append(
                Query.range_query(
                    self.schema,
                    "year",
                    tantivy.FieldType.Integer,
                    lower_bound=filters.year_from,
                    upper_bound=filters.year_to,
                )
            )
        return out

    def combine(self, text: Query | None, filters: Iterable[Query]) -> Query:
        """Text scores; filters only restrict (constant score zero)."""
        clauses = [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
        if text is not None:
            clauses.append((Occur.Must, text))
        if not clauses:
            return Query.all_query()
        return Query.boolean_query(clauses)

    def suggest_query(self, prefix: str) -> Query | None:
        """Titles containing the typed words in order, the last one possibly unfinished."""
        words = self.tokens(CJK, prefix)
        if not words:
            return None
        if prefix[-1:].isspace():
            return self._phrase("suggest", words)
        first = words[0][0]
        return Query.phrase_prefix_query(self.schema, "suggest", [(p - first, w) for p, w in words])


# --------------------------------------------------------------------------- highlights


class Highlighter:
    """HTML fragments of the title and description fields that matched a query."""

    FIELDS: ClassVar[dict[str, tuple[tuple[str, str], ...]]] = {
        "title": (("title_zh", "title_zh"), ("title_en", "title_en"), ("title_zh", "title")),
        "description": (
            ("description_zh", "description_zh"),
            ("description_en", "description_en"),
            ("description_zh", "description"),
        ),
    }

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema, query: Query) -> None:
        self._generators: dict[str, tantivy.SnippetGenerator] = {}
        for name, pairs in self.FIELDS.items():
            for field, _key in pairs:
                if field not in self._generators:
                    gen = tantivy.SnippetGenerator.create(searcher, query, schema, field)
                    gen.set_max_num_chars(HIGHLIGHT_CHARS[name])
                    self._generators[field] = gen

    def highlights(self, doc: dict[str, Any]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, pairs in self.FIELDS.items():
            for field, key in pairs:
                text = doc.get(key)
                if not text:
                    continue
                snippet = self._generators[field].snippet_from_doc(
                    tantivy.Document(**{field: text})
                )
                spans = _char_spans(snippet.fragment(), snippet.highlighted())
                if spans:
                    out.setdefault(name, []).append(mark_html(snippet.fragment(), spans))
        return out


def _char_spans(fragment: str, ranges: Iterable[Any]) -> list[tuple[int, int]]:
    """The snippet's byte ranges as character ranges of ``fragment``."""
    encoded = fragment.encode("utf-8")
    spans = []
    for r in ranges:
        start = len(encoded[: r.start].decode("utf-8", "ignore"))
        end = len(encoded[: r.end].decode("utf-8", "ignore"))
        if end > start:
            spans.append((start, end))
    return spans
