"""`sharenet sources add` for the JSON and DCAT protocols; `sources check` stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, inspect, select, table

from harvester.store import Database
from harvester.store.models import RecordRow
from sharenet.cli import main
from tests.harvester.json_platforms import PlatformServer

pytestmark = pytest.mark.integration


@pytest.fixture
def sciencedb(tmp_path: Path, realdata: Path) -> Iterator[PlatformServer]:
    server = PlatformServer(tmp_path, "sciencedb", realdata)
    try:
        server.populate(12, datetime(2023, 6, 1, tzinfo=UTC))
        yield server
    finally:
        server.stop()


def _cli(tmp_path: Path, database_url: str, *args: str) -> Result:
    base = ["--data-dir", str(tmp_path / "data"), "--database-url", database_url]
    return CliRunner().invoke(main, [*base, *args])


def _platform(tmp_path: Path, database_url: str, platform_id: str) -> None:
    added = _cli(
        tmp_path,
        database_url,
        "platforms",
        "add",
        platform_id,
        "--name-zh",
        "平台",
        "--name-en",
        "P",
    )
    assert added.exit_code == 0, added.output


def _snapshot(database_url: str) -> dict[str, object]:
    """Every table's row count, and the records' content hashes."""
    db = Database(database_url)
    try:
        with db.session() as session:
            names = inspect(session.get_bind()).get_table_names()
            counts: dict[str, object] = {
                name: session.scalar(select(func.count()).select_from(table(name)))
                for name in names
            }
            counts["hashes"] = sorted(session.scalars(select(RecordRow.content_hash)))
    finally:
        db.dispose()
    return counts


def test_check_prints_records_and_findings_and_stores_nothing(
    tmp_path: Path, database_url: str, sciencedb: PlatformServer
) -> None:
    _platform(tmp_path, database_url, "sciencedb")
    added = _cli(
        tmp_path, database_url,
        "sources", "add", "sdb", "--protocol", "json", "--config", "sciencedb",
        "--url", sciencedb.url, "--platform", "sciencedb",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    before = _snapshot(database_url)

    checked = _cli(tmp_path, database_url, "sources", "check", "sdb", "--limit", "3")
    assert checked.exit_code == 0, checked.output
    out = checked.output
    assert "CSTR:31253.11.sciencedb.00000" in out and '"zh": "青藏高原土壤有机碳数据集 0"' in out
    assert "findings (" in out
    assert "... 9 more records on this page not shown" in out
    assert "first page: 12 items of 12, 12 mapped, 0 failed. Nothing was stored." in out
    assert len([r for r in sciencedb.requests() if r["path"] == "/harvest"]) == 1
    assert _snapshot(database_url) == before


def test_check_reports_a_source_that_cannot_be_read(
    tmp_path: Path, database_url: str, sciencedb: PlatformServer
) -> None:
    url = sciencedb.base + "/no-such-endpoint"
    _platform(tmp_path, database_url, "gone")
    added = _cli(
        tmp_path, database_url,
        "sources", "add", "gone", "--protocol", "json", "--config", "sciencedb", "--url", url,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    before = _snapshot(database_url)
    checked = _cli(tmp_path, database_url, "sources", "check", "gone")
    assert checked.exit_code == 1
    assert "HTTP 404" in checked.output and "Traceback" not in checked.output
    assert _snapshot(database_url) == before


def test_add_checks_the_json_configuration_and_accepts_dcat(
    tmp_path: Path, database_url: str
) -> None:
    bad = _cli(
        tmp_path, database_url,
        "sources", "add", "x", "--protocol", "json", "--config", "nosuch",
        "--url", "http://127.0.0.1:9/api",
    )  # fmt: skip
    assert bad.exit_code == 1
    assert "no such JSON platform configuration" in bad.output and "sciencedb" in bad.output
    _platform(tmp_path, database_url, "portal")
    dcat = _cli(
        tmp_path, database_url,
        "sources", "add", "portal", "--protocol", "dcat", "--url", "http://127.0.0.1:9/catalog.ttl",
    )  # fmt: skip
    assert dcat.exit_code == 0, dcat.output
    listed = _cli(tmp_path, database_url, "sources", "list")
    assert "portal" in listed.output and "dcat" in listed.output
