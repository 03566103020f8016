"""Search on an Elasticsearch 8/9 or OpenSearch 2/3 cluster, for catalogues beyond one machine.

:class:`ClusterBackend` holds everything: versioned indices behind an alias, bulk writes,
start-up checks and the mapping of client errors to :mod:`indexer.errors`. The query
DSL and mappings come from :mod:`indexer.es_dsl`. :class:`ElasticsearchBackend` and
:class:`OpenSearchBackend` differ only in client wiring: which library builds the
client, its bulk helper and its exception classes.

Rebuilds never take search down: a new index ``<alias>-v<mapping>-<timestamp>`` is
filled and refreshed while the alias still points at the old one, then one ``_aliases``
request moves the alias, and the old indices are deleted.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from indexer import es_dsl
from indexer.base import Page, Query, SearchBackend, Suggestion
from indexer.document import to_document
from indexer.errors import (
    BackendUnavailable,
    BulkError,
    MappingOutOfDate,
    QueryError,
    SearchError,
)
from mappings.record import Record

log = logging.getLogger(__name__)

RETRY_ON_STATUS = (429, 502, 503, 504)
"""Statuses the client retries a whole request on, and (429) the bulk helper retries items on."""

BulkHelper = Callable[..., Iterable[tuple[bool, dict[str, Any]]]]


class ClusterBackend(SearchBackend):
    """A cluster index behind an alias; subclasses say which client library to use."""

    name = "cluster"

    def __init__(
        self,
        url: str,
        index: str = "sharenet",
        *,
        analyzer_zh: es_dsl.ZhAnalyzer = "cjk",
        replicas: int = 1,
        timeout: float = 30.0,
        max_retries: int = 3,
        chunk_size: int = 500,
        workers: int = 1,
        initial_backoff: float = 1.0,
        max_backoff: float = 60.0,
    ) -> None:
        if analyzer_zh not in es_dsl.ZH_ANALYZERS:
            known = ", ".join(sorted(es_dsl.ZH_ANALYZERS))
            raise SearchError(f"unknown Chinese analyzer {analyzer_zh!r}; use one of {known}")
        self.url = url
        self.alias = index
        self.analyzer_zh = analyzer_zh
        self.replicas = replicas
        self.max_retries = max_retries
        self.chunk_size = chunk_size
        self.workers = max(workers, 1)
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self._client = self._connect(url, timeout, max_retries)
        self._first_index_lock = threading.Lock()

    # -- client wiring: the only part the subclasses change ------------------------------

    def _connect(self, url: str, timeout: float, max_retries: int) -> Any:
        raise NotImplementedError

    def _bulk_helper(self) -> BulkHelper:
        raise NotImplementedError

    def _unreachable_errors(self) -> tuple[type[Exception], ...]:
        """Errors meaning the cluster did not answer at all."""
        raise NotImplementedError

    def _api_error(self) -> type[Exception]:
        """Base class of errors the cluster answered with (they carry ``status_code``)."""
        raise NotImplementedError

    # -- start-up check ------------------------------------------------------------------

    def check(self) -> None:
        """Reachable, not red, has the configured analyzer's plugin, mapping up to date."""
        with self._errors("check the cluster"):
            health = _body(self._client.cluster.health())
            if health.get("status") == "red":
                raise BackendUnavailable(
                    f"search cluster at {self.url} is red: some primary shards are unassigned"
                )
            plugin = es_dsl.ZH_PLUGINS.get(self.analyzer_zh)
            if plugin:
                installed = {
                    p.get("component") for p in _body(self._client.cat.plugins(format="json"))
                }
                if plugin not in installed:
                    raise BackendUnavailable(
                        f"search_analyzer_zh={self.analyzer_zh} needs the {plugin} plugin, "
                        f"which the cluster at {self.url} does not have; install it or use cjk"
                    )
            for index, version in self._mapping_versions().items():
                if version != es_dsl.MAPPING_VERSION:
                    raise MappingOutOfDate(
                        f"index {index} behind alias {self.alias} has mapping version "
                        f"{version}, this release needs {es_dsl.MAPPING_VERSION}: "
                        "run `sharenet index rebuild`"
                    )

    def _mapping_versions(self) -> dict[str, int | None]:
        if not self._alias_exists():
            return {}
        mappings = _body(self._client.indices.get_mapping(index=self.alias))
        return {index: es_dsl.mapping_version(entry) for index, entry in mappings.items()}

    # -- writes --------------------------------------------------------------------------

    def index(self, records: Iterable[Record]) -> int:
        """Add or replace documents in bulk, then refresh once so the batch is searchable."""
        self._ensure_alias()
        return self._write(self.alias, self._index_actions(self.alias, records))

    def delete(self, ids: Iterable[str]) -> int:
        if not self._alias_exists():
            return 0
        actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids)
        return self._write(self.alias, actions)

    def rebuild(self, records: Iterable[Record]) -> int:
        """Fill a new versioned index, then switch the alias in one atomic request."""
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        new = f"{self.alias}-v{es_dsl.MAPPING_VERSION}-{stamp}"
        with self._errors("create the new index"):
            self._create_index(new, refresh_interval="-1")
        try:
            written = self._write(new, self._index_actions(new, records), refresh=False)
        except BulkError as exc:
            self._finish_rebuild(new)
            raise BulkError(
                f"index rebuilt and switched, but {len(exc.failures)} records could not be "
                "written: " + ", ".join(sorted(exc.failures)[:20]),
                exc.failures,
            ) from exc
        except BaseException:
            self._drop(new)
            raise
        self._finish_rebuild(new)
        return written

    def _finish_rebuild(self, new: str) -> None:
        with self._errors("switch the alias"):
            self._client.indices.put_settings(index=new, body={"index": {"refresh_interval": "1s"}})
            self._client.indices.refresh(index=new)
            old = self._alias_targets()
            actions: list[dict[str, Any]] = [
                {"remove": {"index": index, "alias": self.alias}} for index in old
            ]
            actions.append({"add": {"index": new, "alias": self.alias}})
            self._client.indices.update_aliases(body={"actions": actions})
            stale = _body(self._client.indices.get(index=f"{self.alias}-v*"))
            for index in stale:
                if index != new:
                    self._drop(index)

    def _index_actions(self, index: str, records: Iterable[Record]) -> Iterator[dict[str, Any]]:
        for record in records:
            if record.deleted:
                yield {"_op_type": "delete", "_index": index, "_id": record.id}
                continue
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": record.id,
                "_source": es_dsl.cluster_source(to_document(record)),
            }

    def _write(self, index: str, actions: Iterable[dict[str, Any]], *, refresh: bool = True) -> int:
        """Bulk-write, retrying items refused with 429; other failures end in one BulkError.

        Failures never stop the batch: every good document is written (and refreshed)
        before the error names the ones that were not.
        """
        written = 0
        failures: dict[str, str] = {}
        with self._errors("write documents"):
            for ok, item in self._bulk(actions):
                op, info = next(iter(item.items()))
                if ok or (op == "delete" and info.get("status") == 404):
                    written += int(ok)
                    continue
                failures[str(info.get("_id"))] = _reason(info)
            if refresh:
                self._client.indices.refresh(index=index)
        if failures:
            for record_id, reason in failures.items():
                log.error("search index: record %s not written: %s", record_id, reason)
            raise BulkError(
                f"{len(failures)} documents could not be written to {index}: "
                + "; ".join(f"{k}: {v}" for k, v in sorted(failures.items())[:5]),
                failures,
            )
        return written

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> Iterator[tuple[bool, dict[str, Any]]]:
        """The client's streaming bulk helper, on ``workers`` threads when more than one.

        Each thread runs the helper over whole chunks, so every item keeps the helper's
        retry with exponential backoff on 429 (``parallel_bulk`` has none).
        """
        helper = self._bulk_helper()
        options: dict[str, Any] = {
            "chunk_size": self.chunk_size,
            "max_retries": self.max_retries,
            "initial_backoff": self.initial_backoff,
            "max_backoff": self.max_backoff,
            "raise_on_error": False,
        }
        if self.workers == 1:
            yield from helper(self._client, actions, **options)
            return

        def run(chunk: list[dict[str, Any]]) -> list[tuple[bool, dict[str, Any]]]:
            return list(helper(self._client, chunk, **options))

        chunks = _chunks(actions, self.chunk_size)
        with ThreadPoolExecutor(self.workers) as pool:
            pending = [pool.submit(run, c) for c in itertools.islice(chunks, self.workers * 2)]
            while pending:
                done = pending.pop(0)
                following = next(chunks, None)
                if following is not None:
                    pending.append(pool.submit(run, following))
                yield from done.result()

    # -- reads ---------------------------------------------------------------------------

    def search(self, query: Query) -> Page:
        body = es_dsl.search_body(query)
        if not self._alias_exists():
            return es_dsl.parse_page(_EMPTY, query)
        with self._errors("search"):
            response = _body(self._client.search(index=self.alias, body=body))
        return es_dsl.parse_page(response, query)

    def suggest(self, prefix: str, size: int = 10) -> list[Suggestion]:
        body = es_dsl.suggest_body(prefix, size)
        if body is None or not self._alias_exists():
            return []
        with self._errors("suggest"):
            response = _body(self._client.search(index=self.alias, body=body))
        return es_dsl.parse_suggestions(response, prefix, size)

    def count(self) -> int:
        if not self._alias_exists():
            return 0
        with self._errors("count documents"):
            return int(_body(self._client.count(index=self.alias))["count"])

    def close(self) -> None:
        self._client.close()

    # -- helpers -------------------------------------------------------------------------

    def _alias_exists(self) -> bool:
        with self._errors("look up the index alias"):
            return bool(self._client.indices.exists_alias(name=self.alias))

    def _alias_targets(self) -> list[str]:
        if not self._alias_exists():
            return []
        return sorted(_body(self._client.indices.get_alias(name=self.alias)))

    def _ensure_alias(self) -> None:
        """First write to an empty cluster: create the first index with the alias on it.

        The index name is fixed and the alias comes with the index in one request, so
        writers racing here (threads or processes) end up on one index, never on two.
        """
        with self._first_index_lock:
            if self._alias_exists():
                return
            with self._errors("create the index"):
                try:
                    self._create_index(f"{self.alias}-v{es_dsl.MAPPING_VERSION}-0", alias=True)
                except self._api_error() as exc:
                    if "resource_already_exists" not in _error_text(exc):
                        raise

    def _create_index(
        self, name: str, refresh_interval: str | None = None, *, alias: bool = False
    ) -> None:
        body = es_dsl.index_body(self.analyzer_zh, replicas=self.replicas)
        if refresh_interval:
            body["settings"]["refresh_interval"] = refresh_interval
        if alias:
            body["aliases"] = {self.alias: {}}
        self._client.indices.create(index=name, body=body)

    def _drop(self, index: str) -> None:
        with self._errors(f"delete index {index}"):
            self._client.indices.delete(index=index)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turns client exceptions into ShareNet errors naming the cluster and the action."""
        try:
            yield
        except SearchError:
            raise
        except self._unreachable_errors() as exc:
            raise BackendUnavailable(
                f"search cluster at {self.url} is unreachable (could not {doing}): {exc}"
            ) from exc
        except self._api_error() as exc:
            status = getattr(exc, "status_code", None)
            message = (
                f"search cluster at {self.url} refused to {doing}: {status} {_error_text(exc)}"
            )
            if status == 400:
                raise QueryError(message) from exc
            raise BackendUnavailable(message) from exc


class ElasticsearchBackend(ClusterBackend):
    """Elasticsearch 8/9 through the official ``elasticsearch`` client."""

    name = "elasticsearch"

    def _connect(self, url: str, timeout: float, max_retries: int) -> Any:
        from elasticsearch import Elasticsearch

        return Elasticsearch(
            url,
            request_timeout=timeout,
            max_retries=max_retries,
            retry_on_status=RETRY_ON_STATUS,
            retry_on_timeout=True,
            retry_backoff_base=self.initial_backoff / 2,
            retry_backoff_cap=self.max_backoff,
        )

    def _bulk_helper(self) -> BulkHelper:
        from elasticsearch.helpers import streaming_bulk

        return streaming_bulk

    def _unreachable_errors(self) -> tuple[type[Exception], ...]:
        from elasticsearch import ConnectionError, ConnectionTimeout

        return (ConnectionError, ConnectionTimeout)

    def _api_error(self) -> type[Exception]:
        from elasticsearch import ApiError

        return ApiError


class OpenSearchBackend(ClusterBackend):
    """OpenSearch 2/3 through ``opensearch-py``."""

    name = "opensearch"

    def _connect(self, url: str, timeout: float, max_retries: int) -> Any:
        from opensearchpy import OpenSearch

        return OpenSearch(
            hosts=[url],
            timeout=timeout,
            max_retries=max_retries,
            retry_on_status=RETRY_ON_STATUS,
            retry_on_timeout=True,
        )

    def _bulk_helper(self) -> BulkHelper:
        from opensearchpy.helpers import streaming_bulk

        helper: BulkHelper = streaming_bulk
        return helper

    def _unreachable_errors(self) -> tuple[type[Exception], ...]:
        from opensearchpy import ConnectionError, ConnectionTimeout

        return (ConnectionError, ConnectionTimeout)

    def _api_error(self) -> type[Exception]:
        from opensearchpy import TransportError

        error: type[Exception] = TransportError
        return error


_EMPTY: dict[str, Any] = {"hits": {"total": {"value": 0}, "hits": []}}
"""What a search of an empty cluster (no index yet) finds."""


def _body(response: Any) -> Any:
    """The decoded JSON of a response: the Elasticsearch client wraps it, opensearch-py not."""
    return getattr(response, "body", response)


def _reason(info: Mapping[str, Any]) -> str:
    error = info.get("error")
    if isinstance(error, Mapping):
        return f"{error.get('type')}: {error.get('reason')}"
    return f"status {info.get('status')}: {error}"


def _error_text(exc: BaseException) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None)
    if isinstance(info, Mapping) and isinstance(info.get("error"), Mapping):
        error = info["error"]
        return f"{error.get('type')}: {error.get('reason')}"
    return str(exc)


def _chunks(actions: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(actions)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
