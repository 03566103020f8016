"""A local server process speaking six JSON catalogue APIs, and serving static DCAT files.

Run as ``python json_platforms_server.py STATE LOG``: it binds 127.0.0.1 on a
free port, prints the port, and answers from the JSON file STATE, re-read on
every request so a test can change the catalogue between harvests. Every
request is appended to LOG (one JSON line: method, path, query, body) so a test
can assert what a harvester asked for. It stands in for someone else's platform,
so it imports none of the code under test: only the standard library and the
demo's ScienceDB-like and NMDC-like envelopes (``sharenet.demo.json_server``),
the one description of those two shapes.

STATE: ``{"style": ..., "items": [...], "stamps": [UTC ISO per item],
"envelope": {...}, "break_from": offset}``. Items are already in the platform's
own shape (the tests build them from captured real replies); ``stamps`` say
when each was last modified, which is what the incremental filters compare.
From ``break_from`` on, the records list of a reply is replaced by a string: a
reply that breaks its documented shape.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import sys
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sharenet.demo.json_server import nmdc_envelope, sciencedb_envelope

BEIJING = timezone(timedelta(hours=8))
_RANGE = re.compile(r"\[\s*(\S+)\s+TO\s+\*\s*\]")

STATE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("state.json")
LOG = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("requests.jsonl")


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _beijing(text: str, fmt: str) -> datetime:
    return datetime.strptime(text, fmt).replace(tzinfo=BEIJING)


def _selected(state: dict[str, Any], since: datetime | None) -> list[Any]:
    items, stamps = state["items"], state["stamps"]
    return [
        item for item, s in zip(items, stamps, strict=True) if since is None or _utc(s) >= since
    ]


def _window(state: dict[str, Any], selected: list[Any], offset: int, size: int) -> Any:
    broken = state.get("break_from")
    if broken is not None and offset >= broken:
        return "temporarily unavailable"
    return selected[offset : offset + size]


def _since_range(value: str | None) -> datetime | None:
    match = _RANGE.search(value or "")
    return _utc(match.group(1)) if match else None


def ckan(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    start, rows = int(q.get("start", 0)), int(q.get("rows", 10))
    selected = _selected(state, _since_range(q.get("fq")))
    reply = copy.deepcopy(state["envelope"])
    reply["result"]["count"] = len(selected)
    reply["result"]["results"] = _window(state, selected, start, rows)
    return reply


def datacite(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    cursor, size = q.get("page[cursor]", "1"), int(q.get("page[size]", 25))
    offset = 0 if cursor == "1" else int(base64.urlsafe_b64decode(cursor + "==").decode())
    selected = _selected(state, _since_range(q.get("query")))
    reply: dict[str, Any] = {
        "data": _window(state, selected, offset, size),
        "meta": {"total": len(selected), "totalPages": -(-len(selected) // size)},
        "links": {"self": f"{base}/dois?{urlencode(q)}"},
    }
    if offset + size < len(selected):
        token = base64.urlsafe_b64encode(str(offset + size).encode()).decode().rstrip("=")
        following = {**q, "page[cursor]": token}
        reply["links"]["next"] = f"{base}/dois?{urlencode(following)}"
    return reply


def dataverse(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    start, per_page = int(q.get("start", 0)), int(q.get("per_page", 10))
    selected = _selected(state, _since_range(q.get("fq")))
    page = _window(state, selected, start, per_page)
    return {
        "status": "OK",
        "data": {
            "q": q.get("q", "*"),
            "total_count": len(selected),
            "start": start,
            "spelling_alternatives": {},
            "items": page,
            "count_in_response": len(page),
        },
    }


def sciencedb(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    fmt = "%Y-%m-%d %H:%M:%S"
    since = _beijing(q["start_time"], fmt) if q.get("start_time") else None
    page, size = int(q.get("page", 1)), int(q.get("size", 100))
    selected = _selected(state, since)
    items = _window(state, selected, (page - 1) * size, size)
    return sciencedb_envelope(page, size, len(selected), items)


def nmdc(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    since = _beijing(q["modifiedSince"], "%Y-%m-%d") if q.get("modifiedSince") else None
    page, size = int(q.get("pageNum", 1)), int(q.get("pageSize", 10))
    selected = _selected(state, since)
    return nmdc_envelope(
        page, size, len(selected), _window(state, selected, (page - 1) * size, size)
    )


def tpdc(state: dict[str, Any], body: dict[str, Any], base: str) -> dict[str, Any]:
    start = body.get("updateTimeStart")
    since = _beijing(start, "%Y-%m-%d %H:%M:%S") if start else None
    page, size = int(body.get("pageNum", 1)), int(body.get("pageSize", 10))
    selected = _selected(state, since)
    return {
        "code": 200,
        "success": True,
        "message": "ok",
        "data": {
            "total": len(selected),
            "pageNum": page,
            "pageSize": size,
            "list": _window(state, selected, (page - 1) * size, size),
        },
    }


def geodata(state: dict[str, Any], q: dict[str, str], base: str) -> dict[str, Any]:
    """A geodata.cn-like entry search no shipped configuration describes: epoch milliseconds."""
    start = q.get("updateTimeStart")
    since = datetime.fromtimestamp(int(start) / 1000, UTC) if start else None
    page, size = int(q.get("page", 1)), int(q.get("size", 20))
    selected = _selected(state, since)
    entries = _window(state, selected, (page - 1) * size, size)
    return {"status": 0, "msg": "ok", "result": {"total": len(selected), "entries": entries}}


GET_STYLES = {
    "/api/3/action/package_search": ckan,
    "/dois": datacite,
    "/api/search": dataverse,
    "/harvest": sciencedb,
    "/api/services/nmdcweb/api/dataset/metadata/page": nmdc,
    "/service/scidata/entry/search/": geodata,
}


class Handler(BaseHTTPRequestHandler):
    def _log(self, query: dict[str, str], body: Any) -> None:
        entry = {"method": self.command, "path": urlsplit(self.path).path, "query": query}
        with LOG.open("a", encoding="utf-8") as log:
            log.write(json.dumps({**entry, "body": body}, ensure_ascii=False) + "\n")

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _json(self, reply: Any) -> None:
        self._send(200, json.dumps(reply, ensure_ascii=False).encode(), "application/json")

    def _base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self._log(query, None)
        state = json.loads(STATE.read_text("utf-8"))
        if state["style"] == "static":
            served = state["files"].get(self.path) or state["files"].get(parts.path)
            if served is None:
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, Path(served["file"]).read_bytes(), served["type"])
            return
        handler = GET_STYLES.get(parts.path)
        if handler is None:
            self._send(404, b"not found", "text/plain")
            return
        self._json(handler(state, query, self._base()))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._log({}, body)
        if urlsplit(self.path).path != "/view/metadataView/list":
            self._send(404, b"not found", "text/plain")
            return
        self._json(tpdc(json.loads(STATE.read_text("utf-8")), body, self._base()))

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log file is the record."""


if __name__ == "__main__":
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()
