"""SIGKILL a `sharenet harvest` mid-run: the next run resumes and the store ends up whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester.runs import harvest
from harvester.store import Database
from harvester.store.models import RunRow
from harvester.store.sources import add_source
from indexer.base import Filters, Query
from sharenet.context import open_backend
from sharenet.demo.oai_server import write_items
from sharenet.pipeline import sync_index
from sharenet.settings import Settings
from tests.harvester.oai_support import (
    ROOT,
    OaiServerProcess,
    dc_item,
    snapshot,
)
from tests.local_servers import wait_until
from tests.platform_support import register

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _pages_stored(db: Database) -> int:
    with db.session() as session:
        run = session.scalars(select(RunRow).where(RunRow.source == "killed")).first()
        return run.pages if run is not None else 0


def test_killed_harvest_resumes_from_its_checkpoint(
    db: Database, database_url: str, tmp_path: Path
) -> None:
    records = tmp_path / "items.jsonl"
    write_items(records, [dc_item(n, f"2024-04-{n % 28 + 1:02d}T00:00:00Z") for n in range(40)])
    with OaiServerProcess(records, batch_size=4, page_delay=0.3) as server:
        with db.session() as session:
            for sid in ("killed", "reference"):
                config = {"metadata_prefix": "oai_dc"}
                register(session, "ncdc")
                add_source(
                    session, sid, platform="ncdc", protocol="oai-pmh", url=server.url, config=config
                )
        data_dir = tmp_path / "data"  # the index the killed run's page writer was feeding
        env = {
            **os.environ,
            "SHARENET_DATABASE_URL": database_url,
            "SHARENET_DATA_DIR": str(data_dir),
            "SHARENET_HARVEST_WRITER_AFTER": "0",  # killed while its page writer process writes
        }
        cli = [sys.executable, "-c", "from sharenet.cli import main; main()"]
        proc = subprocess.Popen(
            [*cli, "harvest", "killed"], env=env, cwd=ROOT, stderr=subprocess.DEVNULL
        )
        try:
            wait_until(lambda: _pages_stored(db) >= 3)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        killed_at = _pages_stored(db)
        assert 3 <= killed_at < 10
        asked = len(server.requests())

        resumed = harvest(db, "killed")

        assert resumed.status == "succeeded", resumed.error
        assert resumed.resumed_from is not None and resumed.mode == "full"
        first_ask = next(r for r in server.requests()[asked:] if r.get("verb") == "ListRecords")
        assert "resumptionToken" in first_ask  # went on from the checkpoint, no restart
        assert resumed.counts.added + killed_at * 4 >= 40
        with db.session() as session:
            dead = session.get(RunRow, resumed.resumed_from)
            assert dead is not None and dead.status == "interrupted"

        reference = harvest(db, "reference")
        assert reference.status == "succeeded"

    volatile = {"id", "source", "harvested_at", "content_hash"}

    def comparable(source: str) -> dict[str, tuple[bool, dict[str, object]]]:
        return {
            k: (v[1], {f: x for f, x in v[3].items() if f not in volatile})
            for k, v in snapshot(db, source).items()
        }

    killed = comparable("killed")
    assert len(killed) == 40
    assert killed == comparable("reference")

    # The index the killed writer was committing to opens, and one sync makes it whole.
    settings = Settings(data_dir=data_dir, database_url=database_url)
    assert sync_index(settings, db) is not None
    backend = open_backend(settings)
    try:
        found = backend.search(Query(text="", filters=Filters(platform=["ncdc"]), size=0))
        assert found.total == 80  # both sources' records
    finally:
        backend.close()
