"""The shipped sciencedb and nmdc configurations against the demo servers (DEMO_SHAPES).

The demo servers are started as processes, serving the shipped demo records;
every record must map, and a page the server fails ends the run with the
platform's own message while the pages before stay stored.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from harvester.runs import harvest
from harvester.store import Database
from harvester.store.records import count_records
from harvester.store.sources import add_source
from sharenet.demo.catalogue import load_lines
from tests.platform_support import register

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _serve(platform: str, *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sharenet.demo.json_server", "--platform", platform, "--port", "0",
         *extra],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, line.rsplit(" at ", 1)[1].strip()


@pytest.fixture(params=["sciencedb", "nmdc"])
def demo(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    process, url = _serve(request.param, "--fail-page", "4")
    try:
        yield request.param, url
    finally:
        process.kill()
        process.wait()


def test_demo_platform_maps_whole_and_a_failed_page_keeps_the_earlier_ones(
    db: Database, demo: tuple[str, str]
) -> None:
    platform, url = demo
    with db.session() as session:
        register(session, platform)
        add_source(session, platform, platform=platform, protocol="json", url=url,
                   config={"config": platform, "page_size": 100})  # fmt: skip
    report = harvest(db, platform)
    assert report.status == "failed"
    assert report.error is not None and "internal error while reading page 4" in report.error
    assert "page 4" in report.error
    assert report.counts.failed == 0, report.errors[:3]
    with db.session() as session:
        assert count_records(session, source=platform) == 300
    served = len(list(load_lines(platform)))
    assert report.expected is not None and report.expected <= served


@pytest.mark.parametrize("platform", ["sciencedb", "nmdc"])
def test_every_demo_record_maps(platform: str) -> None:
    from harvester.protocols.base import SourceSpec
    from harvester.protocols.jsonapi import JsonAdapter
    from mappings.formats import MappingContext, map_payload

    adapter = JsonAdapter(
        SourceSpec(platform, platform, "json", "http://127.0.0.1:9/", {"config": platform}),
        client=None,  # type: ignore[arg-type]  # no request is made
    )
    page, errors = adapter._items(list(load_lines(platform)), "demo")
    assert errors == []
    context = MappingContext(source=platform, platform=platform)
    records = [map_payload(payload, context) for payload in page]
    assert all(r.title and r.source_datestamp for r in records)
    title_zh = "titleZh" if platform == "sciencedb" else "name"
    served = list(load_lines(platform))
    assert sum(1 for r in records if "zh" in r.title) == sum(1 for i in served if i.get(title_zh))
    assert any(r.cstr for r in records) and any(r.access_rights for r in records)
