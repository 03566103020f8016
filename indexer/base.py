"""The search-engine interface every backend implements, and its query and result types.

Backends (the embedded tantivy engine, Elasticsearch, OpenSearch) differ only in
how they store and query; the search API speaks these types alone, so the same
request gives the same answer whichever backend the configuration selects.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from mappings.record import Record

SortOrder = Literal["relevance", "newest", "oldest", "title"]

FACETS: tuple[str, ...] = (
    "platform",
    "kind",
    "subject",
    "keyword",
    "license",
    "access",
    "year",
    "lang",
)
"""Facet names, also the names of the filter parameters of the search API."""


@dataclass(slots=True)
class Filters:
    """Exact-match filters; several values of one facet are OR-ed, facets are AND-ed."""

    platform: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    subject: list[str] = field(default_factory=list)
    keyword: list[str] = field(default_factory=list)
    license: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)
    lang: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None


@dataclass(slots=True)
class Query:
    text: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: SortOrder = "relevance"
    page: int = 1
    size: int = 20
    facets: bool = True
    facet_size: int = 20
    highlight: bool = True


@dataclass(slots=True)
class FacetValue:
    value: str
    count: int


@dataclass(slots=True)
class Hit:
    id: str
    score: float
    document: dict[str, object]
    """The indexed summary (see :func:`indexer.document.to_document`)."""
    highlights: dict[str, list[str]] = field(default_factory=dict)
    """Field -> HTML fragments, matches wrapped in ``<mark>``, everything else escaped."""


@dataclass(slots=True)
class Page:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    page: int
    size: int


@dataclass(slots=True)
class Suggestion:
    text: str
    id: str


class SearchBackend(ABC):
    """A search engine holding one document per live record.

    Writes are batched: ``index`` and ``delete`` take iterables and commit once,
    so a harvest of thousands of records costs one commit, not thousands.
    """

    name: str = "base"

    @abstractmethod
    def index(self, records: Iterable[Record]) -> int:
        """Add or replace the documents of these records; returns how many were written."""

    @abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by record id; unknown ids are ignored."""

    @abstractmethod
    def search(self, query: Query) -> Page:
        """Full-text search with filters, facets, sort, paging and highlighting."""

    def answered(self, query: Query) -> Page | None:
        """The answer if the engine holds it already, so no search is needed; else ``None``.

        A server answers these on its event loop and sends only real searches
        to a thread, where an engine that lets go of the GIL while it searches
        does not hold up the answers it keeps.
        """
        return None

    @abstractmethod
    def suggest(self, prefix: str, size: int = 10) -> list[Suggestion]:
        """Type-ahead on titles."""

    @abstractmethod
    def rebuild(self, records: Iterable[Record]) -> int:
        """Replace the whole index with these records, searchable throughout."""

    @abstractmethod
    def count(self) -> int:
        """Documents in the index."""

    def check(self) -> None:
        """Raise :class:`indexer.errors.SearchError` with a clear reason if unusable."""

    def close(self) -> None:
        """Release files or connections."""
