"""``sharenet serve --workers 2`` as real processes: both answer one address, and when the
server is stopped every service event they counted is in the store, one client counted
once whichever worker answered it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from harvester.store import Database
from harvester.store.service_models import ServiceCountRow, ServiceTermClientRow
from tests.local_servers import free_port
from tests.search_api.test_serve import CLI, data_dir  # noqa: F401 - the fixture

REQUESTS = 120


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the workers), read from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.mark.integration
def test_workers_share_the_address_and_lose_no_event(data_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHARENET_")}
    env.update(SHARENET_DATA_DIR=str(data_dir), SHARENET_SCHEDULER="false")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(base + "/metrics", timeout=2)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"serve did not start: {log_path.read_text()}")
                    time.sleep(0.3)
            while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.3)
            assert len(_children(proc.pid)) >= 2  # the workers (and multiprocessing's helper)

            def search(n: int) -> int:
                # a fresh connection each time, so both workers take some
                reply = httpx.get(base + "/api/search", params={"q": "soil"}, timeout=30)
                assert reply.status_code == 200, reply.text
                return len(reply.json()["hits"])

            with ThreadPoolExecutor(8) as pool:
                shown = sum(pool.map(search, range(REQUESTS)))
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=60)
    assert code == 0, log_path.read_text()
    with Database(f"sqlite:///{data_dir / 'catalogue.db'}") as db, db.session() as s:
        impressions = s.scalar(select(func.sum(ServiceCountRow.count)))
        notes = s.execute(
            select(ServiceTermClientRow.platform, ServiceTermClientRow.searches).where(
                ServiceTermClientRow.term == "soil"
            )
        ).all()
    assert impressions == shown >= REQUESTS
    # one client (127.0.0.1) and one term: one note per platform, counting every search
    assert [searches for _, searches in notes] == [REQUESTS] * len(notes) and notes
