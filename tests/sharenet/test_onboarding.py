"""A platform joins from the command line: the README's walk-through, and every bad input.

The walk-through is read from README.md ("Add your platform") and each of its
commands runs as its own ``sharenet`` process, as the reader would type it —
only the example endpoint and port are swapped for a real OAI-PMH server and a
free port on 127.0.0.1 — ending with the operator logged in on their dashboard.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, inspect, select, table

from harvester.store import Database
from harvester.store.models import PlatformRow, SourceRow
from harvester.store.runs import start_run
from indexer.tantivy_ import TantivyBackend
from sharenet.cli import main
from sharenet.demo.oai_server import write_items
from tests.harvester.oai_support import DATA, ROOT, OaiServerProcess, read_items
from tests.harvester.test_harvest_cli import _one_error_line
from tests.local_servers import free_port
from tests.search_api.test_pages import csrf_of

EXAMPLE_URL = "https://oai.ncdc.example/oai"
EXAMPLE_PORT = "8000"
SHARENET = [sys.executable, "-m", "sharenet"]


def walkthrough() -> list[list[str]]:
    """The commands of the README's first shell block under "Add your platform"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Add your platform\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = block.replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines if line.strip()]


def test_the_walkthrough_is_the_one_tested() -> None:
    commands = walkthrough()
    assert [c[:3] for c in commands[:2]] == [
        ["sharenet", "platforms", "add"],
        ["sharenet", "sources", "add"],
    ]
    assert commands[-1][:2] == ["sharenet", "serve"] and EXAMPLE_PORT in commands[-1]
    assert any(EXAMPLE_URL in c for c in commands)


def _swap(command: list[str], url: str, port: int) -> list[str]:
    assert command[0] == "sharenet"
    swapped = {EXAMPLE_URL: url, EXAMPLE_PORT: str(port)}
    return [*SHARENET, *(swapped.get(arg, arg) for arg in command[1:])]


def _serve(argv: list[str], env: dict[str, str], log: Path, base: str) -> subprocess.Popen[bytes]:
    with log.open("w") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base + "/metrics", timeout=1)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"serve did not start: {log.read_text()}")
            time.sleep(0.2)


