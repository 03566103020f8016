"""Cluster backends against a real osmem-server process, for any test that needs one.

The osmem-server pytest plugin (installed with the package) starts one server per test
session (``osmem_server``: free 127.0.0.1 port, waits for its ready line, killed at the
end) and gives each test a copy-on-write clone of it (``osmem_clone``), so tests never
see each other's indices. The OpenSearch backend talks to the clone directly; the
Elasticsearch backend goes through :mod:`tests.indexer.es_compat_proxy`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from indexer.elasticsearch_ import ClusterBackend, ElasticsearchBackend, OpenSearchBackend
from tests.indexer.es_compat_proxy import EsCompatProxy

CLUSTER_KINDS = ("opensearch", "elasticsearch")


@contextmanager
def cluster_backend(
    kind: str, osmem_url: str, index: str = "sharenet", **options: object
) -> Iterator[tuple[ClusterBackend, EsCompatProxy]]:
    """A backend of ``kind`` on the osmem clone at ``osmem_url``, and the proxy in front.

    Both kinds go through the proxy so the retry tests can inject 429/503 answers; for
    OpenSearch it only passes requests through (its client sends plain JSON).
    """
    with EsCompatProxy(osmem_url) as proxy:
        cls = ElasticsearchBackend if kind == "elasticsearch" else OpenSearchBackend
        backend = cls(proxy.url, index, replicas=0, **options)  # type: ignore[arg-type]
        try:
            yield backend, proxy
        finally:
            backend.close()
