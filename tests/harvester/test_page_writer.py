"""Pages written by a child process (``harvest_writer = "process"``) are stored exactly as inline.

A real multi-page listing from the pyoai server, harvested once with each
writer into the same store (SQLite and PostgreSQL): the records, their
findings, the run's counts and checkpoints and what the page listener is
told must all be the same. Then the child's failure and its death with the
harvest's process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from harvester.errors import StoreError
from harvester.http import HttpOptions, make_client
from harvester.page_writer import Gone, PageJob, PageWriter, StoredPage, WriterPlace
from harvester.runs import RunOptions, RunReport, harvest
from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow, RunErrorRow, RunRow
from harvester.store.records import Incoming, unchanged_row, upsert_records
from harvester.store.run_models import RunOwnerRow
from harvester.store.runs import Counts
from harvester.store.sources import add_source
from mappings.record import Record, record_id
from sharenet.demo.oai_server import write_items
from tests.harvester.oai_support import ROOT, OaiServerProcess, dc_item
from tests.local_servers import wait_until
from tests.platform_support import register

pytestmark = pytest.mark.integration

WRITERS: tuple[WriterPlace, ...] = ("inline", "process")


def _listing(path: Path) -> None:
    """31 items on 8 pages of 4, two of them deleted headers."""
    items = [dc_item(n, f"2024-05-{n % 28 + 1:02d}T00:00:00Z") for n in range(31)]
    items[9]["deleted"] = True
    items[22]["deleted"] = True
    write_items(path, items)


def _timeless(data: dict[str, object]) -> dict[str, object]:
    """The unified record without the moment it was harvested (and the hash covering it)."""
    return {k: v for k, v in data.items() if k not in {"harvested_at", "content_hash"}}


def _stored(db: Database) -> dict[str, object]:
    """Everything the run left in the store but the moment, then the store emptied of it."""
    with db.session() as session:
        rows = session.scalars(select(RecordRow)).all()
        records = {
            r.id: (r.deleted, r.quality_score, r.judged_with, r.text_key, r.raw, _timeless(r.data))
            for r in rows
        }
        findings = sorted(
            (f.record_id, f.rule, f.level, f.detail, tuple(f.fields), f.message_en)
            for f in session.scalars(select(FindingRow))
        )
        run = session.scalars(select(RunRow)).one()
        counts = (run.pages, run.added, run.updated, run.unchanged, run.deleted, run.checkpoint)
        for table in (FindingRow, RunErrorRow, RunOwnerRow, RecordRow, RunRow):
            session.execute(delete(table))
    return {"records": records, "findings": findings, "run": counts}


def test_a_child_writer_stores_what_the_inline_one_stores(db: Database, tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    _listing(items)
    told: dict[str, list[tuple[list[str], list[str], int]]] = {}
    reports: dict[str, RunReport] = {}
    stored: dict[str, dict[str, object]] = {}
    with OaiServerProcess(items, batch_size=4) as server:
        with db.session() as session:
            register(session, "ncdc")
            config = {"metadata_prefix": "oai_dc"}
            add_source(
                session, "s", platform="ncdc", protocol="oai-pmh", url=server.url, config=config
            )
        for writer in WRITERS:
            pages = told.setdefault(writer, [])

            def listen(
                page: StoredPage,
                report: RunReport,
                pages: list[tuple[list[str], list[str], int]] = pages,
            ) -> None:
                pages.append(([r.id for r in page.records], page.gone, report.pages))

            options = RunOptions(writer=writer, writer_after=0)
            reports[writer] = harvest(db, "s", full=True, options=options, listener=listen)
            stored[writer] = _stored(db)

    inline, process = reports["inline"], reports["process"]
    assert inline.ok and process.ok, (inline.error, process.error)
    assert process.pages == inline.pages == 8
    assert process.counts == inline.counts
    assert process.counts.added == 29 and process.counts.deleted == 2  # stubs for both
    assert process.stages["store"] > 0  # the child's CPU is reported
    assert told["process"] == told["inline"]
    assert sum(len(ids) for ids, _, _ in told["process"]) == 29  # the live, each told once
    assert stored["process"] == stored["inline"]


def _job(run_id: int, n: int) -> PageJob:
    now = datetime.now(UTC)
    return PageJob(
        run_id=run_id,
        source="writer",
        platform="ncdc",
        now=now,
        items=[Gone(f"oai:x:{n}", now)],
        counts=Counts(),
        errors=[],
        checkpoint={"page": n},
    )


def _run(db: Database) -> int:
    from harvester.store import runs as store_runs

    with db.session() as session:
        register(session, "ncdc")
        add_source(
            session, "writer", platform="ncdc", protocol="oai-pmh", url="http://127.0.0.1:9/"
        )
        run = store_runs.start_run(
            session, "writer", mode="full", window_from=None, source_started_at=None
        )
        return run.id


def test_a_page_the_child_cannot_store_fails_with_the_reason(db: Database) -> None:
    run_id = _run(db)
    writer = PageWriter(db, "process")
    try:
        writer.submit(_job(run_id, 1))  # the first page: inline
        writer.submit(_job(run_id, 2))  # the child starts
        writer.submit(_job(run_id + 1000, 3))  # no such run: the child's transaction fails
        assert writer.result().counts.deleted == 1
        assert writer.result().counts.deleted == 1
        with pytest.raises(StoreError, match="storing a page failed"):
            writer.result()
    finally:
        writer.close()
    with db.session() as session:
        run = session.get(RunRow, run_id)
        assert run is not None and run.pages == 2 and run.checkpoint == {"page": 2}


def _has_writer_child() -> bool:
    return any(
        b"harvester.page_writer" in Path(f"/proc/{pid}/cmdline").read_bytes()
        for pid in _children(os.getpid())
        if _alive(pid)
    )


@pytest.mark.skipif(sys.platform != "linux", reason="children are read from /proc")
def test_the_child_starts_once_enough_was_written(db: Database) -> None:
    run_id = _run(db)
    ident = "oai:x:0"
    stored = Record(
        id=record_id("writer", ident), source="writer", source_identifier=ident, platform="ncdc"
    )
    with db.session() as session:
        upsert_records(session, [Incoming(stored, "", "oai_dc")])
    assert stored.content_hash is not None
    writer = PageWriter(db, "process", after=3)
    unchanged = replace(_job(run_id, 0), items=[unchanged_row(stored.id, stored.content_hash)] * 5)
    seen = []
    try:
        writer.submit(unchanged)  # found unchanged: these do not count
        seen.append(_has_writer_child())
        for n in range(1, 5):
            writer.submit(_job(run_id, n))  # one deleted header each
            seen.append(_has_writer_child())
    finally:
        writer.close()
    assert seen == [False, False, False, False, True]  # 3 written before the fifth page


_HOLDER = """
import sys, time
from datetime import UTC, datetime
from harvester.page_writer import Gone, PageJob, PageWriter, WriterPlace
from harvester.store import Database
from harvester.store.runs import Counts
db = Database(sys.argv[1])
writer = PageWriter(db, "process")
for n in (1, 2):
    now = datetime.now(UTC)
    gone = [Gone(f"oai:x:{n}", now)]
    writer.submit(PageJob(int(sys.argv[2]), "writer", "ncdc", now, gone, Counts(), [], {"page": n}))
