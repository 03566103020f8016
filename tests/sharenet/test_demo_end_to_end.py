"""`sharenet demo --no-serve`, then every facet and total of /api/search checked against the store.

The expected numbers are computed here from the stored records (SQL plus a few
lines of Python), not with the indexer's document code, so a facet that counts
the wrong thing, a filter that drops records, or an index out of step with the
store all show up as a difference.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text

from harvester.store import Database
from sharenet.cli import main
from sharenet.demo.catalogue import load_manifest
from sharenet.settings import Settings
from tests.conftest import fresh_postgres
from tests.local_servers import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

FACET_NAMES = ("platform", "kind", "subject", "keyword", "license", "access", "year", "lang")
Doc = dict[str, Any]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def store_url(request: pytest.FixtureRequest) -> str | None:
    """The demo's store: the SQLite default, or a PostgreSQL database of this module's own."""
    if request.param == "sqlite":
        return None
    return fresh_postgres("_demo")


def _cli(store_url: str | None) -> list[str]:
    return ["--database-url", store_url] if store_url else []


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, store_url: str | None) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    args = [*_cli(store_url), "demo", "--no-serve", "--data-dir", str(data_dir)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "ncdc" in result.output and "index:" in result.output
    return data_dir


@pytest.fixture(scope="module")
def settings(demo_dir: Path, store_url: str | None) -> Settings:
    return Settings(data_dir=demo_dir, database_url=store_url)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    from search_api.app import create_app
    from search_api.config import ApiConfig
    from sharenet.context import open_backend, open_database

    db, backend = open_database(settings), open_backend(settings)
    with TestClient(create_app(ApiConfig(db=db, backend=backend))) as test_client:
        yield test_client
    backend.close()
    db.dispose()


def _lang_of(value: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in value) else "en"


def facet_values(data: Doc) -> dict[str, set[str]]:
    """What each facet should count for one stored record, read off the record's JSON."""
    langs: set[str] = set()
    for field in ("title", "description"):
        for lang, value in (data.get(field) or {}).items():
            if value:
                langs.add(_lang_of(value) if lang == "und" else lang)
    for lang, terms in (data.get("keywords") or {}).items():
        if any(t.strip() for t in terms):
            langs.add(_lang_of(" ".join(terms)) if lang == "und" else lang)
    when = data.get("issued") or data.get("modified")
    keywords = {t.strip() for terms in (data.get("keywords") or {}).values() for t in terms}
    return {
        "platform": {data["platform"]},
        "kind": {data["resource_kind"]},
        "subject": {s.strip() for s in data.get("subjects", []) if s.strip()},
        "keyword": {k for k in keywords if k},
        "license": {data["license"]} if data.get("license") else set(),
        "access": {data["access_rights"]} if data.get("access_rights") else set(),
        "year": {when[:4]} if when else set(),
        "lang": langs,
    }


@pytest.fixture(scope="module")
def store(settings: Settings) -> dict[str, dict[str, set[str]]]:
    """Record id -> facet values, for every live record in the store."""
    return {rid: facet_values(data) for rid, data in live_records(settings)}


def live_records(settings: Settings) -> list[tuple[str, Doc]]:
    """``(id, record JSON)`` of every live record, straight from the records table."""
    db = Database(settings.store_url)
    try:
        with db.engine.connect() as conn:
            query = text("SELECT id, data FROM records WHERE deleted = :f")
            rows = conn.execute(query, {"f": False}).all()
    finally:
        db.dispose()
    return [(rid, raw if isinstance(raw, dict) else json.loads(raw)) for rid, raw in rows]


def search(client: TestClient, **params: Any) -> Doc:
    reply = client.get("/api/search", params=params)
    assert reply.status_code == 200, reply.text
    body: Doc = reply.json()
    return body


def all_ids(client: TestClient, **params: Any) -> set[str]:
    ids: set[str] = set()
    page = 1
    while True:
        body = search(client, **params, page=page, size=100)
        ids |= {h["id"] for h in body["hits"]}
        if page * 100 >= body["total"]:
            assert len(ids) == body["total"]
            return ids
        page += 1


def check_facets(body: Doc, expected_ids: set[str], store: dict[str, dict[str, set[str]]]) -> None:
    assert body["total"] == len(expected_ids)
    for name in FACET_NAMES:
        counts: Counter[str] = Counter()
        for rid in expected_ids:
            counts.update(store[rid][name])
        shown = {f["value"]: f["count"] for f in body["facets"][name]}
        for value, count in shown.items():
            assert counts[value] == count, f"{name}={value}: API {count}, store {counts[value]}"
        if len(shown) < 20:
            assert set(shown) == set(counts), f"facet {name}: values differ"
        else:
            floor = min(shown.values())
            omitted = {v: c for v, c in counts.items() if v not in shown and c > floor}
            assert not omitted, f"facet {name}: omitted values counting more than shown {omitted}"


