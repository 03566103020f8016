"""A real ShareNet server over a harvested catalogue, and a real headless Chromium.

The catalogue is a slice of the shipped demo: the five demo platforms run on
127.0.0.1 over the first records of each demo file (OAI-PMH and JSON servers
as in ``sharenet demo``), are harvested through the real pipeline into a
SQLite store and a tantivy index, and stay up so "harvest now" really
harvests again. The API runs under uvicorn in a thread with the deployment's
own wiring (``sharenet.api.api_config``: harvests triggered from the pages run
in a thread of the server).

Chromium is Debian's, driven by Playwright's Python package (never
``playwright install``). Every request the browser makes is observed and must
go to the server; console errors and page errors fail the test.
"""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from harvester import freshness
from harvester.store.freshness_models import FreshnessSnapshotRow
from harvester.store.records import count_records
from indexer.sync import rebuild
from search_api.app import create_app
from search_api.auth import create_token
from sharenet.api import api_config
from sharenet.context import index_cursor_path, open_backend, open_database
from sharenet.demo.catalogue import DATA_DIR, PLATFORMS, data_file
from sharenet.demo.platforms import DemoPlatforms
from sharenet.demo.run import demo_sources, register
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings
from tests.local_servers import serve_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RECORDS_PER_PLATFORM = 40
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ALLOWED_HOSTS = {"127.0.0.1"}


@dataclass(slots=True)
class Site:
    url: str
    settings: Settings
    tokens: dict[str, str]
    """``operator`` (of ncdc) and ``admin`` -> the token itself."""


def _slice_demo(target: Path) -> None:
    """The first records of every demo platform: a catalogue that harvests in seconds."""
    target.mkdir(parents=True, exist_ok=True)
    for p in PLATFORMS:
        with gzip.open(data_file(p.id, DATA_DIR), "rt", encoding="utf-8") as src:
            lines = list(itertools.islice(src, RECORDS_PER_PLATFORM))
        with gzip.open(data_file(p.id, target), "wt", encoding="utf-8") as out:
            out.writelines(lines)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("pages")
    data = root / "demo-data"
    _slice_demo(data)
    settings = Settings(data_dir=root / "store", database_url=None)
    db = open_database(settings)
    with DemoPlatforms(data) as platforms:
        sources = demo_sources(platforms.urls)
        register(db, sources)
        for source_id in sources:
            report = run_harvest(settings, source_id)
            assert report.ok, f"{source_id}: {report.error}"
        backend = open_backend(settings)
        with db.session() as session:
            live = count_records(session)
        if backend.count() != live:
            rebuild(db, backend, index_cursor_path(settings))
        now = datetime.now(UTC)
        with db.session() as session:
            freshness.snapshot(session, now)
            for days_ago in (3, 2, 1):  # a catalogue that grew to today's size
                for figures in freshness.all_freshness(session, now):
                    figures.records = figures.records * (4 - days_ago) // 4
                    session.add(
                        FreshnessSnapshotRow(
                            platform=figures.platform,
                            day=(now - timedelta(days=days_ago)).date(),
                            figures=figures.as_json(),
                        )
                    )
            tokens = {
                "operator": create_token(session, role="operator", platform="ncdc")[1],
                "admin": create_token(session, role="admin")[1],
            }
        app = create_app(api_config(settings, db, backend))
        try:
            with serve_app(app, lifespan="off") as url:
                yield Site(url, settings, tokens)
        finally:
            backend.close()
            db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@dataclass(slots=True)
class Watch:
    """What a page did: console errors, uncaught errors, and every host it asked."""

    errors: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)

    def check(self) -> None:
        assert not self.errors, f"console or page errors: {self.errors}"
        assert self.hosts <= ALLOWED_HOSTS, f"requests left 127.0.0.1: {self.hosts}"


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[tuple[Page, Watch]]:
    """A fresh browser context (no cookies) whose requests and console are watched."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watch = Watch()

    def route(r: Route) -> None:
        host = urlsplit(r.request.url).hostname or ""
        watch.hosts.add(host)
        if host in ALLOWED_HOSTS:
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on(
        "console",
        lambda m: watch.errors.append(f"console: {m.text}") if m.type == "error" else None,
    )
    tab.on("pageerror", lambda e: watch.errors.append(f"pageerror: {e}"))
    tab.on("request", lambda r: watch.hosts.add(urlsplit(r.url).hostname or ""))
    yield tab, watch
    context.close()


def screenshot(tab: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
