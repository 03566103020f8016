"""Cluster backends against a real osmem-server process, for any test that needs one.

The osmem-server pytest plugin (installed with the package) starts one server per test
session (``osmem_server``: free 127.0.0.1 port, waits for its ready line, killed at the
end) and gives each test a copy-on-write clone of it (``osmem_clone``), so tests never
see each other's indices. The OpenSearch backend talks to the clone directly; the
Elasticsearch backend goes through :mod:`tests.indexer.es_compat_proxy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from osmem_server import OsmemServer

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


def cluster_factory(kind: str) -> Callable[[pytest.FixtureRequest, Path], ClusterBackend]:
    """A ``BACKEND_FACTORIES`` entry: a fresh backend of ``kind`` on its own osmem clone.

    Works for fixtures of any scope: it takes the session-wide server and closes the
    clone, the proxy and the client when the requesting fixture ends.
    """

    def make(request: pytest.FixtureRequest, path: Path) -> ClusterBackend:
        server: OsmemServer = request.getfixturevalue("osmem_server")
        clone = server.clone()
        request.addfinalizer(clone.close)
        pair = cluster_backend(kind, clone.url)
        backend, _proxy = pair.__enter__()
        request.addfinalizer(lambda: pair.__exit__(None, None, None))
        return backend

    return make
