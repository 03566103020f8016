"""Freshness figures on the demo catalogue against values derived from its manifest.

The manifest is written by the generator, which knows what it injected (how many
records, which CSTRs are missing or malformed, which are stale), so these
expectations do not go through the freshness code at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from harvester.freshness import platform_freshness, snapshot
from harvester.store import Database
from search_api.app import create_app
from search_api.auth import create_token
from search_api.config import ApiConfig
from sharenet.cli import main
from sharenet.context import open_backend, open_database
from sharenet.demo.catalogue import load_manifest
from sharenet.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, TestClient, str]]:
    data_dir: Path = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    settings = Settings(data_dir=data_dir)
    db = open_database(settings)
    with db.session() as session:
        _info, token = create_token(session, role="admin")
    with TestClient(create_app(ApiConfig(db=db, backend=open_backend(settings)))) as client:
        yield db, client, token
    db.dispose()


def _expected(platform: dict[str, Any]) -> dict[str, Any]:
    defects = platform["defects"]
    invalid = defects["missing_cstr"]["count"] + defects["malformed_cstr"]["count"]
    return {
        "records": platform["records"],
        "valid_cstr_share": round((platform["records"] - invalid) / platform["records"], 4),
        "stale": defects["stale"]["count"],
    }


def test_api_figures_equal_the_manifest(demo: tuple[Database, TestClient, str]) -> None:
    _db, client, token = demo
    manifest = load_manifest()
    reply = client.get("/api/freshness", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.text
    figures = {p["platform"]: p for p in reply.json()["platforms"]}
    for platform_id, platform in manifest["platforms"].items():
        got, want = figures[platform_id], _expected(platform)
        assert got["records"] == want["records"], platform_id
        assert got["valid_cstr_share"] == want["valid_cstr_share"], platform_id
        assert got["added_30d"] == want["records"]  # everything was first seen just now
        assert got["runs_30d"] == 1 and got["success_rate_30d"] == 1.0
        assert got["last_success"] is not None
    assert client.get("/api/freshness").status_code == 401


def test_age_distribution_on_the_catalogue_day(demo: tuple[Database, TestClient, str]) -> None:
    db, _client, _token = demo
    manifest = load_manifest()
    as_of = datetime.combine(date.fromisoformat(manifest["as_of"]), datetime.min.time(), UTC)
    with db.session() as session:
        for platform_id, platform in manifest["platforms"].items():
            figures = platform_freshness(session, platform_id, now=as_of)
            assert figures.age_distribution["over_3y"] == _expected(platform)["stale"]
            assert sum(figures.age_distribution.values()) == platform["records"]


def test_history_grows_one_snapshot_a_day(demo: tuple[Database, TestClient, str]) -> None:
    db, client, token = demo
    with db.session() as session:
        snapshot(session, datetime(2026, 11, 1, tzinfo=UTC))
        snapshot(session, datetime(2026, 11, 2, tzinfo=UTC))
    reply = client.get(
        "/api/freshness/ncdc",
        params={"since": "2026-11-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert reply.status_code == 200, reply.text
    days = [h["day"] for h in reply.json()["history"]]
    assert days[:2] == ["2026-11-01", "2026-11-02"]
    assert (
        client.get("/api/freshness/nope", headers={"Authorization": f"Bearer {token}"}).status_code
        == 404
    )
