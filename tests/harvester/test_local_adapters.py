"""A JSON adapter configuration that lives with the deployment, end to end in real processes.

An API shape no shipped configuration describes (geodata.cn-like, epoch
milliseconds) is served by a local server process. Its configuration is
written into a temporary folder and used by name through ``adapters_dir`` and
by ``--config PATH``; every command is a new ``sharenet`` process under a
non-UTC time zone, so each is a restart. Stored items map again to identical
records after the files are deleted or edited, and a source whose file is gone
fails its run with the file named and loses nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from harvester.runs import RunOptions, harvest
from harvester.store import Database
from harvester.store.adapter_models import AdapterConfigRow
from harvester.store.platforms import upsert_platforms
from harvester.store.records import iter_records
from harvester.store.runs import list_runs, run_errors
from harvester.store.sources import add_source
from mappings.formats.jsonspec import config_path, known_configs
from tests.harvester.json_platforms import PlatformServer

pytestmark = pytest.mark.integration

OLD = datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
COUNT = 11
TIME_ZONE = "America/New_York"
"""Not UTC, nor the platform's Beijing time: epoch numbers must not depend on either."""

GEODATA: dict[str, Any] = {
    "description": "Geodata-like entry search: epoch-millisecond times.",
    "request": {"method": "GET", "params": {"word": ""}},
    "paging": {"style": "page", "page_param": "page", "size_param": "size", "size": 4},
    "reply": {
        "records": "result.entries",
        "total": "result.total",
        "success": "status == `0`",
        "message": "msg",
    },
    "incremental": {"params": {"updateTimeStart": "{since}"}, "date_format": "epoch_ms"},
    "timezone": "Asia/Shanghai",
    "item": {"identifier": "entryId", "datestamp": "updateTime", "datestamp_format": "epoch_ms"},
    "mapping": {
        "cstr": {"path": "cstr"},
        "doi": {"path": "doi"},
        "title": [{"path": "titleCn", "lang": "zh"}, {"path": "titleEn", "lang": "en"}],
        "description": {"path": "abstractCn", "lang": "zh"},
        "keywords": [
            {"path": "keywordCn", "lang": "zh", "split": "，"},
            {"path": "keywordEn", "lang": "en", "split": ";"},
        ],
        "issued": {"path": "publishTime", "format": "epoch_ms"},
        "modified": {"path": "updateTime", "format": "epoch_ms"},
        "access_rights": {"path": "shareLevel"},
        "landing_page": {"path": "detailUrl"},
        "distributions": {"path": "@", "fields": {"byte_size": {"path": "dataSize"}}},
        "resource_kind": {"const": "dataset"},
    },
}


@pytest.fixture
def geodata(tmp_path: Path, realdata: Path) -> Iterator[PlatformServer]:
    server = PlatformServer(tmp_path, "geodata", realdata)
    try:
        server.populate(COUNT, OLD)
        yield server
    finally:
        server.stop()


class Deployment:
    """A data directory, its adapters folder, and ``sharenet`` run as a new process each time."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root = root
        self.adapters = root / "my-adapters"
        self.adapters.mkdir()
        self.env = {
            **os.environ,
            "SHARENET_DATA_DIR": str(root / "data"),
            "SHARENET_DATABASE_URL": database_url,
            "SHARENET_ADAPTERS_DIR": str(self.adapters),
            "TZ": TIME_ZONE,
        }
        self.database_url = database_url

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "sharenet", *args],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def add_json(self, source: str, config: str, url: str) -> None:
        """The source, and its platform (named after it) if that is not there yet."""
        platform = self.run(
            "platforms", "add", source, "--name-zh", "地学数据", "--name-en", "Geodata", ok=False
        )
        assert platform.returncode == 0 or "already exists" in platform.stderr, platform.stderr
        self.run("sources", "add", source, "--protocol", "json", "--config", config, "--url", url)

    def export(self, source: str) -> list[dict[str, Any]]:
        lines = self.run("records", "export", "--source", source).stdout.splitlines()
        return sorted((json.loads(line) for line in lines), key=lambda r: r["source_identifier"])


def _write(path: Path, config: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), "utf-8")
    return path


def _content(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a record says, apart from whose source it is under."""
    skip = {"id", "source", "harvested_at", "content_hash", "platform"}
    return [{k: v for k, v in r.items() if k not in skip} for r in records]


