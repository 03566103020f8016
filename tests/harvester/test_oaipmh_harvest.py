"""Harvesting a real OAI-PMH provider (pyoai in a subprocess): paging, deletions, increments."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harvester.http import HttpOptions, make_client
from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.records import count_records, get_record
from harvester.store.runs import list_runs, run_errors
from harvester.store.sources import add_source
from mappings.record import record_id
from sharenet.demo.oai_server import write_items
from tests.harvester.oai_support import (
    DATA,
    OaiServerProcess,
    dc_item,
    read_items,
    snapshot,
)
from tests.platform_support import register

pytestmark = pytest.mark.integration

FIXTURE = DATA / "provider_items.jsonl"
LIVE = 22  # 24 items: one deleted, one whose metadata is not oai_dc


@pytest.fixture
def provider(tmp_path: Path) -> Iterator[OaiServerProcess]:
    records = tmp_path / "items.jsonl"
    write_items(records, read_items(FIXTURE))
    with OaiServerProcess(records, batch_size=5) as server:
        yield server


def _source(db: Database, url: str, prefix: str = "oai_dc", sid: str = "ncdc") -> None:
    with db.session() as session:
        register(session, "ncdc")
        add_source(
            session,
            sid,
            platform="ncdc",
            protocol="oai-pmh",
            url=url,
            config={"metadata_prefix": prefix},
        )


def test_full_harvest_pages_through_every_resumption_token(
    db: Database, provider: OaiServerProcess
) -> None:
    _source(db, provider.url)
    seen: list[int] = []
    report = harvest(db, "ncdc", progress=lambda r: seen.append(r.pages))

    assert report.status == "succeeded", report.error
    assert report.mode == "full"
    assert report.pages == 5 and seen == [1, 2, 3, 4, 5]
    c = report.counts
    assert (c.added, c.updated, c.unchanged, c.deleted, c.failed) == (LIVE, 0, 0, 1, 1)
    assert report.errors[0][0] == "oai:ncdc.example:0024"
    assert "no <oai_dc:dc> element" in report.errors[0][1]
    assert report.duration > 0

    tokens = [r for r in provider.requests() if "resumptionToken" in r]
    assert len(tokens) == 4  # ≥ 3 resumption pages, each asked for by its token
    with db.session() as session:
        assert count_records(session, source="ncdc") == LIVE
        stored = get_record(session, record_id("ncdc", "oai:ncdc.example:0003"))
        assert stored is not None
        assert stored.record.title == {"zh": "冰川观测数据集 3", "en": "Glacier observations 3"}
        assert stored.record.cstr == "CSTR:11738.11.ncdc.0003"
        assert stored.raw.startswith("<record") and stored.raw_format == "oai_dc"
        gone = get_record(session, record_id("ncdc", "oai:ncdc.example:0007"))
        assert gone is not None and gone.record.deleted
        [run] = list_runs(session, "ncdc")
        assert (run.status, run.pages, run.added, run.failed) == ("succeeded", 5, LIVE, 1)
        assert run.checkpoint is None
        assert run_errors(session, run.id)[0][0] == "oai:ncdc.example:0024"


def test_datacite_prefix_maps_kernel_records(db: Database, provider: OaiServerProcess) -> None:
    _source(db, provider.url, prefix="oai_datacite", sid="nbsdc")
    report = harvest(db, "nbsdc")
    assert report.status == "succeeded", report.error
    assert (report.counts.added, report.counts.deleted) == (3, 1)
    with db.session() as session:
        stored = get_record(session, record_id("nbsdc", "oai:ncdc.example:0002"))
        assert stored is not None
        assert stored.record.title["en"] == "Basic physics data 2"
        assert stored.record.doi == "10.12345/nbsdc.2"
        assert stored.record.cstr == "CSTR:16666.11.nbsdc.2"
        assert [a.name for a in stored.record.creators] == ["李2"]


def test_second_harvest_asks_from_and_applies_exactly_the_changes(
    db: Database, provider: OaiServerProcess
) -> None:
    _source(db, provider.url)
    first = harvest(db, "ncdc")
    assert first.status == "succeeded"
    before = snapshot(db, "ncdc")

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    items = read_items(provider.records)
    items[1] = dc_item(2, now, title="冰川观测数据集 2（修订）")  # updated
    items[4] = dc_item(5, now, deleted=True)  # deleted
    items.append(dc_item(30, now))  # new
    write_items(provider.records, items)
    asked_before = len(provider.requests())

    second = harvest(db, "ncdc")

    assert second.status == "succeeded", second.error
    assert second.mode == "incremental"
    c = second.counts
    assert (c.added, c.updated, c.deleted, c.unchanged, c.failed) == (1, 1, 1, 0, 0)
    listing = [r for r in provider.requests()[asked_before:] if r.get("verb") == "ListRecords"]
    assert len(listing) == 1
    assert listing[0]["from"] < now  # in the source's granularity, moved back by the overlap
    assert listing[0]["from"].endswith("Z") and "T" in listing[0]["from"]

    after = snapshot(db, "ncdc")
    changed = {k for k in after if after.get(k) != before.get(k)}
    assert changed == {"oai:ncdc.example:0002", "oai:ncdc.example:0005", "oai:ncdc.example:0030"}
    assert after["oai:ncdc.example:0002"][3]["title"]["zh"] == "冰川观测数据集 2（修订）"
    assert after["oai:ncdc.example:0005"][1] is True


def test_day_granularity_source_gets_a_date_from(db: Database, tmp_path: Path) -> None:
    records = tmp_path / "items.jsonl"
    write_items(records, read_items(FIXTURE)[:6])
    with OaiServerProcess(records, batch_size=5, granularity="YYYY-MM-DD") as server:
        _source(db, server.url)
        assert harvest(db, "ncdc").status == "succeeded"
        second = harvest(db, "ncdc")
        assert second.status == "succeeded", second.error
        listings = [r for r in server.requests() if "metadataPrefix" in r]
        assert "from" not in listings[0]
        listing = listings[-1]
        assert len(listing["from"]) == 10 and "T" not in listing["from"]


def test_complete_full_pass_withdraws_only_after_the_grace_period(
    db: Database, provider: OaiServerProcess
) -> None:
    _source(db, provider.url)
    assert harvest(db, "ncdc").status == "succeeded"
    items = [i for i in read_items(provider.records) if i["identifier"] != "oai:ncdc.example:0009"]
    write_items(provider.records, items)

    within_grace = harvest(db, "ncdc", full=True)
    assert within_grace.counts.withdrawn == 0

    no_grace = harvest(db, "ncdc", full=True, options=RunOptions(withdraw_grace_days=0))
    assert no_grace.status == "succeeded"
    assert no_grace.counts.withdrawn == 1
    with db.session() as session:
        stored = get_record(session, record_id("ncdc", "oai:ncdc.example:0009"))
        assert stored is not None and stored.record.deleted and stored.withdrawn
        assert count_records(session, source="ncdc") == LIVE - 1


def test_failed_full_pass_withdraws_nothing(db: Database, provider: OaiServerProcess) -> None:
    _source(db, provider.url)
    assert harvest(db, "ncdc").status == "succeeded"
    before = snapshot(db, "ncdc")
    provider.stop()  # the source goes down
    client = make_client(HttpOptions(timeout=2, retries=0))
    report = harvest(
        db, "ncdc", full=True, client=client, options=RunOptions(withdraw_grace_days=0)
    )
    client.close()
    assert report.status == "failed"
    assert "cannot connect" in (report.error or "")
    assert report.counts.withdrawn == 0
    assert snapshot(db, "ncdc") == before
