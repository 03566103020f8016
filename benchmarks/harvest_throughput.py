"""Harvest throughput: records/s of parse + map + evaluate + store, against a sickle-only baseline.

Writes ``--pages`` ListRecords pages of ``--per-page`` records in oai_dc and in
oai_datacite to a temporary directory, then, in the same process:

1. baseline: sickle 0.7.0 parses each page and builds its ``Record`` objects;
2. ShareNet: a full harvest of the same pages through the run engine (safe
   parse, record split, mapping, rules, upsert, checkpoint per page) into a
   temporary SQLite store (or ``--database-url``). The pages come from the local
   files through an httpx transport, so no network time is counted.

    .venv/bin/python benchmarks/harvest_throughput.py [--pages 20] [--per-page 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sickle.models import Record as SickleRecord
from sickle.response import OAIResponse

from harvester.http import make_client
from harvester.runs import harvest
from harvester.store import Database
from harvester.store.sources import add_source
from tests.harvester.oai_support import dc_item

DATACITE = (
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


def write_pages(directory: Path, prefix: str, pages: int, per_page: int) -> None:
    for page in range(pages):
        records = []
        for i in range(per_page):
            n = page * per_page + i
            meta = (
                dc_item(n, "")["metadata"]["oai_dc"] if prefix == "oai_dc" else DATACITE.format(n=n)
            )
            records.append(
                f"<record><header><identifier>oai:bench:{n}</identifier>"
                f"<datestamp>2024-01-01T00:00:00Z</datestamp></header>"
                f"<metadata>{meta}</metadata></record>"
            )
        token = f"<resumptionToken>{page + 1}</resumptionToken>" if page + 1 < pages else ""
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            "<responseDate>2026-01-01T00:00:00Z</responseDate>"
            '<request verb="ListRecords">http://bench/oai</request>'
            f"<ListRecords>{''.join(records)}{token}</ListRecords></OAI-PMH>"
        )
        (directory / f"{prefix}-{page}.xml").write_text(body, encoding="utf-8")


IDENTIFY = (
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
    b"<responseDate>2026-01-01T00:00:00Z</responseDate><Identify>"
    b"<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify></OAI-PMH>"
)


def file_transport(directory: Path, prefix: str) -> httpx.MockTransport:
    """Serves the written pages: the local-files stand-in for a platform."""

    def answer(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if params.get("verb") == "Identify":
            return httpx.Response(200, content=IDENTIFY)
        page = int(params.get("resumptionToken", "0"))
        return httpx.Response(200, content=(directory / f"{prefix}-{page}.xml").read_bytes())

    return httpx.MockTransport(answer)


class _FileResponse:
    """What sickle's OAIResponse reads from a requests response: ``content`` and ``text``."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.text = content.decode("utf-8")


def baseline(directory: Path, prefix: str) -> tuple[int, float]:
    start = time.perf_counter()
    count = 0
    for path in sorted(directory.glob(f"{prefix}-*.xml")):
        xml = OAIResponse(_FileResponse(path.read_bytes()), {}).xml
        for element in xml.iterfind(".//{http://www.openarchives.org/OAI/2.0/}record"):
            SickleRecord(element)
            count += 1
    return count, time.perf_counter() - start


def sharenet(directory: Path, prefix: str, url: str) -> tuple[int, float]:
    db = Database(url)
    with db.session() as session:
        add_source(
            session,
            prefix,
            platform="nbsdc",
            protocol="oai-pmh",
            url="http://bench/oai",
            config={"metadata_prefix": prefix},
        )
    client = make_client(transport=file_transport(directory, prefix))
    start = time.perf_counter()
    report = harvest(db, prefix, client=client)
    took = time.perf_counter() - start
    client.close()
    db.dispose()
    assert report.ok and report.counts.failed == 0, (report.error, report.errors[:3])
    return report.counts.added, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--per-page", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        url = opts.database_url or f"sqlite:///{directory / 'bench.db'}"
        print(f"{opts.pages} pages x {opts.per_page} records per format; store {url.split(':')[0]}")
        for prefix in ("oai_dc", "oai_datacite"):
            write_pages(directory, prefix, opts.pages, opts.per_page)
            n0, t0 = baseline(directory, prefix)
            n1, t1 = sharenet(directory, prefix, url)
            print(
                f"{prefix:<13} sickle parse only: {n0 / t0:9.0f} records/s   "
                f"parse+map+rules+store: {n1 / t1:7.0f} records/s   ({n1} records, {t1:.2f}s)"
            )


if __name__ == "__main__":
    main()
