"""TEST-ONLY HTTP proxy that lets the official Elasticsearch client talk to osmem-server.

No Elasticsearch server can be installed here; osmem implements the OpenSearch REST API,
which the Elasticsearch 8/9 client speaks except for two details this proxy papers over:

* requests: the client sends ``application/vnd.elasticsearch+json; compatible-with=9``
  (and the ``x-ndjson`` variant for bulk) as Content-Type and Accept, which osmem answers
  with 406; the proxy rewrites them to plain ``application/json`` / ``application/x-ndjson``;
* responses: the client refuses any 2xx response without ``X-Elastic-Product:
  Elasticsearch`` (its product check); the proxy sets that header on every response
  (osmem 0.1.6 already sends it, but the proxy does not rely on that).

Everything else passes through unchanged. For the retry tests it can also answer the
next requests to a path with an error status (:meth:`EsCompatProxy.fail_next`): a
stand-in for a busy (429) or unavailable (503) cluster, which osmem cannot be made to be.

Production talks to a real Elasticsearch 8/9
cluster directly; this module lives in tests/ and must never move into the product.
"""

from __future__ import annotations

import http.client
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

_COMPAT = re.compile(
    r"application/vnd\.elasticsearch\+(json|x-ndjson)(\s*;\s*compatible-with=\d+)?"
)
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}
_PRODUCT = "X-Elastic-Product"


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=9`` -> ``application/json``."""
    return _COMPAT.sub(lambda m: f"application/{m.group(1)}", value)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        status = self.server.injected_failure(self.path)
        if status is not None:
            payload = b'{"error":{"type":"injected","reason":"test fault"},"status":%d}' % status
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header(_PRODUCT, "Elasticsearch")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        headers = {
            key: plain_media_type(value)
            for key, value in self.headers.items()
            if key.lower() not in _HOP_BY_HOP
        }
        upstream = self._upstream()
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            upstream.close()
            self.server.local.conn = None
            self.send_error(502, "upstream unreachable")
            return
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in _HOP_BY_HOP and key.lower() != _PRODUCT.lower():
                self.send_header(key, value)
        self.send_header(_PRODUCT, "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _upstream(self) -> http.client.HTTPConnection:
        """One keep-alive connection to osmem per proxy thread."""
        conn: http.client.HTTPConnection | None = getattr(self.server.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port)
            self.server.local.conn = conn
        return conn

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the test output is about the backend, not the proxy."""


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.local = threading.local()
        self.failures: list[tuple[str, int]] = []
        self.failed: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def injected_failure(self, path: str) -> int | None:
        with self._lock:
            for i, (fragment, status) in enumerate(self.failures):
                if fragment in path:
                    del self.failures[i]
                    self.failed.append((path, status))
                    return status
        return None


class EsCompatProxy:
    """Runs the proxy on a free 127.0.0.1 port in a background thread."""

    def __init__(self, upstream: str) -> None:
        self._server = _ProxyServer(upstream)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, path_fragment: str, status: int, times: int = 1) -> None:
        """Answer the next ``times`` requests whose path contains the fragment with ``status``."""
        self._server.failures.extend([(path_fragment, status)] * times)

    @property
    def failed(self) -> list[tuple[str, int]]:
        """Requests answered with an injected status: (path, status)."""
        return list(self._server.failed)

    def start(self) -> EsCompatProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> EsCompatProxy:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