def test_demo_harvested_the_whole_catalogue(store: dict[str, dict[str, set[str]]]) -> None:
    manifest = load_manifest()
    by_platform = Counter(next(iter(v["platform"])) for v in store.values())
    assert by_platform == {pid: p["records"] for pid, p in manifest["platforms"].items()}


def test_facets_without_query_or_filter(
    client: TestClient, store: dict[str, dict[str, set[str]]]
) -> None:
    check_facets(search(client), set(store), store)


@pytest.mark.parametrize("facet", FACET_NAMES)
def test_each_facet_filter(
    client: TestClient, store: dict[str, dict[str, set[str]]], facet: str
) -> None:
    """Filter on the two most frequent values of the facet, one at a time and OR-ed."""
    top = search(client)["facets"][facet][:2]
    assert top, f"facet {facet} is empty on the demo catalogue"
    values = [f["value"] for f in top]
    for chosen in ([values[0]], values):
        if facet == "year":
            params: Doc = {"year_from": min(chosen), "year_to": max(chosen)}
            years = {str(y) for y in range(int(min(chosen)), int(max(chosen)) + 1)}
            expected = {rid for rid, v in store.items() if v["year"] & years}
        else:
            params = {facet: chosen}
            expected = {rid for rid, v in store.items() if v[facet] & set(chosen)}
        check_facets(search(client, **params), expected, store)


QUERIES: dict[str, Callable[[str], bool]] = {
    "土壤": lambda title: "土壤" in title,
    "冰川": lambda title: "冰川" in title,
    "Bacillus": lambda title: "Bacillus" in title,
    "germplasm": lambda title: "germplasm" in title.lower(),
}


@pytest.mark.parametrize("q", list(QUERIES))
def test_facets_with_query_and_filters(
    client: TestClient, store: dict[str, dict[str, set[str]]], settings: Settings, q: str
) -> None:
    matched = all_ids(client, q=q)
    assert matched, f"{q!r} finds nothing"
    titled = _ids_with_title(settings, QUERIES[q])
    assert titled <= matched, f"{q!r} misses {len(titled - matched)} records with it in the title"
    check_facets(search(client, q=q), matched, store)
    for facet in ("platform", "kind", "access", "lang", "subject"):
        top = search(client, q=q)["facets"][facet][0]["value"]
        expected = {rid for rid in matched if top in store[rid][facet]}
        check_facets(search(client, q=q, **{facet: top}), expected, store)


def _ids_with_title(settings: Settings, wanted: Callable[[str], bool]) -> set[str]:
    return {
        rid
        for rid, data in live_records(settings)
        if any(wanted(t) for t in (data.get("title") or {}).values() if t)
    }


def test_rerun_is_incremental(demo_dir: Path, store_url: str | None) -> None:
    args = [*_cli(store_url), "demo", "--no-serve", "--data-dir", str(demo_dir)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summaries = [line for line in result.output.splitlines() if " succeeded in " in line]
    assert len(summaries) == 5, result.output
    assert all("0 added, 0 updated" in line and "0 deleted" in line for line in summaries)


def test_serves_until_interrupted(demo_dir: Path, store_url: str | None) -> None:
    """The real command: it prints the address, answers searches, and stops on Ctrl-C."""
    port = free_port()
    command = "from sharenet.cli import main; main()"
    args = [*_cli(store_url), "demo", "--data-dir", str(demo_dir), "--port", str(port)]
    proc = subprocess.Popen(
        [sys.executable, "-c", command, *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        address = f"http://127.0.0.1:{port}/"
        for line in proc.stdout:
            if line.startswith("ShareNet demo: http"):
                assert address in line
                break
        else:
            pytest.fail("the demo ended without printing its address")
        admin = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        operator = proc.stdout.readline().rsplit(" ", 1)[1].strip()
        for _ in range(100):
            try:
                reply = httpx.get(address + "api/search", params={"q": "土壤"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert reply.status_code == 200 and reply.json()["total"] > 0
        # the printed tokens open the dashboards, and "harvest now" really starts a run
        centre = httpx.get(address + "centre", headers={"Authorization": f"Bearer {admin}"})
        assert centre.status_code == 200
        mine = {"Authorization": f"Bearer {operator}"}
        sources = httpx.get(address + "api/sources", headers=mine).json()
        assert {s["platform"] for s in sources} == {"ncdc"}
        started = httpx.post(address + f"api/sources/{sources[0]['id']}/harvest", headers=mine)
        assert started.status_code == 202, started.text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
