"""The harvesting commands: one clear line and a non-zero exit on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sharenet.cli import main
from sharenet.demo.oai_server import write_items
from tests.harvester.oai_support import DATA, OaiServerProcess, read_items
from tests.local_servers import free_port


def _run(database_url: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--database-url", database_url, *args], env=env)


def _one_error_line(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_unknown_source(database_url: str) -> None:
    _one_error_line(_run(database_url, "harvest", "nosuch"), "unknown source 'nosuch'")
    _one_error_line(_run(database_url, "runs", "nosuch"), "unknown source 'nosuch'")
    _one_error_line(_run(database_url, "records", "export", "--source", "nosuch"), "unknown source")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--protocol", "oai-pmh", "--url", "not a url", "--metadata-prefix", "oai_dc"], "--url"),
        (
            ["--protocol", "oai-pmh", "--url", "ftp://x.example/oai", "--metadata-prefix", "x"],
            "http",
        ),
        (["--protocol", "gopher", "--url", "http://x.example/"], "unknown protocol 'gopher'"),
        (["--protocol", "oai-pmh", "--url", "http://x.example/"], "--metadata-prefix"),
        (["--protocol", "json", "--url", "http://x.example/"], "--config"),
    ],
)
def test_bad_source_definitions(database_url: str, args: list[str], fragment: str) -> None:
    _one_error_line(_run(database_url, "sources", "add", "bad", *args), fragment)
    assert "bad " not in _run(database_url, "sources", "list").output


def _platform(database_url: str, platform_id: str) -> None:
    added = _run(
        database_url, "platforms", "add", platform_id, "--name-zh", "平台", "--name-en", "P"
    )
    assert added.exit_code == 0, added.output


def test_unreachable_host(database_url: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/oai"
    _platform(database_url, "gone")
    added = _run(
        database_url,
        "sources",
        "add",
        "gone",
        "--protocol",
        "oai-pmh",
        "--url",
        url,
        "--metadata-prefix",
        "oai_dc",
    )
    assert added.exit_code == 0, added.output
    result = _run(database_url, "harvest", "gone", env={"SHARENET_HTTP_RETRIES": "0"})
    _one_error_line(result, "cannot connect")
    assert "failed" in _run(database_url, "runs", "gone").output


@pytest.mark.integration
def test_add_harvest_runs_and_export(database_url: str, tmp_path: Path) -> None:
    records = tmp_path / "items.jsonl"
    write_items(records, read_items(DATA / "provider_items.jsonl"))
    _platform(database_url, "ncdc")
    with OaiServerProcess(records, batch_size=10) as server:
        added = _run(
            database_url,
            "sources",
            "add",
            "ncdc",
            "--protocol",
            "oai-pmh",
            "--url",
            server.url,
            "--metadata-prefix",
            "oai_dc",
            "--name-zh",
            "冰川冻土沙漠",
        )
        assert added.exit_code == 0, added.output
        harvested = _run(database_url, "harvest", "ncdc", "--full")
    assert harvested.exit_code == 0, harvested.output
    assert "succeeded" in harvested.stdout and "added 22" in harvested.stdout
    assert "oai:ncdc.example:0024" in harvested.stderr  # the record error is shown
    assert "page " not in harvested.stderr  # no progress line when not on a terminal

    runs = _run(database_url, "runs", "ncdc").output
    assert "succeeded" in runs and "failed 1" in runs and "oai:ncdc.example:0024" in runs
    assert "ncdc" in _run(database_url, "sources", "list").output

    live = [json.loads(x) for x in _run(database_url, "records", "export").stdout.splitlines()]
    assert len(live) == 22 and not any(r["deleted"] for r in live)
    assert {r["source"] for r in live} == {"ncdc"}
    assert all(r["source_identifier"].startswith("oai:ncdc.example:") for r in live)
    every = _run(database_url, "records", "export", "--source", "ncdc", "--include-deleted")
    rows = [json.loads(x) for x in every.stdout.splitlines()]
    assert [r["source_identifier"] for r in rows if r["deleted"]] == ["oai:ncdc.example:0007"]
