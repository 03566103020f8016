"""Servers and fixture data for the harvester tests.

- :class:`OaiServerProcess`: the real pyoai provider (``sharenet.demo.oai_server``)
  in a subprocess on 127.0.0.1, with its request log.
- :class:`ReplayServer`: a tiny HTTP server in a thread answering scripted or
  recorded replies with their HTTP status: the faults a real provider cannot be
  made to produce on demand (422, 503 + Retry-After, stalls, hostile XML).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from harvester.store import Database
from harvester.store.models import RecordRow

DATA = Path(__file__).resolve().parent.parent / "data" / "oaipmh"
ROOT = Path(__file__).resolve().parent.parent.parent

OAI_DC = (
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<dc:title xml:lang="zh">{title_zh}</dc:title>'
    '<dc:title xml:lang="en">{title_en}</dc:title>'
    "<dc:creator>{creator}</dc:creator>"
    "<dc:identifier>CSTR:11738.11.ncdc.{n:04d}</dc:identifier>"
    "<dc:date>2023-05-{day:02d}</dc:date>"
    "<dc:rights>CC BY 4.0</dc:rights>"
    "</oai_dc:dc>"
)
OAI_DATACITE = (
    '<oai_datacite xmlns="http://schema.datacite.org/oai/oai-1.1/"><payload>'
    '<resource xmlns="http://datacite.org/schema/kernel-4">'
    '<identifier identifierType="DOI">10.12345/nbsdc.{n}</identifier>'
    "<creators><creator><creatorName>李{n}</creatorName>"
    "<affiliation>中国科学院</affiliation></creator></creators>"
    '<titles><title xml:lang="zh">基础物理数据 {n}</title>'
    '<title xml:lang="en">Basic physics data {n}</title></titles>'
    "<publisher>国家基础学科公共科学数据中心</publisher><publicationYear>2023</publicationYear>"
    '<subjects><subject xml:lang="zh">物理学</subject></subjects>'
    '<dates><date dateType="Issued">2023-06-01</date></dates>'
    '<resourceType resourceTypeGeneral="Dataset">Dataset</resourceType>'
    '<alternateIdentifiers><alternateIdentifier alternateIdentifierType="CSTR">'
    "16666.11.nbsdc.{n}</alternateIdentifier></alternateIdentifiers>"
    '<rightsList><rights rightsURI="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0'
    "</rights></rightsList>"
    '<descriptions><description descriptionType="Abstract" xml:lang="zh">'
    "观测数据 {n}，覆盖多个站点与年份。</description></descriptions>"
    "</resource></payload></oai_datacite>"
)
"""An ``oai_datacite`` record of a basic-science dataset; ``{n}`` numbers it."""


def dc_item(
    n: int, datestamp: str, *, title: str | None = None, deleted: bool = False
) -> dict[str, Any]:
    """One provider item in the server's input format, with oai_dc metadata."""
    xml = OAI_DC.format(
        title_zh=title or f"冰川观测数据集 {n}",
        title_en=f"Glacier observations {n}",
        creator=f"张{n}",
        n=n,
        day=n % 28 + 1,
    )
    return {
        "identifier": f"oai:ncdc.example:{n:04d}",
        "datestamp": datestamp,
        "sets": ["glacier" if n % 2 else "desert"],
        "deleted": deleted,
        "metadata": {} if deleted else {"oai_dc": xml},
    }


def read_items(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


class OaiServerProcess:
    """``python -m sharenet.demo.oai_server`` on a free port; killed on exit."""

    def __init__(
        self, records: Path, *, batch_size: int = 5, page_delay: float = 0.0, granularity: str = ""
    ) -> None:
        self.records = records
        self.log = records.with_suffix(".requests.jsonl")
        args = [
            sys.executable,
            "-m",
            "sharenet.demo.oai_server",
            "--records",
            str(records),
            "--port",
            "0",
            "--batch-size",
            str(batch_size),
            "--request-log",
            str(self.log),
            "--page-delay",
            str(page_delay),
        ]
        if granularity:
            args += ["--granularity", granularity]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"OAI server did not start: {line!r}")
        self.url = line.removeprefix("listening on ")

    def requests(self) -> list[dict[str, str]]:
        if not self.log.exists():
            return []
        return [json.loads(x) for x in self.log.read_text("utf-8").splitlines() if x]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> OaiServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    announce_length: bool = True
    """False: no Content-Length, the body ends when the connection closes."""


Handler = Callable[[dict[str, str]], Reply]


class ReplayServer:
    """Answers each request with ``handler(query args)``; logs the args it saw."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[dict[str, str]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                args = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                outer.requests.append(args)
                reply = outer.handler(args)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "text/xml; charset=utf-8", **reply.headers}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if reply.announce_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/oai"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def oai_reply(inner: str, *, verb: str = "ListRecords", status: int = 200) -> Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        "<responseDate>2026-01-01T00:00:00Z</responseDate>"
        f'<request verb="{verb}">http://127.0.0.1/oai</request>{inner}</OAI-PMH>'
    )
    return Reply(status=status, body=body.encode("utf-8"))


IDENTIFY = oai_reply(
    "<Identify><repositoryName>replay</repositoryName><baseURL>http://127.0.0.1/oai</baseURL>"
    "<protocolVersion>2.0</protocolVersion><adminEmail>a@b.invalid</adminEmail>"
    "<earliestDatestamp>2020-01-01T00:00:00Z</earliestDatestamp>"
    "<deletedRecord>persistent</deletedRecord>"
    "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>",
    verb="Identify",
)


def record_xml(n: int, datestamp: str = "2024-01-01T00:00:00Z", metadata: str = "") -> str:
    item = dc_item(n, datestamp)
    meta = metadata or item["metadata"]["oai_dc"]
    return (
        f"<record><header><identifier>{item['identifier']}</identifier>"
        f"<datestamp>{datestamp}</datestamp></header><metadata>{meta}</metadata></record>"
    )


def snapshot(db: Database, source: str) -> dict[str, tuple[str, bool, datetime, Any]]:
    """Everything a harvest could alter about a source's stored records."""
    with db.session() as session:
        rows = session.scalars(select(RecordRow).where(RecordRow.source == source))
        return {
            r.source_identifier: (r.content_hash, r.deleted, r.changed_at, r.data) for r in rows
        }


def iter_zenodo(realdata: Path) -> Iterator[tuple[dict[str, str], Path, int]]:
    """``(query args, file, HTTP status)`` of every recorded Zenodo reply on disk."""
    base = realdata / "oai-pmh" / "zenodo-2026"
    for entry in json.loads((base / "index.json").read_text("utf-8")):
        path = base / entry["file"]
        if "zenodo.org/oai2d" in entry["url"] and path.exists():
            query = parse_qs(urlsplit(entry["url"]).query)
            yield {k: v[0] for k, v in query.items()}, path, int(entry["http_status"])
