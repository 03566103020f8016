"""Harvest cost: a whole ShareNet harvest against sickle fetching and parsing the same pages.

Writes ``--records`` items with both ``oai_dc`` and ``oai_datacite`` metadata,
serves them with the real pyoai provider (``sharenet.demo.oai_server``) in its
own process on 127.0.0.1, ``--per-page`` records a page, and for each format, in
this one process and run:

1. **sickle only**: sickle 0.7.0 with its own HTTP client lists every page and
   builds its ``Record`` objects (parsing each record's metadata): the floor a
   harvester cannot go below without doing less;
2. **ShareNet**: exactly what ``sharenet harvest`` does (``run_harvest``): safe
   parsing, mapping, rules, findings, scores, hashes, a checkpoint per page,
   the run report, the platform's cross-record rules, then the index sync into
   the embedded tantivy index, on a fresh SQLite store (and, with
   ``--postgres-url``, on a fresh PostgreSQL database as well);
3. on SQLite, two floors no harvest keeping the same store and index contents
   goes below: the CPU the index engine's own threads spend on those records,
   and the CPU SQLite itself spends writing the same rows (records and
   findings, a page of ``--per-page`` a transaction, with the store's pragmas);
   then the same full harvest **again**, every record unchanged (a scheduled
   re-harvest).

CPU is this process's user+system time and its page writer's (the server's is
its own). The page writer process starts, as by default, once 10,000 records
are written (``harvest_writer_after``); ``--writer inline`` writes every page
in this process. The ratio is ShareNet's CPU over sickle's. The per-stage CPU
comes from the run report's stage clock (``RunReport.stages``). Peak RSS is
printed after each run.

    .venv/bin/python benchmarks/harvest_throughput.py [--records 20000] [--per-page 500]
        [--postgres-url postgresql+psycopg://user:pw@127.0.0.1/db] [--formats oai_dc]
        [--writer process|inline]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tantivy
from sickle import Sickle
from sqlalchemy import create_engine, text

from harvester.store import Database
from harvester.store.platforms import upsert_platforms
from harvester.store.sources import add_source
from indexer.document import to_document
from indexer.sync import changes
from indexer.tantivy_ import TantivyBackend
from indexer.tantivy_schema import build_schema, register, to_tantivy
from sharenet.demo.oai_server import write_items
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings
from tests.harvester.oai_support import OAI_DATACITE, OaiServerProcess, dc_item


def write_catalogue(path: Path, records: int) -> None:
    """Items carrying both formats, so one server process serves both listings."""

    def item(n: int) -> dict[str, object]:
        base = dc_item(n, f"2024-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z")
        base["metadata"] = {**base["metadata"], "oai_datacite": OAI_DATACITE.format(n=n)}
        return base

    write_items(path, (item(n) for n in range(records)))


def cpu() -> float:
    """This process's CPU and that of its finished children: the page writer is one
    (``harvest_writer = "process"``), reaped when its run ends; the server is still running."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Cost:
    records: int
    cpu: float
    wall: float
    stages: dict[str, float]


def sickle_only(url: str, prefix: str) -> Cost:
    start_cpu, start = cpu(), time.perf_counter()
    count = 0
    for _record in Sickle(url, max_retries=0).ListRecords(metadataPrefix=prefix):
        count += 1
    return Cost(count, cpu() - start_cpu, time.perf_counter() - start, {})


def sharenet(url: str, prefix: str, settings: Settings) -> Cost:
    with Database(settings.store_url) as db, db.session() as session:
        upsert_platforms(session, [{"id": "nbsdc", "agency_codes": ["16666", "11738"]}])
        add_source(
            session,
            prefix,
            platform="nbsdc",
            protocol="oai-pmh",
            url=url,
            config={"metadata_prefix": prefix},
        )
    return harvested(settings, prefix)


def harvested(settings: Settings, prefix: str) -> Cost:
    """A full harvest of the source named ``prefix``; counts the records it listed."""
    start_cpu, start = cpu(), time.perf_counter()
    report = run_harvest(settings, prefix, full=True)
    took_cpu, took = cpu() - start_cpu, time.perf_counter() - start
    assert report.ok and report.counts.failed == 0, (report.error, report.errors[:3])
    listed = report.counts.added + report.counts.updated + report.counts.unchanged
    return Cost(listed, took_cpu, took, dict(report.stages))


def engine_floor(store_url: str) -> float:
    """CPU-s the search engine's own threads spend indexing the stored records.

    The main thread's CPU (reading the store, building each document) is taken
    out: what is left is tantivy tokenizing and indexing, which any harvest
    keeping the same index contents pays (a floor under the ratio).
    """
    with Database(store_url, run_migrations=False) as db, tempfile.TemporaryDirectory() as tmp:
        index = tantivy.Index(build_schema(), path=tmp)
        register(index)
        start_cpu, start_main = cpu(), time.thread_time()
        writer = index.writer(TantivyBackend(Path(tmp)).heap_size, 1)  # as the feed writes
        for batch in changes(db):
            for change in batch:
                if change.record is not None:
                    writer.add_document(to_tantivy(to_document(change.record)))
        writer.commit()
        writer.wait_merging_threads()
        return (cpu() - start_cpu) - (time.thread_time() - start_main)


