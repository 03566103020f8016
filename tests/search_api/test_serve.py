"""``sharenet serve`` as a real process: it answers on 127.0.0.1 and logs JSON without secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harvester.store import Database
from harvester.store.records import iter_records
from indexer.tantivy_ import TantivyBackend
from tests.local_servers import free_port
from tests.search_api.conftest import fill_store

CLI = [sys.executable, "-c", "from sharenet.cli import main; main()"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    db = Database(f"sqlite:///{data / 'catalogue.db'}")
    fill_store(db)
    backend = TantivyBackend(data / "index")
    with db.session() as s:
        backend.rebuild(stored.record for stored in iter_records(s))
    backend.close()
    db.dispose()
    return data


@pytest.fixture
def server(data_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHARENET_")}
    env["SHARENET_DATA_DIR"] = str(data_dir)
    env["SHARENET_SCHEDULER"] = "false"
    token = subprocess.run(
        [*CLI, "tokens", "create", "--role", "operator", "--platform", "ncdc"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*CLI, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(base + "/metrics", timeout=1)
                    break
                except httpx.TransportError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"serve did not start: {log_path.read_text()}")
                    time.sleep(0.2)
            yield base, log_path, token
        finally:
            proc.terminate()
            proc.wait(timeout=10)


@pytest.mark.integration
def test_serve_answers_and_logs_json_without_the_token(server: tuple[str, Path, str]) -> None:
    base, log_path, token = server
    found = httpx.get(base + "/api/search", params={"q": "土壤"}).json()
    assert found["total"] >= 2
    assert httpx.get(base + "/docs").status_code == 200
    assert httpx.get(base + "/api/search", params={"size": 0}).status_code == 422
    headers = {"Authorization": f"Bearer {token}"}
    mine = httpx.get(base + "/api/sources", headers=headers).json()
    assert {s["platform"] for s in mine} == {"ncdc"}
    assert httpx.get(base + "/api/sources/cgris-api", headers=headers).status_code == 403
    assert "sharenet_http_requests_total" in httpx.get(base + "/metrics").text
    time.sleep(0.2)
    lines = [line for line in log_path.read_text().splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert any(e.get("route") == "/api/search" and e.get("status") == 200 for e in entries)
    assert token not in log_path.read_text()
