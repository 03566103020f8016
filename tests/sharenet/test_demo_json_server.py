"""The demo JSON platforms: real HTTP on 127.0.0.1, paging, incremental filters, error shapes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sharenet.demo.catalogue import load_lines, load_manifest
from sharenet.demo.json_server import MAX_PAGE_SIZE, JsonPlatformServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sciencedb() -> Iterator[JsonPlatformServer]:
    with JsonPlatformServer("sciencedb") as server:
        yield server


@pytest.fixture(scope="module")
def nmdc() -> Iterator[JsonPlatformServer]:
    with JsonPlatformServer("nmdc") as server:
        yield server


def _get(url: str, **params: Any) -> dict[str, Any]:
    reply = httpx.get(url, params=params, timeout=10)
    assert reply.status_code == 200
    body: dict[str, Any] = reply.json()
    return body


def test_sciencedb_pages_through_every_record(sciencedb: JsonPlatformServer) -> None:
    first = _get(sciencedb.url, page=1, size=100)
    assert first["code"] == 20000
    data = first["data"]
    expected = list(load_lines("sciencedb"))
    assert data["totalElements"] == len(expected)
    assert data["totalPages"] == -(-len(expected) // 100) >= 3
    seen = []
    for page in range(1, data["totalPages"] + 1):
        seen += _get(sciencedb.url, page=page, size=100)["data"]["list"]
    assert seen == expected
    assert _get(sciencedb.url, page=data["totalPages"] + 1, size=100)["data"]["list"] == []


def test_sciencedb_filters_on_update_time(sciencedb: JsonPlatformServer) -> None:
    start, end = "2025-01-01 00:00:00", "2025-06-30 23:59:59"
    body = _get(sciencedb.url, start_time=start, end_time=end, page=1, size=500)
    expected = [r for r in load_lines("sciencedb") if start <= r["updateTime"] <= end]
    assert 0 < body["data"]["totalElements"] == len(expected) < len(sciencedb.records)
    assert body["data"]["list"] == expected


@pytest.mark.parametrize(
    "params",
    [{"page": "x"}, {"size": "0"}, {"start_time": "yesterday"}, {"page": "-1"}],
)
def test_sciencedb_bad_parameters_get_its_error_shape(
    sciencedb: JsonPlatformServer, params: dict[str, str]
) -> None:
    body = _get(sciencedb.url, **params)
    assert body["code"] == 50000 and body["message"] and "data" not in body


def test_page_size_is_bounded(sciencedb: JsonPlatformServer, nmdc: JsonPlatformServer) -> None:
    data = _get(sciencedb.url, size=10**6)["data"]
    assert data["pageSize"] == MAX_PAGE_SIZE
    assert len(data["list"]) == min(MAX_PAGE_SIZE, len(sciencedb.records))
    assert _get(nmdc.url, pageSize=10**6)["data"]["pageSize"] == MAX_PAGE_SIZE


def test_nmdc_paged_get_and_modified_since(nmdc: JsonPlatformServer) -> None:
    body = _get(nmdc.url, pageNum=2, pageSize=50)
    assert body["code"] == 200 and body["msg"] == "操作成功"
    everything = list(load_lines("nmdc"))
    assert body["data"]["total"] == len(everything)
    assert body["data"]["records"] == everything[50:100]
    recent = _get(nmdc.url, pageNum=1, pageSize=500, modifiedSince="2026-01-01")["data"]
    assert recent["records"] == [r for r in everything if r["modifyTime"] >= "2026-01-01"]
    assert 0 < recent["total"] < len(everything)
    assert _get(nmdc.url, modifiedSince="2026/01/01")["code"] == 500


def test_failures_and_unknown_paths(nmdc: JsonPlatformServer) -> None:
    nmdc.fail_pages = {2}
    try:
        assert _get(nmdc.url, pageNum=2)["code"] == 500
        assert _get(nmdc.url, pageNum=1)["code"] == 200
    finally:
        nmdc.fail_pages = set()
    reply = httpx.get(f"http://127.0.0.1:{nmdc.port}/other", timeout=10)
    assert reply.status_code == 404 and reply.json()["code"] == 500
    assert any(q.get("pageNum") == "2" for _, q in nmdc.requests)


def test_runs_as_a_module() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sharenet.demo.json_server", "--platform", "nmdc", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.rsplit(" at ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        total = _get(url, pageNum=1, pageSize=5)["data"]["total"]
        assert total == load_manifest()["platforms"]["nmdc"]["records"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