def store_floor(store_url: str, per_page: int) -> float:
    """CPU-s SQLite spends writing the stored rows again, as the harvest wrote them.

    Each page of records (every column) and their findings is read from the
    store, then replayed through plain ``sqlite3`` into a copy of the schema in
    one transaction; only the writes are timed: SQLite's own work (binding,
    b-trees, WAL), with no ShareNet code on the path.
    """
    source = sqlite3.connect(store_url.removeprefix("sqlite:///"))
    schema = source.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " ORDER BY rowid"
    ).fetchall()
    took = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        floor = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            floor.execute(f"PRAGMA {pragma}")
        floor.execute("PRAGMA wal_autocheckpoint=10000")  # as the store sets them
        for (sql,) in schema:
            floor.execute(sql)

        def insert(table: str, rows: list[tuple[object, ...]]) -> None:
            if rows:
                marks = ",".join("?" * len(rows[0]))
                floor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

        insert("sources", source.execute("SELECT * FROM sources").fetchall())
        last = 0
        while page := source.execute(
            "SELECT rowid, * FROM records WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, per_page)
        ).fetchall():
            last = page[-1][0]
            records = [row[1:] for row in page]
            marks = ",".join("?" * len(records))
            findings = source.execute(
                f"SELECT * FROM findings WHERE record_id IN ({marks}) ORDER BY id",
                [row[0] for row in records],
            ).fetchall()
            start = time.process_time()
            floor.execute("BEGIN")
            insert("records", records)
            insert("findings", findings)
            floor.execute("COMMIT")
            took += time.process_time() - start
        floor.close()
    source.close()
    return took


def fresh_postgres(url: str, name: str) -> str:
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{url.rsplit('/', 1)[0]}/{name}"


def line(label: str, cost: Cost, floor: Cost | None = None) -> str:
    rate = cost.records / cost.wall if cost.wall else 0.0
    out = (
        f"  {label:<22} {cost.records:>7} records  {cost.cpu:7.2f} CPU-s  {cost.wall:7.2f} s wall"
        f"  {rate:8.0f} rec/s"
    )
    if floor is not None and floor.cpu:
        out += f"  ratio {cost.cpu / floor.cpu:5.2f}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--per-page", type=int, default=500)
    parser.add_argument("--formats", default="oai_dc,oai_datacite")
    parser.add_argument("--postgres-url", default=None, help="also harvest into PostgreSQL")
    parser.add_argument("--writer", choices=("process", "inline"), default="process")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        items = root / "items.jsonl"
        write_catalogue(items, opts.records)
        print(
            f"{opts.records} records, {opts.per_page} a page, from a local pyoai server process;"
            f" pages written {opts.writer}"
        )
        with OaiServerProcess(items, batch_size=opts.per_page) as server:
            for prefix in opts.formats.split(","):
                print(prefix)
                floor = sickle_only(server.url, prefix)
                print(line("sickle fetch+parse", floor))
                stores: dict[str, str | None] = {"sqlite": None}
                if opts.postgres_url:
                    stores["postgresql"] = fresh_postgres(opts.postgres_url, f"bench_{prefix}")
                for store, url in stores.items():
                    data = root / f"{store}-{prefix}"
                    settings = Settings(data_dir=data, database_url=url, harvest_writer=opts.writer)
                    cost = sharenet(server.url, prefix, settings)
                    print(line(f"sharenet ({store})", cost, floor))
                    stages = "  ".join(f"{k} {v:.2f}" for k, v in cost.stages.items())
                    print(f"    stages (CPU-s): {stages}   peak RSS {peak_rss_mb():.0f} MB")
                    if store == "sqlite":
                        engine = engine_floor(settings.store_url)
                        sqlite = store_floor(settings.store_url, opts.per_page)
                        least = floor.cpu + engine + sqlite
                        print(
                            f"    of which no harvest can skip: the index engine's own threads"
                            f" {engine:.2f} CPU-s ({engine / floor.cpu:.2f}x sickle),"
                            f" SQLite writing the rows {sqlite:.2f} CPU-s"
                            f" ({sqlite / floor.cpu:.2f}x sickle)"
                        )
                        print(
                            f"    so no harvest keeping these contents costs less than sickle"
                            f" + both: {least:.2f} CPU-s (ratio {least / floor.cpu:.2f})"
                        )
                        again = harvested(settings, prefix)
                        print(line("again, all unchanged", again, floor))


if __name__ == "__main__":
    main()