@pytest.mark.integration
def test_a_new_platform_reaches_its_operators_dashboard(tmp_path: Path) -> None:
    records = tmp_path / "items.jsonl"
    write_items(records, read_items(DATA / "provider_items.jsonl"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHARENET_")}
    env["SHARENET_DATA_DIR"] = str(tmp_path / "data")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    *commands, serve = walkthrough()
    outputs: dict[str, str] = {}
    with OaiServerProcess(records, batch_size=10) as server:
        for command in commands:
            done = subprocess.run(
                _swap(command, server.url, port), env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, f"{shlex.join(command)}\n{done.stdout}{done.stderr}"
            outputs[" ".join(command[1:3])] = done.stdout
    assert "succeeded" in outputs["harvest ncdc-oai"]
    assert "added 22" in outputs["harvest ncdc-oai"]
    shown = outputs["platforms show"]
    assert "National Cryosphere Desert Data Center" in shown and "11738" in shown
    assert "ncdc-oai (oai-pmh, enabled, 22 live records)" in shown
    token = outputs["tokens create"].splitlines()[-1]

    proc = _serve(_swap(serve, "", port), env, tmp_path / "serve.log", base)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            form = client.get("/login", params={"next": "/operator"})
            login = {"token": token, "csrf": csrf_of(form.text), "next": "/operator"}
            page = client.post("/login", data=login, follow_redirects=True)
            assert page.status_code == 200 and page.url.path == "/operator"
            assert "ncdc-oai" in page.text and "succeeded" in page.text
            api = client.get("/api/sources", headers={"Authorization": f"Bearer {token}"})
        assert [(s["id"], s["platform"], s["records"]["live"]) for s in api.json()] == [
            ("ncdc-oai", "ncdc", 22)
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    removed = subprocess.run(
        [*SHARENET, "sources", "remove", "ncdc-oai"], env=env, capture_output=True, text=True
    )
    assert removed.returncode == 0, removed.stderr
    assert "22 records withdrawn" in removed.stdout
    index = TantivyBackend(tmp_path / "data" / "index")
    try:
        assert index.count() == 0  # out of search, still in the store
    finally:
        index.close()


# --- bad input: one line, a non-zero exit, nothing stored or lost -------------------------


def _run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", database_url, *args])


def _snapshot(database_url: str) -> dict[str, Any]:
    db = Database(database_url)
    try:
        with db.session() as session:
            names = inspect(session.get_bind()).get_table_names()
            counts: dict[str, Any] = {
                n: session.scalar(select(func.count()).select_from(table(n))) for n in names
            }
            counts["sources"] = [
                (s.id, s.platform, s.url, s.schedule, s.enabled, s.config, s.removed_at)
                for s in session.scalars(select(SourceRow).order_by(SourceRow.id))
            ]
            counts["platforms"] = [
                (p.id, p.name_zh, p.name_en, p.kind, p.site, p.agency_codes)
                for p in session.scalars(select(PlatformRow).order_by(PlatformRow.id))
            ]
        return counts
    finally:
        db.dispose()


ADD = ["sources", "add", "ncdc-oai", "--protocol", "oai-pmh", "--metadata-prefix", "oai_dc"]
NEW = ["sources", "add", "new", *ADD[3:], "--platform", "ncdc"]
URL = ["--url", "http://127.0.0.1:9/oai"]
LAB = ["platforms", "add", "lab", "--name-zh", "实验室", "--name-en", "Lab"]
HINT = "`sharenet platforms add atlantis"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["sources", "add", "x", *ADD[3:], *URL, "--platform", "atlantis"], f"with {HINT}"),
        (["sources", "add", "atlantis", *ADD[3:], *URL], HINT),
        ([*ADD, *URL, "--platform", "ncdc"], "source 'ncdc-oai' already exists"),
        ([*NEW, *URL, "--schedule", "61 * * * *"], "schedule '61 * * * *'"),
        ([*NEW, "--url", "oai.example"], "--url: 'oai.example' is not an http(s) URL"),
        (["sources", "add", "../x", *ADD[3:], *URL, "--platform", "ncdc"], "source id '../x'"),
        (["sources", "edit", "ncdc-oai", "--url", "ftp://x.example/"], "is not an http(s) URL"),
        (["sources", "edit", "ncdc-oai", "--schedule", "sometimes"], "schedule 'sometimes'"),
        (["sources", "edit", "ncdc-oai"], "nothing to change"),
        (["sources", "edit", "nope", "--disable"], "unknown source 'nope'"),
        (["sources", "remove", "nope"], "unknown source 'nope'"),
        (["platforms", "add", "ncdc", "--name-zh", "又", "--name-en", "A"], "ncdc' already exists"),
        ([*LAB, "--kind", "lab"], "'kind' must be one of"),
        ([*LAB, "--agency-code", "123"], "'agency_codes'"),
        (["platforms", "add", "lab", "--name-zh", " ", "--name-en", "Lab"], "'name_zh'"),
        (["platforms", "edit", "atlantis", "--site", "a.example"], HINT),
        (["platforms", "edit", "ncdc", "--site", "not a site"], "'site'"),
        (["platforms", "show", "atlantis"], HINT),
        (["tokens", "create", "--role", "operator", "--platform", "atlantis"], HINT),
        (["report", "compliance", "atlantis"], HINT),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_loses_nothing(
    database_url: str, args: list[str], fragment: str
) -> None:
    ncdc = ["--name-zh", "冰川冻土", "--name-en", "NCDC", "--agency-code", "11738"]
    assert _run(database_url, "platforms", "add", "ncdc", *ncdc).exit_code == 0
    added = _run(database_url, *ADD, *URL, "--platform", "ncdc", "--schedule", "0 3 * * *")
    assert added.exit_code == 0, added.output
    before = _snapshot(database_url)
    _one_error_line(_run(database_url, *args), fragment)
    assert _snapshot(database_url) == before


def test_removing_a_source_being_harvested_is_refused(database_url: str) -> None:
    ncdc = ["--name-zh", "冰川冻土", "--name-en", "NCDC"]
    assert _run(database_url, "platforms", "add", "ncdc", *ncdc).exit_code == 0
    assert _run(database_url, *ADD, *URL, "--platform", "ncdc").exit_code == 0
    db = Database(database_url)
    try:
        with db.session() as session:  # a live run, owned by this (living) process
            start_run(session, "ncdc-oai", mode="full", window_from=None, source_started_at=None)
    finally:
        db.dispose()
    before = _snapshot(database_url)
    for purge in ([], ["--purge"]):
        result = _run(database_url, "sources", "remove", "ncdc-oai", *purge)
        _one_error_line(result, "'ncdc-oai' is being harvested right now")
    assert _snapshot(database_url) == before


def test_edit_and_remove_as_the_api_does(database_url: str) -> None:
    ncdc = ["--name-zh", "冰川冻土", "--name-en", "NCDC"]
    assert _run(database_url, "platforms", "add", "ncdc", *ncdc).exit_code == 0
    assert _run(database_url, *ADD, *URL, "--platform", "ncdc").exit_code == 0
    edited = _run(
        database_url, "sources", "edit", "ncdc-oai", "--url", "http://127.0.0.1:9/oai2",
        "--schedule", "every 6h", "--set", "glacier", "--set", "desert",
        "--metadata-prefix", "oai_datacite", "--disable",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert "changed config, enabled, schedule, url" in edited.output
    (source,) = _snapshot(database_url)["sources"]
    assert source[:5] == ("ncdc-oai", "ncdc", "http://127.0.0.1:9/oai2", "every 6h", False)
    assert source[5] == {"metadata_prefix": "oai_datacite", "sets": ["glacier", "desert"]}
    unscheduled = _run(database_url, "sources", "edit", "ncdc-oai", "--schedule", "", "--all-sets")
    assert unscheduled.exit_code == 0, unscheduled.output
    (source,) = _snapshot(database_url)["sources"]
    assert source[3] is None and source[5] == {"metadata_prefix": "oai_datacite"}

    assert "[disabled]" in _run(database_url, "sources", "list").output
    edited = _run(database_url, "platforms", "edit", "ncdc", "--agency-code", "11738", "--site", "")
    assert edited.exit_code == 0, edited.output
    assert _snapshot(database_url)["platforms"] == [
        ("ncdc", "冰川冻土", "NCDC", "data", None, ["11738"])
    ]
    listed = _run(database_url, "platforms", "list").output
    assert listed.split() == ["ncdc", "data", "11738", "冰川冻土", "NCDC"]

    removed = _run(database_url, "sources", "remove", "ncdc-oai")
    assert removed.exit_code == 0, removed.output
    assert "no sources yet" in _run(database_url, "sources", "list").output  # held nothing
