"""Backend-neutral text analysis: what a user's query means, and Chinese bigrams.

User text is never handed to an engine's query parser (those raise on an
unbalanced quote or ``AND OR (``). It is cut to a bounded size and split here
into words and quoted phrases; each backend turns those into query objects.
A query that is one CSTR or DOI, in any spelling, also yields its identifier keys.

Chinese has no spaces between words. Indexing one token per Han character keeps
every word findable (even 2-character ones like 土壤) and phrases exact (the
characters keep their positions); overlapping bigrams of each run of Han
characters carry the word-level statistics that make ranking sensible.
"""

from __future__ import annotations

import html
import operator
import re
from dataclasses import dataclass, field

from indexer.document import identifier_keys
from indexer.errors import QueryError

MAX_QUERY_CHARS = 1_000
MAX_QUERY_TERMS = 32
"""Longer queries are cut: a 10 kB query must cost no more than a sensible one."""
MAX_SIZE = 100
MAX_WINDOW = 10_000
"""Deepest hit reachable by paging; beyond it, filters narrow better than page 500."""

HAN_WORD_LENGTHS = (3, 4)
"""Lengths of the Han words indexed whole, as one term (bigrams are indexed apart).

Most Chinese words asked for have two to four characters. Looked up whole, a 3-
or 4-character word is as exact as the phrase of its bigrams without reading a
position list per bigram (the phrase costs ten times more on a large catalogue,
where 高原 is in every fourth record).
"""

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_HAN_RUN = re.compile(HAN.pattern + "+")
_TERM = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w")
_ADJACENT_MARKS = re.compile(r"</mark>(\s*)<mark>")


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a quoted phrase of the query; each must match somewhere in the record."""

    text: str
    quoted: bool = False

    @property
    def has_han(self) -> bool:
        return HAN.search(self.text) is not None


@dataclass(frozen=True, slots=True)
class QueryText:
    terms: list[Term] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    """Identifier keys when the whole query could be one CSTR, DOI or other identifier."""

    @property
    def empty(self) -> bool:
        return not self.terms and not self.identifiers


def parse_query_text(text: str) -> QueryText:
    """Words and ``"quoted phrases"``; a lone quote, or a word of punctuation only, is skipped.

    Skipping what holds no letter or digit (``(``, ``&&``) is what every analyzer
    would do anyway; a query of nothing else asks for everything.
    """
    cut = text[:MAX_QUERY_CHARS]
    terms = [
        Term(quoted.strip(), True) if quoted else Term(word)
        for quoted, word in _TERM.findall(cut)
        if _WORD.search(quoted or word)
    ][:MAX_QUERY_TERMS]
    stripped = cut.strip()
    ids = identifier_keys(stripped) if stripped and not re.search(r"\s", stripped) else []
    return QueryText(terms, ids)


def han_runs(text: str) -> list[str]:
    """The runs of adjacent Han characters in ``text``."""
    return _HAN_RUN.findall(text)


def han_bigrams(text: str) -> list[str]:
    """Overlapping bigrams of every run of Han characters (a lone character is its own gram)."""
    grams: list[str] = []
    for run in _HAN_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(map(operator.add, run[:-1], run[1:]))
    return grams


def window(page: int, size: int) -> tuple[int, int, int]:
    """``(page, size, offset)`` clamped to sane bounds; a page beyond the window is an error."""
    size = min(max(size, 0), MAX_SIZE)
    page = max(page, 1)
    offset = (page - 1) * size
    if offset + size > MAX_WINDOW:
        raise QueryError(
            f"page {page} of size {size} is beyond the first {MAX_WINDOW} hits; "
            "narrow the search with filters instead"
        )
    return page, size, offset


def mark_html(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` HTML-escaped with the character ``spans`` wrapped in ``<mark>``.

    Adjacent marks are merged, so a word matched character by character (土, 壤)
    shows as one highlighted word.
    """
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return _ADJACENT_MARKS.sub(r"\1", "".join(out))
