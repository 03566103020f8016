"""The embedded search engine: a tantivy index on disk, no server to run.

Layout of the index directory::

    <index_dir>/current -> gen-<ns>     symbolic link to the live generation
    <index_dir>/gen-<ns>/               one complete tantivy index

A rebuild fills a new generation while searches keep using the live one, then
swaps the link in one ``rename``: a search sees the old index or the new one,
never half of one. The previous generation is kept until the next rebuild, so a
reader still holding it (another process) is not cut off mid-query.

One process may hold one writer and any number of reading threads (the API's
requests and the harvest thread). Writes are serialised by a lock; each batch
is one commit. A second process writing at the same time waits for tantivy's
directory lock, within a bound.

Readers reload by hand: a search first looks at the generation's ``meta.json``
(rewritten by rename on every commit, from any process) and, if it changed,
takes a new searcher. What is computed on one committed state -- the facet
counts of the whole catalogue, which the home page asks for on every visit, and
the latest answers (:data:`CACHED_PAGES`) -- is kept with that state's searcher
and dropped with it, so no answer outlives the commit it was read from.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tantivy

from indexer.analysis import MAX_SIZE, parse_query_text, window
from indexer.base import FACETS, FacetValue, Hit, Page, Query, SearchBackend, Suggestion
from indexer.document import to_document
from indexer.errors import BackendUnavailable, MappingOutOfDate, SearchError
from indexer.tantivy_schema import (
    LANG_SETS,
    Highlighter,
    QueryBuilder,
    build_schema,
    from_tantivy,
    register,
    to_tantivy,
)
from mappings.record import Record

SCHEMA_VERSION = 5
"""Bump on any change to :mod:`indexer.tantivy_schema` that needs re-indexing."""
MARKER = "sharenet-index.json"
LINK = "current"
MAX_FACET_SIZE = 1_000
MAX_LANG_SETS = 1_000
"""Distinct language sets counted in one pass; a catalogue with more counts languages uncut."""
EXACT_SEGMENT_SIZE = 10_000_000
"""Terms per segment when a first, cheaper facet pass could not vouch for its counts."""
LOCK_WAIT_SECONDS = 60.0
CACHED_PAGES = 256
"""Answers kept per committed state: a portal's searches repeat (the home page's, the
popular words, the next page of each), and a repeated one then costs a dictionary
look-up. Dropped with the state, so a commit is seen by the next search."""


FacetCounts = tuple[dict[str, list[FacetValue]], int]
"""Facets and the total of the matches they count."""
Stamp = tuple[int, int, int]


@dataclass(slots=True)
class _View:
    """One committed state of a generation and what was computed on it."""

    stamp: Stamp
    searcher: tantivy.Searcher
    catalogue_facets: dict[int, FacetCounts] = field(default_factory=dict)
    """Facet counts of the unfiltered match-all query, by facet size."""
    pages: OrderedDict[str, Page] = field(default_factory=OrderedDict)
    """The latest answers on this state, by query, least recently asked first."""
    pages_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(slots=True)
class _Generation:
    name: str
    index: tantivy.Index
    view: _View | None = None


class TantivyBackend(SearchBackend):
    """A tantivy index in ``path`` (created on first use)."""

    name = "tantivy"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        heap_size: int = 64_000_000,
        rebuild_heap_size: int = 256_000_000,
        threads: int = 1,
    ) -> None:
        self.root = Path(path)
        self.heap_size = heap_size
        self.rebuild_heap_size = rebuild_heap_size
        self.threads = max(threads, 1)
        self._schema = build_schema()
        self._queries = QueryBuilder(self._schema)
        self._write_lock = threading.RLock()
        self._open_lock = threading.Lock()
        self._live: _Generation | None = None

    # -- generations ---------------------------------------------------------------------

    def _current(self) -> tantivy.Index:
        return self._generation().index

    def _generation(self) -> _Generation:
        """The live generation, reopened if another process swapped it."""
        name = self._live_name()
        live = self._live
        if live is not None and live.name == name:
            return live
        with self._open_lock:
            live = self._live
            if live is None or live.name != name:
                live = _Generation(name, self._open(self.root / name))
                self._live = live
            return live

    def _view(self) -> _View:
        """The live generation's latest commit, whichever process made it.

        The stamp is read before reloading, so a commit landing in between
        only makes the searcher newer than its stamp: the next search sees a
        changed stamp and reloads again, never the other way round.
        """
        generation = self._generation()
        stamp = _stamp(self.root / generation.name)
        view = generation.view
        if view is not None and view.stamp == stamp:
            return view
        with self._open_lock:
            view = generation.view
            if view is None or view.stamp != stamp:
                generation.index.reload()
                view = _View(stamp, generation.index.searcher())
                generation.view = view
            return view

    def _live_name(self) -> str:
        """The live generation, an empty one created if there is none yet."""
        name = self._link_target()
        if name is None:
            with self._write_lock:
                name = self._link_target()
                if name is None:
                    name = self._new_generation()[0]
                    self._swap(name)
        return name

    def _link_target(self) -> str | None:
        try:
            return os.readlink(self.root / LINK)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise BackendUnavailable(f"search index at {self.root} is unreadable: {exc}") from exc

    def _open(self, path: Path) -> tantivy.Index:
        try:
            marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(f"search index at {path} is unreadable: {exc}") from exc
        if marker.get("schema_version") != SCHEMA_VERSION:
            raise MappingOutOfDate(
                f"search index at {self.root} has schema version "
                f"{marker.get('schema_version')}, this release needs {SCHEMA_VERSION}: "
                "run `sharenet index rebuild`"
            )
        try:
            index = tantivy.Index(self._schema, path=str(path), reuse=True)
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(f"search index at {path} cannot be opened: {exc}") from exc
        index.config_reader("manual")
        register(index)
        return index

    def _new_generation(self) -> tuple[str, tantivy.Index]:
        name = f"gen-{time.time_ns()}"
        path = self.root / name
        try:
            path.mkdir(parents=True)
            index = tantivy.Index(self._schema, path=str(path), reuse=False)
            (path / MARKER).write_text(
                json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8"
            )
        except (OSError, ValueError) as exc:
            shutil.rmtree(path, ignore_errors=True)
            raise BackendUnavailable(f"cannot create a search index in {path}: {exc}") from exc
        index.config_reader("manual")
        register(index)
        return name, index

    def _swap(self, name: str) -> None:
        """Point the live link at ``name`` atomically (rename over the old link)."""
        temp = self.root / f".{LINK}-{time.time_ns()}"
        os.symlink(name, temp)
        os.replace(temp, self.root / LINK)

    def _drop_old_generations(self, keep: set[str]) -> None:
        for path in self.root.glob("gen-*"):
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)

    @contextmanager
    def _writer(self, index: tantivy.Index, heap_size: int) -> Iterator[tantivy.IndexWriter]:
        """A writer committed once at the end, or rolled back on any error."""
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                writer = index.writer(heap_size, self.threads)
                break
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                    raise BackendUnavailable(
                        f"search index at {self.root} is being written by another process"
                    ) from exc
                time.sleep(0.2)
        try:
            yield writer
            writer.commit()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    # -- writes --------------------------------------------------------------------------

    def index(self, records: Iterable[Record]) -> int:
        """Add or replace in one commit; a tombstoned record passed here is deleted instead."""
        written = 0
        with self._write_lock:
            index = self._current()
            with self._writer(index, self.heap_size) as writer:
                for record in records:
                    writer.delete_documents_by_term("id", record.id)
                    if not record.deleted:
                        writer.add_document(to_tantivy(to_document(record)))
                        written += 1
        return written

    def delete(self, ids: Iterable[str]) -> int:
        with self._write_lock:
            index = self._current()
            searcher = self._view().searcher
            removed = 0
            with self._writer(index, self.heap_size) as writer:
                for record_id in ids:
                    removed += min(searcher.doc_freq("id", record_id), 1)
                    writer.delete_documents_by_term("id", record_id)
        return removed

    def rebuild(self, records: Iterable[Record]) -> int:
        """Fill a new generation, then swap it in; on failure the live index is untouched."""
        self._live_name()  # searches during a first build see an empty index, not an error
        with self._write_lock:
            previous = self._link_target()
            name, index = self._new_generation()
            written = 0
            try:
                with self._writer(index, self.rebuild_heap_size) as writer:
                    for record in records:
                        if not record.deleted:
                            writer.add_document(to_tantivy(to_document(record)))
                            written += 1
            except BaseException:
                shutil.rmtree(self.root / name, ignore_errors=True)
                raise
            self._swap(name)
            with self._open_lock:
                self._live = _Generation(name, index)
            self._drop_old_generations({name} | ({previous} if previous else set()))
        return written

    # -- reads ---------------------------------------------------------------------------

    def search(self, query: Query) -> Page:
        """The answer on the latest commit: computed, or the same query's answer on it.

        The page is the caller's own; its hits (shared with other callers of the same
        query) are only read.
        """
        view = self._view()
        key = repr(query)
        found = self._kept(view, key)
        if found is None:
            found = self._search(view, query)
            with view.pages_lock:
                view.pages[key] = found
                while len(view.pages) > CACHED_PAGES:
                    view.pages.popitem(last=False)
        return _own(found)

    def answered(self, query: Query) -> Page | None:
        found = self._kept(self._view(), repr(query))
        return _own(found) if found is not None else None

    @staticmethod
    def _kept(view: _View, key: str) -> Page | None:
        with view.pages_lock:
            found = view.pages.get(key)
            if found is not None:
                view.pages.move_to_end(key)
        return found

    def _search(self, view: _View, query: Query) -> Page:
        page, size, offset = window(query.page, query.size)
        parsed = parse_query_text(query.text)
        text = self._queries.text_query(parsed)
        filters = self._queries.filter_query(query.filters)
        full = self._queries.combine(text, filters)
        searcher = view.searcher
        # With facets the total comes from the facet pass: one walk over the matches, not two.
        result = searcher.search(
            full, limit=max(size, 1), offset=offset, count=not query.facets, **_order(query)
        )
        hits: list[Hit] = []
        marks = self._queries.highlight_query(parsed) if query.highlight and size else None
        highlighter = Highlighter(searcher, self._schema, marks) if marks is not None else None
        for key, address in result.hits[:size]:
            doc = from_tantivy(searcher.doc(address))
            hits.append(
                Hit(
                    id=doc["id"],
                    score=float(key) if query.sort == "relevance" else 0.0,
                    document=doc,
                    highlights=highlighter.highlights(doc) if highlighter else {},
                )
            )
        facet_size = min(max(query.facet_size, 1), MAX_FACET_SIZE)
        if query.facets and text is None and not filters:
            cached = view.catalogue_facets
            if facet_size not in cached:
                cached[facet_size] = self._facets(searcher, full, facet_size)
            facets, total = cached[facet_size]
        elif query.facets:
            facets, total = self._facets(searcher, full, facet_size)
        else:
            facets, total = {}, int(getattr(result, "count", 0) or 0)
        return Page(total=total, hits=hits, facets=facets, page=page, size=size)

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query, size: int) -> FacetCounts:
        """Exact counts of the ``size`` commonest values of each facet, and the total.

        Tantivy counts terms per segment and keeps each segment's top
        ``segment_size``; when that cut could have lost counts
        (``doc_count_error_upper_bound`` > 0) the facet is counted again uncut.
        Languages are counted by their sets, all of them (else by language, uncut).
        Every document has exactly one ``kind``, so its buckets add up to the total.
        """

        def spec(segment_size: int, facets: Iterable[str]) -> dict[str, Any]:
            # one more: the "" of single-valued facets without a value takes a place
            terms = {"size": size + 1, "segment_size": segment_size}
            return {f: {"terms": {"field": f, **terms}} for f in facets}

        wanted = spec(max(size * 10, 1_000), [f for f in FACETS if f != "lang"])
        every = {"size": MAX_LANG_SETS, "segment_size": MAX_LANG_SETS}
        wanted[LANG_SETS] = {"terms": {"field": LANG_SETS, **every}}
        result: dict[str, Any] = searcher.aggregate(query, wanted)
        result["lang"] = _languages(result.pop(LANG_SETS))
        inexact = [f for f in FACETS if result[f].get("doc_count_error_upper_bound", 0) > 0]
        if inexact:
            result.update(searcher.aggregate(query, spec(EXACT_SEGMENT_SIZE, inexact)))
        out: dict[str, list[FacetValue]] = {}
        for facet in FACETS:
            buckets = [
                FacetValue(str(b["key"]), int(b["doc_count"]))
                for b in result[facet]["buckets"]
                if b["key"] != ""
            ]
            buckets.sort(key=lambda v: (-v.count, v.value))
            out[facet] = buckets[:size]
        kinds = result["kind"]
        total = sum(int(b["doc_count"]) for b in kinds["buckets"])
        return out, total + int(kinds.get("sum_other_doc_count", 0))

    def suggest(self, prefix: str, size: int = 10) -> list[Suggestion]:
        """Titles holding the typed words in order; those starting with them come first."""
        size = min(max(size, 1), MAX_SIZE)
        typed = prefix[:200]
        query = self._queries.suggest_query(typed)
        if query is None:
            return []
        searcher = self._view().searcher
        wanted = typed.strip().casefold()
        found: list[tuple[bool, Suggestion]] = []
        for _score, address in searcher.search(query, limit=size * 3).hits:
            doc = from_tantivy(searcher.doc(address))
            titles = [t for t in (doc["title_zh"], doc["title_en"], doc["title"]) if t]
            starting = [t for t in titles if t.casefold().startswith(wanted)]
            containing = [t for t in titles if wanted in t.casefold()]
            best = (starting or containing or titles)[0]
            found.append((not starting, Suggestion(text=best, id=doc["id"])))
        found.sort(key=lambda pair: pair[0])
        return [s for _, s in found[:size]]

    def count(self) -> int:
        return int(self._view().searcher.num_docs)

    def check(self) -> None:
        try:
            self._view()
        except SearchError:
            raise
        except Exception as exc:
            raise BackendUnavailable(f"search index at {self.root} is unusable: {exc}") from exc

    def close(self) -> None:
        with self._open_lock:
            self._live = None


def _languages(sets: dict[str, Any]) -> dict[str, Any]:
    """Per-language counts from the counts of language sets, in a terms aggregation's shape.

    Sets left out of the count make the result inexact (so it is counted again by language).
    """
    counts: Counter[str] = Counter()
    for bucket in sets["buckets"]:
        for lang in str(bucket["key"]).split():
            counts[lang] += int(bucket["doc_count"])
    left_out = ("doc_count_error_upper_bound", "sum_other_doc_count")
    error = sum(int(sets.get(key, 0)) for key in left_out)
    buckets = [{"key": lang, "doc_count": count} for lang, count in counts.items()]
    return {"buckets": buckets, "doc_count_error_upper_bound": error}


def _stamp(path: Path) -> Stamp:
    """Identity of the generation's last commit.

    Tantivy renames a new ``meta.json`` over the old one, so consecutive commits
    differ in inode even within one tick of the file clock; the time tells apart
    the rarer return to an earlier inode.
    """
    try:
        st = os.stat(path / "meta.json")
    except OSError as exc:
        raise BackendUnavailable(f"search index at {path} is unreadable: {exc}") from exc
    return st.st_ino, st.st_mtime_ns, st.st_size


def _order(query: Query) -> dict[str, Any]:
    """Sort keys are fast fields; missing dates and titles were given keys that sort last."""
    if query.sort == "newest":
        return {"order_by_field": "sort_newest", "order": tantivy.Order.Desc}
    if query.sort == "oldest":
        return {"order_by_field": "sort_oldest", "order": tantivy.Order.Desc}
    if query.sort == "title":
        return {"order_by_field": "sort_title", "order": tantivy.Order.Asc}
    return {}


def _own(page: Page) -> Page:
    """A copy of a kept answer the caller may change (its hits are shared, read-only)."""
    return replace(
        page,
        hits=list(page.hits),
        facets={name: list(values) for name, values in page.facets.items()},
    )
