"""A real OAI-PMH data provider over a file of items, for the demo and for tests.

The protocol is pyoai's (``oaipmh.server.BatchingServer``): verbs, arguments,
error codes and resumption tokens are its, not ours, so the harvester is tested
against an implementation it did not write. This module only supplies the items
and the HTTP.

Input: JSON lines (optionally gzip'd, ``.gz``), one item per line::

    {"identifier": "oai:demo:1", "datestamp": "2024-05-01T08:00:00Z",
     "sets": ["soil"], "deleted": false,
     "metadata": {"oai_dc": "<oai_dc:dc xmlns:oai_dc=... >...</oai_dc:dc>",
                  "oai_datacite": "<oai_datacite ...>...</oai_datacite>"}}

``metadata`` holds ready XML per metadata prefix; an item is listed under a
prefix only if it has XML for it (deleted items under every prefix). The file
is re-read when it changes, so a test can edit it between two harvests.

Run: ``python -m sharenet.demo.oai_server --records FILE --port P`` (port 0 picks
a free one). The first line on stdout is ``listening on <base URL>``. With
``--request-log FILE`` every request's arguments are appended as a JSON line,
so a test can assert which requests a harvester made; ``--page-delay S``
slows every resumption page (to kill a harvester mid-run).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer

DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"

FORMATS: dict[str, tuple[str, str]] = {
    "oai_dc": (
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
    ),
    "oai_datacite": (
        "http://schema.datacite.org/oai/oai-1.1/oai.xsd",
        "http://schema.datacite.org/oai/oai-1.1/",
    ),
    "datacite": (
        "http://schema.datacite.org/meta/kernel-4/metadata.xsd",
        "http://datacite.org/schema/kernel-4",
    ),
}
"""Schema and namespace announced by ListMetadataFormats for the usual prefixes."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass(frozen=True, slots=True)
class Item:
    identifier: str
    datestamp: datetime
    """Naive UTC, as pyoai wants it."""
    sets: tuple[str, ...] = ()
    deleted: bool = False
    metadata: dict[str, str] = field(default_factory=dict)


def parse_item(line: dict[str, Any]) -> Item:
    stamp = datetime.fromisoformat(str(line["datestamp"]).replace("Z", "+00:00"))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return Item(
        identifier=str(line["identifier"]),
        datestamp=stamp.replace(microsecond=0),
        sets=tuple(line.get("sets") or ()),
        deleted=bool(line.get("deleted", False)),
        metadata=dict(line.get("metadata") or {}),
    )


def read_items(path: Path) -> list[Item]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [parse_item(json.loads(line)) for line in fh if line.strip()]


