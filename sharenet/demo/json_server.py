"""Local HTTP servers in the style of two Chinese centres' JSON APIs (DEMO_SHAPES).

``python -m sharenet.demo.json_server --platform sciencedb --port P`` serves the
shipped demo records of that platform on 127.0.0.1 only:

- ``sciencedb``: ``GET /harvest?start_time=&end_time=&page=&size=`` in the
  ScienceDB-like envelope, filtered on ``updateTime``;
- ``nmdc``: ``GET /api/services/nmdcweb/api/dataset/metadata/page`` with ``pageNum``,
  ``pageSize`` and ``modifiedSince``, in the NMDC-like envelope, filtered on ``modifyTime``.

Bad parameters answer each API's error envelope (HTTP 200, as these platforms
do). Tests use :class:`JsonPlatformServer` in a thread: its ``records`` can be
changed between harvests, ``fail_pages`` makes chosen pages fail, and
``requests`` keeps every query received so a test can see what a harvester asked.
"""

from __future__ import annotations

import argparse
import json
import math
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sharenet.demo.catalogue import DATA_DIR, load_lines

MAX_PAGE_SIZE = 500
SCIENCEDB_PATH = "/harvest"
NMDC_PATH = "/api/services/nmdcweb/api/dataset/metadata/page"


class BadRequest(ValueError):
    """A parameter the API rejects; its message goes into the error envelope."""


Query = dict[str, str]
Handler = Callable[["JsonPlatformServer", Query], dict[str, Any]]


def _int(query: Query, name: str, default: int, upper: int | None = None) -> int:
    text = query.get(name, "")
    if text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {text!r}") from None
    if value < 1:
        raise BadRequest(f"{name} must be at least 1, got {value}")
    return min(value, upper) if upper else value


def _when(query: Query, name: str, formats: tuple[str, ...]) -> datetime | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise BadRequest(f"{name} must look like {formats[0].replace('%', '')!r}, got {text!r}")


def _page(records: list[dict[str, Any]], number: int, size: int) -> list[dict[str, Any]]:
    return records[(number - 1) * size : number * size]


def sciencedb_envelope(page: int, size: int, total: int, items: Any) -> dict[str, Any]:
    """The ScienceDB-like reply around one page of ``items``.

    Shared with the test server of tests/harvester, so both fakes of the
    platform answer in the same shape.
    """
    return {
        "code": 20000,
        "message": "success",
        "data": {
            "pageNo": page,
            "pageSize": size,
            "totalPages": math.ceil(total / size),
            "totalElements": total,
            "list": items,
        },
    }


def nmdc_envelope(page: int, size: int, total: int, items: Any) -> dict[str, Any]:
    """The NMDC-like reply around one page of ``items`` (shared like :func:`sciencedb_envelope`)."""
    return {
        "code": 200,
        "msg": "操作成功",
        "data": {"total": total, "pageNum": page, "pageSize": size, "records": items},
    }


def sciencedb_harvest(server: JsonPlatformServer, query: Query) -> dict[str, Any]:
    formats = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
    start, end = _when(query, "start_time", formats), _when(query, "end_time", formats)
    page, size = _int(query, "page", 1), _int(query, "size", 100, MAX_PAGE_SIZE)
    if start and end and start > end:
        raise BadRequest("start_time is after end_time")
    server.check_failure(page)
    stamp = "%Y-%m-%d %H:%M:%S"
    selected = [
        r
        for r in server.snapshot()
        if (start is None or datetime.strptime(r["updateTime"], stamp) >= start)
        and (end is None or datetime.strptime(r["updateTime"], stamp) <= end)
    ]
    return sciencedb_envelope(page, size, len(selected), _page(selected, page, size))


def nmdc_page(server: JsonPlatformServer, query: Query) -> dict[str, Any]:
    since = _when(query, "modifiedSince", ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S"))
    page, size = _int(query, "pageNum", 1), _int(query, "pageSize", 10, MAX_PAGE_SIZE)
    server.check_failure(page)
    day = since.date().isoformat() if since else ""
    selected = [r for r in server.snapshot() if r["modifyTime"] >= day]
    return nmdc_envelope(page, size, len(selected), _page(selected, page, size))


def _sciencedb_error(message: str) -> dict[str, Any]:
    return {"code": 50000, "message": message}


def _nmdc_error(message: str) -> dict[str, Any]:
    return {"code": 500, "msg": message, "data": None}


STYLES: dict[str, tuple[str, Handler, Callable[[str], dict[str, Any]]]] = {
    "sciencedb": (SCIENCEDB_PATH, sciencedb_harvest, _sciencedb_error),
    "nmdc": (NMDC_PATH, nmdc_page, _nmdc_error),
}
"""Platform -> (path, handler, error envelope)."""


class _RequestHandler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def do_GET(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        owner.log_request(parts.path, query)
        path, handler, error = STYLES[owner.platform]
        if parts.path != path:
            self._send(404, error(f"no such path {parts.path!r}; this platform serves {path}"))
            return
        try:
            body = handler(owner, query)
        except BadRequest as exc:
            body = error(str(exc))
        self._send(200, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the demo prints its own progress; requests are kept in ``requests``."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: JsonPlatformServer


class JsonPlatformServer:
    """A demo JSON platform on 127.0.0.1, serving ``records`` in list order."""

    def __init__(
        self,
        platform: str,
        records: list[dict[str, Any]] | None = None,
        *,
        port: int = 0,
        data_dir: Path = DATA_DIR,
    ) -> None:
        if platform not in STYLES:
            raise ValueError(f"no JSON demo platform {platform!r}; known: {', '.join(STYLES)}")
        self.platform = platform
        self.records = list(load_lines(platform, data_dir)) if records is None else records
        self.fail_pages: set[int] = set()
        self.requests: list[tuple[str, Query]] = []
        self._lock = threading.Lock()
        self._httpd = _HTTPServer(("127.0.0.1", port), _RequestHandler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base URL a harvest source is registered with."""
        return f"http://127.0.0.1:{self.port}{STYLES[self.platform][0]}"

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.records)

    def set_records(self, records: list[dict[str, Any]]) -> None:
        with self._lock:
            self.records = list(records)

    def check_failure(self, page: int) -> None:
        if page in self.fail_pages:
            raise BadRequest(f"internal error while reading page {page}")

    def log_request(self, path: str, query: Query) -> None:
        with self._lock:
            self.requests.append((path, query))

    def start(self) -> JsonPlatformServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"demo-{self.platform}", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def stop(self) -> None:
        self._httpd.shutdown()
        self.close()

    def close(self) -> None:
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> JsonPlatformServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a demo JSON platform on 127.0.0.1.")
    parser.add_argument("--platform", required=True, choices=sorted(STYLES))
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--data-dir", type=Path, default=DATA_DIR, help="where <platform>.jsonl.gz lives"
    )
    parser.add_argument(
        "--fail-page", type=int, action="append", default=[], help="answer this page with an error"
    )
    args = parser.parse_args(argv)
    server = JsonPlatformServer(args.platform, port=args.port, data_dir=args.data_dir)
    server.fail_pages = set(args.fail_page)
    print(f"{args.platform}: {len(server.records)} records at {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