@pytest.fixture
def deployment(tmp_path: Path, database_url: str) -> Deployment:
    return Deployment(tmp_path, database_url)


def test_by_adapters_dir_and_by_path_then_restart_remap_and_files_gone(
    deployment: Deployment, geodata: PlatformServer
) -> None:
    local = _write(deployment.adapters / "geodata.json", GEODATA)
    elsewhere = _write(deployment.root / "elsewhere" / "geodata.json", GEODATA)
    deployment.add_json("geo-name", "geodata", geodata.url)
    deployment.add_json("geo-path", "elsewhere/geodata.json", geodata.url)
    listed = deployment.run("sources", "list").stdout
    assert str(elsewhere.resolve()) in listed, "a relative path is kept absolute"
    checked = deployment.run("sources", "check", "geo-name").stdout
    assert "geo-name: first page: 4 items of 11, 4 mapped, 0 failed" in checked, checked

    for source in ("geo-name", "geo-path"):
        said = deployment.run("harvest", source).stdout
        assert "succeeded" in said and f"added {COUNT}, " in said, said
    by_name, by_path = deployment.export("geo-name"), deployment.export("geo-path")
    assert len(by_name) == COUNT and _content(by_name) == _content(by_path)
    first = next(r for r in by_name if r["source_identifier"] == "geo-0003")
    assert first["cstr"] == "CSTR:17099.11.geodata.00003"
    assert first["keywords"] == {"zh": ["土壤水分", "黑河流域"], "en": ["soil moisture", "Heihe"]}
    assert first["issued"] == "2023-05-02"  # 1683000000003 ms: 12:00 in Beijing
    assert first["modified"] == "2023-06-01"
    assert first["source_datestamp"].startswith("2023-06-01T08:00:00")
    assert first["distributions"][0]["byte_size"] == 2051

    # Restart (a new process), then the files go: the store alone maps the items again.
    local.unlink()
    elsewhere.rename(deployment.root / "moved.json")
    for source in ("geo-name", "geo-path"):
        said = deployment.run("records", "remap", source).stdout
        assert f"{COUNT} records mapped again, 0 changed, 0 could not" in said, said
    assert deployment.export("geo-name") == by_name
    assert deployment.export("geo-path") == by_path
    said = deployment.run("rules", "reevaluate", "--all", "geo-name").stdout
    assert f"re-evaluated {COUNT} records" in said, said

    # The next run fails with the file named, and nothing stored is lost.
    for source, gone in (("geo-name", "geodata.json"), ("geo-path", str(elsewhere.resolve()))):
        failed = deployment.run("harvest", source, ok=False)
        assert failed.returncode == 1
        errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and gone in errors[0], failed.stderr
        assert "no such JSON platform configuration" in errors[0]
    assert deployment.export("geo-name") == by_name
    assert deployment.export("geo-path") == by_path