def write_items(path: Path, items: Iterable[dict[str, Any]]) -> None:
    """Write items in the input format (tests and the demo build their files with it)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


class Catalogue:
    """pyoai's ``IBatchingOAI`` over the items of one file, ordered by datestamp."""

    def __init__(self, path: Path, base_url: str, granularity: str = SECONDS) -> None:
        self.path = path
        self.base_url = base_url
        self.granularity = granularity
        self._lock = threading.Lock()
        self._mtime = -1.0
        self._items: list[Item] = []
        self._stamps: list[datetime] = []
        self._by_id: dict[str, Item] = {}

    def items(self) -> list[Item]:
        with self._lock:
            mtime = self.path.stat().st_mtime_ns
            if mtime != self._mtime:
                items = sorted(read_items(self.path), key=lambda i: (i.datestamp, i.identifier))
                self._items, self._mtime = items, mtime
                self._stamps = [i.datestamp for i in items]
                self._by_id = {i.identifier: i for i in items}
            return self._items

    def identify(self) -> common.Identify:
        items = self.items()
        earliest = items[0].datestamp if items else datetime(2000, 1, 1)
        return common.Identify(
            repositoryName=f"ShareNet demo provider ({self.path.name})",
            baseURL=self.base_url,
            protocolVersion="2.0",
            adminEmails=["demo@sharenet.invalid"],
            earliestDatestamp=earliest,
            deletedRecord="persistent",
            granularity=self.granularity,
            compression=["identity"],
            toolkit_description=False,
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        prefixes: set[str] = set()
        if identifier is not None:
            prefixes.update(self._get(identifier).metadata)
        else:
            for item in self.items():
                prefixes.update(item.metadata)
        return [(p, *FORMATS.get(p, ("", ""))) for p in sorted(prefixes)]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        specs = sorted({s for item in self.items() for s in item.sets})
        if not specs:
            raise error.NoSetHierarchyError("this repository has no sets")
        return [(s, s, None) for s in specs[cursor : cursor + batch_size]]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple[Any, Any, None]:
        item = self._get(identifier)
        if not item.deleted and metadataPrefix not in item.metadata:
            raise error.CannotDisseminateFormatError(f"{identifier} has no {metadataPrefix}")
        return _header(item), item.metadata.get(metadataPrefix), None

    def listIdentifiers(self, metadataPrefix: str, **kw: Any) -> list[Any]:
        return [header for header, _, _ in self.listRecords(metadataPrefix, **kw)]

    def listRecords(
        self,
        metadataPrefix: str,
        set: str | None = None,
        from_: datetime | None = None,
        until: datetime | None = None,
        cursor: int = 0,
        batch_size: int = 10,
    ) -> list[tuple[Any, Any, None]]:
        if not any(metadataPrefix in i.metadata for i in self.items()):
            raise error.CannotDisseminateFormatError(f"unknown metadataPrefix {metadataPrefix}")
        page: list[tuple[Any, Any, None]] = []
        for item in self._select(metadataPrefix, set, from_, until, cursor):
            page.append((_header(item), item.metadata.get(metadataPrefix), None))
            if len(page) == batch_size:
                break
        return page

    def _select(
        self,
        prefix: str,
        set_spec: str | None,
        from_: datetime | None,
        until: datetime | None,
        cursor: int,
    ) -> Iterator[Item]:
        """Items from the ``cursor``-th match on; the datestamp window is found by bisection."""
        items = self.items()
        lo = bisect.bisect_left(self._stamps, from_) if from_ else 0
        hi = bisect.bisect_right(self._stamps, until) if until else len(items)
        skipped = 0
        for item in items[lo:hi]:
            if set_spec is not None and set_spec not in item.sets:
                continue
            if not item.deleted and prefix not in item.metadata:
                continue
            if skipped < cursor:
                skipped += 1
                continue
            yield item

    def _get(self, identifier: str) -> Item:
        self.items()
        try:
            return self._by_id[identifier]
        except KeyError:
            raise error.IdDoesNotExistError(f"no record {identifier}") from None


def _header(item: Item) -> common.Header:
    return common.Header(None, item.identifier, item.datestamp, list(item.sets), item.deleted)


def _write_ready_xml(element: Any, metadata: str) -> None:
    element.append(etree.fromstring(metadata.encode("utf-8")))


class Provider:
    """The WSGI application: pyoai answers, this class logs and paces the requests."""

    def __init__(
        self,
        catalogue: Catalogue,
        *,
        batch_size: int = 10,
        request_log: Path | None = None,
        page_delay: float = 0.0,
    ) -> None:
        registry = MetadataRegistry()
        for prefix in FORMATS:
            registry.registerWriter(prefix, _write_ready_xml)
        self.catalogue = catalogue
        self.server = BatchingServer(
            catalogue, metadata_registry=registry, resumption_batch_size=batch_size
        )
        self.request_log = request_log
        self.page_delay = page_delay
        self.requests: list[dict[str, str]] = []
        self._log_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        query = environ.get("QUERY_STRING", "")
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            query = environ["wsgi.input"].read(length).decode("utf-8")
        args = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        self._log(args)
        if self.page_delay and "resumptionToken" in args:
            time.sleep(self.page_delay)
        body = self.handle(args)
        start_response("200 OK", [("Content-Type", "text/xml; charset=utf-8")])
        return [body]

    def handle(self, args: dict[str, str]) -> bytes:
        body: bytes
        if self.catalogue.granularity == DAY and any(
            "T" in args.get(k, "") for k in ("from", "until")
        ):
            exc = error.BadArgumentError("this repository's granularity is YYYY-MM-DD")
            body = self.server.handleException(args, (type(exc), exc, None))
        else:
            body = self.server.handleRequest(dict(args))
        return body

    def _log(self, args: dict[str, str]) -> None:
        with self._log_lock:
            self.requests.append(args)
            if self.request_log is not None:
                with self.request_log.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(args) + "\n")


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve(provider: Provider, port: int) -> WSGIServer:
    """A server on 127.0.0.1 (never any other interface); ``port`` 0 picks a free one."""
    return make_server(
        "127.0.0.1", port, provider, server_class=_ThreadingServer, handler_class=_QuietHandler
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=Path, required=True, help="JSON lines of items")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--granularity", choices=[DAY, SECONDS], default=SECONDS)
    parser.add_argument("--request-log", type=Path, default=None)
    parser.add_argument("--page-delay", type=float, default=0.0)
    opts = parser.parse_args(argv)
    if not opts.records.is_file():
        parser.error(f"no such records file: {opts.records}")
    catalogue = Catalogue(opts.records, "", opts.granularity)
    provider = Provider(
        catalogue,
        batch_size=opts.batch_size,
        request_log=opts.request_log,
        page_delay=opts.page_delay,
    )
    httpd = serve(provider, opts.port)
    catalogue.base_url = f"http://127.0.0.1:{httpd.server_port}/oai"
    print(f"listening on {catalogue.base_url}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    sys.exit(0)


if __name__ == "__main__":
    main()
