"""A tiny HTTP server for the link checker tests, run as its own process.

Paths: ``/ok`` 200; ``/missing`` 404; ``/error`` 500 to HEAD and GET;
``/nohead`` 405 to HEAD but 200 to GET; ``/slow`` answers after 5 seconds.
It prints its port on the first line of stdout and counts requests per path
at ``/_count?path=``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

COUNTS: Counter[str] = Counter()


class Handler(BaseHTTPRequestHandler):
    def _answer(self, head: bool) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/_count":
            body = str(COUNTS[parse_qs(parts.query)["path"][0]]).encode()
            self._send(200, body, head)
            return
        COUNTS[parts.path] += 1
        if parts.path == "/ok":
            self._send(200, b"fine", head)
        elif parts.path == "/nohead":
            self._send(405 if head else 200, b"fine", head)
        elif parts.path == "/error":
            self._send(500, b"broken", head)
        elif parts.path == "/slow":
            time.sleep(5)
            self._send(200, b"late", head)
        else:
            self._send(404, b"no such page", head)

    def _send(self, status: int, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