writer.result(); writer.result()
print("ready", flush=True)
time.sleep(60)
"""


def _children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    return [int(c) for t in tasks.iterdir() for c in (t / "children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="the child's death signal is Linux's prctl")
def test_the_child_dies_with_the_harvest(database_url: str) -> None:
    with Database(database_url) as db:
        run_id = _run(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, database_url, str(run_id)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        (child,) = _children(holder.pid)
        assert _alive(child)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    wait_until(lambda: not _alive(child), timeout=10)
    time.sleep(0.1)
    assert not _alive(child)


def test_a_source_failing_midway_keeps_and_reports_every_page_written(
    db: Database, tmp_path: Path
) -> None:
    items = tmp_path / "items.jsonl"
    write_items(items, [dc_item(n, f"2024-07-{n % 28 + 1:02d}T00:00:00Z") for n in range(60)])
    with OaiServerProcess(items, batch_size=4, page_delay=0.2) as server:
        with db.session() as session:
            register(session, "ncdc")
            config = {"metadata_prefix": "oai_dc"}
            add_source(
                session, "s", platform="ncdc", protocol="oai-pmh", url=server.url, config=config
            )
        client = make_client(HttpOptions(timeout=2, retries=0))
        done: list[RunReport] = []
        run = threading.Thread(
            target=lambda: done.append(
                harvest(
                    db,
                    "s",
                    full=True,
                    client=client,
                    options=RunOptions(writer="process", writer_after=0),
                )
            )
        )
        run.start()
        wait_until(lambda: _pages(db) >= 4)
        server.stop()  # the source goes down with pages in flight to the child
        run.join(timeout=60)
        client.close()
    (report,) = done
    assert report.status == "failed" and "cannot connect" in (report.error or "")
    with db.session() as session:
        row = session.scalars(select(RunRow)).one()
        live = session.scalars(select(RecordRow.id).where(RecordRow.deleted.is_(False))).all()
        assert row.pages == report.pages >= 4 and row.status == "failed"
        assert len(live) == report.counts.added == row.added == 4 * row.pages
        assert row.checkpoint is not None  # the next run resumes after the last page written


def _pages(db: Database) -> int:
    with db.session() as session:
        run = session.scalars(select(RunRow)).first()
        return run.pages if run is not None else 0
