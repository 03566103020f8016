"""``sharenet demo``: local platforms, harvest, index, serve — the whole chain on one machine.

The demo platforms come from the registry (``demo = true`` sources), served on
free ports of 127.0.0.1 for as long as the demo runs. Their sources are
registered in the store with the ports of this run, so running the demo again
on the same data directory harvests incrementally (nothing new: the catalogue
is static) and keeps every record, finding and run of the first time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harvester.freshness import snapshot
from harvester.registry import load_registry, seed
from harvester.runs import RunReport
from harvester.store import Database
from harvester.store.records import count_records
from harvester.store.sources import get_source, update_source
from indexer.base import SearchBackend
from indexer.sync import rebuild
from sharenet.context import index_cursor_path, open_backend, open_database
from sharenet.demo.catalogue import DATA_DIR
from sharenet.demo.platforms import DemoPlatforms
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings

Echo = Callable[[str], None]


@dataclass(slots=True)
class DemoOutcome:
    reports: list[RunReport] = field(default_factory=list)
    indexed: int = 0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reports)


def demo_sources(platform_urls: dict[str, str]) -> dict[str, str]:
    """Source id -> URL of this run, for the registry's demo sources we serve."""
    registry = load_registry()
    urls = {}
    for source in registry.sources:
        if source.demo and source.platform in platform_urls:
            urls[source.id] = platform_urls[source.platform]
    missing = sorted(set(platform_urls) - {s.platform for s in registry.sources if s.demo})
    if missing:
        raise RuntimeError(f"the registry has no demo source for {', '.join(missing)}")
    return urls


def register(db: Database, source_urls: dict[str, str]) -> None:
    """Seed platforms and demo sources; point existing demo sources at this run's ports."""
    with db.session() as session:
        seed(session, load_registry(), demo_urls=source_urls)
        for source_id, url in source_urls.items():
            if get_source(session, source_id).url != url:
                update_source(session, source_id, url=url)


def _progress(echo: Echo) -> Callable[[RunReport], None]:
    def show(report: RunReport) -> None:
        c = report.counts
        of = f" of {report.expected}" if report.expected else ""
        echo(
            f"  {report.source}: page {report.pages}, {report.processed}{of} records "
            f"(+{c.added} ~{c.updated} -{c.deleted}, {c.failed} failed)"
        )

    return show


def run_demo(
    settings: Settings,
    *,
    port: int = 8000,
    serve: bool = True,
    echo: Echo = print,
    data_dir: Path = DATA_DIR,
) -> DemoOutcome:
    """Start the platforms, harvest and index them, then serve until interrupted."""
    outcome = DemoOutcome()
    db = open_database(settings)
    try:
        with DemoPlatforms(data_dir) as platforms:
            sources = demo_sources(platforms.urls)
            for pid, url in platforms.urls.items():
                echo(f"demo platform {pid}: {url}")
            register(db, sources)
            for source_id in sources:
                echo(f"harvesting {source_id} …")
                report = run_harvest(settings, source_id, progress=_progress(echo))
                outcome.reports.append(report)
                echo(_summary(report))
            backend = open_backend(settings)
            try:
                outcome.indexed = _index(settings, db, backend, echo)
                with db.session() as session:
                    snapshot(session)  # today's point on the centre's trend charts
                if serve:
                    _serve(settings, db, backend, port, echo)
            finally:
                backend.close()
    finally:
        db.dispose()
    return outcome


def _summary(report: RunReport) -> str:
    c = report.counts
    failure = f" ({report.error})" if report.error else ""
    return (
        f"  {report.source}: {report.status} in {report.duration:.1f}s — {c.added} added, "
        f"{c.updated} updated, {c.unchanged} unchanged, {c.deleted} deleted, "
        f"{c.failed} failed{failure}"
    )


def _index(settings: Settings, db: Database, backend: SearchBackend, echo: Echo) -> int:
    """Each harvest already re-indexed its changes; rebuild only if the index lost step."""
    with db.session() as session:
        live = count_records(session)
    if backend.count() != live:
        echo(f"index holds {backend.count()} of {live} records: rebuilding …")
        rebuild(db, backend, index_cursor_path(settings))
    indexed = backend.count()
    echo(f"index: {indexed} records searchable")
    return indexed


def _serve(settings: Settings, db: Database, backend: SearchBackend, port: int, echo: Echo) -> None:
    """Serve the API and pages as ``sharenet serve`` does, with tokens to try the dashboards."""
    import uvicorn

    from search_api.app import create_app
    from search_api.auth import create_token
    from sharenet.api import api_config

    app = create_app(api_config(settings, db, backend))
    with db.session() as session:
        _admin, admin_token = create_token(session, role="admin", label="demo")
        _operator, operator_token = create_token(
            session, role="operator", platform="ncdc", label="demo"
        )
    base = f"http://127.0.0.1:{port}"
    echo(f"ShareNet demo: {base}/ (search: {base}/search?q=土壤, API docs: {base}/docs)")
    echo(f"  centre dashboard {base}/centre — admin token: {admin_token}")
    echo(f"  operator dashboard {base}/operator — ncdc operator token: {operator_token}")
    echo("Ctrl-C stops the demo.")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)