def test_an_edited_file_reaches_the_next_harvest_and_remap_stays_reproducible(
    deployment: Deployment, geodata: PlatformServer
) -> None:
    _write(deployment.adapters / "geodata.json", GEODATA)
    deployment.add_json("geo", "geodata", geodata.url)
    deployment.run("harvest", "geo")
    before = deployment.export("geo")

    edited = json.loads(json.dumps(GEODATA))
    edited["mapping"]["themes"] = {"const": "地球系统"}
    _write(deployment.adapters / "geodata.json", edited)
    said = deployment.run("records", "remap", "geo").stdout
    assert "0 changed" in said, "items map with the version they were harvested with"
    assert deployment.export("geo") == before

    # An incremental run sends epoch milliseconds of the window, whatever the time zone.
    geodata.clear_log()
    assert geodata.style is not None
    geodata.items[4] = geodata.style.touch(geodata.items[4], datetime.now(UTC))
    geodata.save()
    deployment.run("harvest", "geo")
    with Database(deployment.database_url) as db, db.session() as session:
        first_run = list_runs(session, "geo")[-1]
        assert first_run.source_started_at is not None
        since = datetime.fromisoformat(first_run.source_started_at) - timedelta(hours=1)
    asked = {r["query"].get("updateTimeStart") for r in geodata.requests()}
    assert asked == {str(int(since.timestamp() * 1000))}
    after = {r["source_identifier"]: r for r in deployment.export("geo")}
    assert after["geo-0004"]["themes"] == ["地球系统"], "the changed item, with the edited file"
    assert "themes" not in after["geo-0005"] or not after["geo-0005"]["themes"]

    deployment.run("harvest", "geo", "--full")
    assert all(r["themes"] == ["地球系统"] for r in deployment.export("geo"))
    said = deployment.run("records", "remap", "geo").stdout
    assert f"{COUNT} records mapped again, 0 changed" in said, said
    with Database(deployment.database_url) as db, db.session() as session:
        versions = session.scalars(select(AdapterConfigRow)).all()
        assert len(versions) == 2 and all(v.format.startswith("json:geodata@") for v in versions)


def _unmappable(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration with a mapping every item fails: a title is no byte size."""
    broken = json.loads(json.dumps(config))
    broken["mapping"]["distributions"]["fields"]["byte_size"] = {"path": "titleCn"}
    return broken


def test_a_page_of_which_no_item_maps_fails_the_run_once_and_replaces_nothing(
    db: Database, geodata: PlatformServer, tmp_path: Path
) -> None:
    folder = tmp_path / "adapters"
    _write(folder / "geodata.json", GEODATA)
    with db.session() as session:
        upsert_platforms(session, [{"id": "geo", "name_zh": "地学数据", "name_en": "Geodata"}])
        add_source(
            session,
            "geo",
            platform="geo",
            protocol="json",
            url=geodata.url,
            config={"config": "geodata"},
            adapter_dirs=(folder,),
        )
    options = RunOptions(config_dirs=(folder,))
    assert harvest(db, "geo", options=options).ok
    with db.session() as session:
        before = {s.record.id: s.record for s in iter_records(session, source="geo")}

    _write(folder / "geodata.json", _unmappable(GEODATA))
    report = harvest(
        db, "geo", full=True, options=RunOptions(config_dirs=(folder,), withdraw_grace_days=0)
    )
    assert report.status == "failed" and report.error is not None
    assert report.error.count("geo-0000") == 1 and "geo-0001" not in report.error, report.error
    assert "none of the 4 items of a page could be mapped (for the same reason)" in report.error
    assert "byte_size" in report.error
    assert report.counts.failed == 0 and report.errors == []
    with db.session() as session:
        run = list_runs(session, "geo")[0]
        assert (run.status, run.pages, run.error) == ("failed", 0, report.error)
        assert run_errors(session, run.id) == [], "the reason is said once, in the run's error"
        after = {s.record.id: s.record for s in iter_records(session, source="geo")}
    assert after == before, "nothing stored was replaced or withdrawn"

    # One bad item among good ones stays a record-level error of a succeeding run.
    _write(folder / "geodata.json", GEODATA)
    geodata.items[5]["dataSize"] = "a lot"
    geodata.save()
    report = harvest(db, "geo", full=True, options=options)
    assert report.ok, report.error
    assert report.counts.failed == 1 and report.errors[0][0] == "geo-0005"


def _sqlite(tmp_path: Path) -> Deployment:
    return Deployment(tmp_path, f"sqlite:///{tmp_path / 'catalogue.db'}")


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ('{"paging": ', None, "not valid JSON"),
        (json.dumps({**GEODATA, "pagination": {}}), "pagination", "Extra inputs are not permitted"),
        (
            json.dumps({**GEODATA, "reply": {**GEODATA["reply"], "records": "result.[entries"}}),
            "reply.records",
            "invalid JMESPath expression",
        ),
        (
            json.dumps({**GEODATA, "mapping": {**GEODATA["mapping"], "titel": {"path": "x"}}}),
            "mapping.titel",
            "Record has no mappable field 'titel'",
        ),
        (
            json.dumps(
                {**GEODATA, "incremental": {**GEODATA["incremental"], "date_format": "%s000"}}
            ),
            "incremental.date_format",
            "use 'epoch' or 'epoch_ms'",
        ),
    ],
)
def test_bad_files_are_refused_with_file_key_and_reason(
    tmp_path: Path, text: str, key: str | None, reason: str
) -> None:
    deployment = _sqlite(tmp_path)
    path = deployment.adapters / "broken.json"
    path.write_text(text, "utf-8")
    for args in (
        ["sources", "add", "bad", "--protocol", "json", "--config", str(path),
         "--url", "http://127.0.0.1:9/api"],
        ["sources", "add", "bad", "--protocol", "json", "--config", "broken",
         "--url", "http://127.0.0.1:9/api"],
        ["adapters", "check", str(path)],
    ):  # fmt: skip
        done = deployment.run(*args, ok=False)
        assert done.returncode == 1, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), done.stderr
        assert (key is None or f"{key}: " in lines[0]) and reason in lines[0], lines[0]
    assert "bad" not in deployment.run("sources", "list").stdout
    assert "INVALID: " in deployment.run("adapters", "list").stdout


def test_adapters_list_says_where_each_comes_from(tmp_path: Path) -> None:
    deployment = _sqlite(tmp_path)
    geodata = _write(deployment.adapters / "geodata.json", GEODATA)
    shipped = json.loads(config_path("sciencedb").read_text("utf-8"))
    own = _write(deployment.adapters / "sciencedb.json", {**shipped, "description": "Ours."})
    lines = deployment.run("adapters", "list").stdout.splitlines()
    assert lines[0] == f"local configurations: {deployment.adapters}"
    rows = [line.split(maxsplit=2) for line in lines[1:] if not line.startswith(" ")]
    assert ["geodata", "local", str(geodata)] in rows
    assert ["sciencedb", "local", str(own)] in rows
    assert [
        "sciencedb",
        "shipped,",
        f"overridden by {own} {config_path('sciencedb')}",
    ] in rows
    assert {name for name, *_ in rows} == set(known_configs()) | {"geodata"}
    assert "Geodata-like entry search" in "\n".join(lines)
    by_name = deployment.run("adapters", "check", "sciencedb").stdout
    assert by_name.startswith(f"{own}: valid configuration 'sciencedb'"), "the local one wins"


def test_adapters_check_with_a_url_maps_one_page_and_stores_nothing(
    tmp_path: Path, geodata: PlatformServer
) -> None:
    deployment = _sqlite(tmp_path)
    path = _write(tmp_path / "anywhere" / "geodata.json", GEODATA)
    done = deployment.run("adapters", "check", str(path), "--url", geodata.url, "--limit", "2")
    out = done.stdout
    assert out.startswith(f"{path}: valid configuration 'geodata' (version ")
    assert '"cstr": "CSTR:17099.11.geodata.00000"' in out
    assert "... 2 more records on this page not shown" in out
    assert "geodata: first page: 4 items of 11, 4 mapped, 0 failed; more pages follow." in out
    assert "Nothing was stored." in out
    assert not (tmp_path / "catalogue.db").exists() and not (tmp_path / "data").exists()
    assert len(geodata.requests()) == 1
