"""Load on the served search: req/s, p50/p95/p99 and errors at 1, 10 and 50 clients.

Starts ``sharenet serve`` on a free port of 127.0.0.1 over a data directory and
loads it from this process (a separate one: the server's cores are not the
client's), with a small asyncio HTTP/1.1 client on keep-alive connections so the
client's own cost stays far below the server's. Each row is bounded both by a
request count and by a time limit. Targets: ``api`` is ``/api/search`` with a
mix of Chinese and English queries, filters and pages, and one hostile request in
fifty (a 10,000-character query, an unbalanced quote, a huge ``size``, a negative
``page``, an unknown field: each must be refused with a 4xx, or taken as words);
``page`` is the ``/search`` web page with the same queries. ``--mix hot`` (the
default) repeats popular queries, as a portal's traffic does, so the engine's
answers cached per commit serve most; ``--mix cold`` draws most searches
afresh, which is what the engine itself sustains. Each row also prints the
server's CPU time per request (all its processes), a figure that, unlike req/s,
hardly depends on what else the machine is doing.

With ``--harvest`` a second process changes the catalogue throughout each row:
full harvests of the demo platforms (started on 127.0.0.1 by that process)
and, between them, batches of stored records re-indexed in one commit each --
so searches run against fresh commits and a harvest's writes to the store.
Every answer is checked: a 5xx, a failed connection or a reply that is not
the expected JSON/HTML counts as an error. After each row the service records
the server wrote (impressions) are compared with the hits it returned.

    python benchmarks/search_load.py --data-dir data/demo                # make demo first
    python benchmarks/search_load.py --data-dir data/demo --mix cold --harvest
    python benchmarks/search_load.py --data-dir data/big --generate 1000000   # builds once
    python benchmarks/search_load.py --url http://127.0.0.1:8000          # a running server
    python benchmarks/search_load.py --data-dir data/demo --harvest \
        --database-url postgresql+psycopg://user:pw@127.0.0.1/db         # store in PostgreSQL

The figures depend on the machine and what else runs on it: the output names
the cores, the load average before each row, the workers and the catalogue size.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERIES = [
    "土壤",
    "冰川",
    "青藏高原",
    "微生物",
    "降水 观测",
    "glacier",
    "soil moisture",
    "permafrost",
    "rice germplasm",
    "冰川 glacier",
    "水稻",
    "strain",
    '"air temperature"',
    "黑土",
    "",
]
WORDS = [w for q in QUERIES for w in q.replace('"', "").split()] + [
    *("降水", "气温", "植被", "湖泊", "积雪", "地下水", "森林", "海洋", "沙丘", "天山"),
    *("precipitation", "vegetation", "lake", "snow", "groundwater", "forest", "survey"),
    *("observations", "simulation", "Tianshan", "Yangtze", "microbial", "wheat", "dataset"),
]
FILTERS: list[dict[str, str]] = [
    {},
    {},
    {"kind": "dataset"},
    {"access": "open"},
    {"sort": "newest"},
    {"page": "2"},
]
HOSTILE: list[dict[str, str]] = [
    {"q": "soil " * 2000},
    {"q": '"unbalanced quote'},
    {"q": "soil", "size": "1000000"},
    {"q": "soil", "page": "-1"},
    {"q": "soil", "fields": "password"},
]
"""Each must be a 4xx with a message (the unbalanced quote: words, a 200); a 5xx is an error."""
HOSTILE_EVERY = 50
TARGETS = {"api": "/api/search", "page": "/search"}


@dataclass(slots=True)
class Row:
    target: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    hits: int = 0
    seconds: float = 0.0
    rejected: int = 0
    """Hostile requests answered with a 4xx and a message, as they must be."""
    hostile: set[str] = field(default_factory=set)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def line(self, load: float) -> str:
        done = len(self.latencies)
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]

        def pct(p: float) -> float:
            return ms[min(len(ms) - 1, int(p * len(ms)))]

        errors = ",".join(f"{k}={v}" for k, v in sorted(self.errors.items())) or "0"
        return (
            f"{self.target:<5} {self.clients:>3} clients  {done / self.seconds:7.1f} req/s  "
            f"p50 {statistics.median(ms):7.1f}  p95 {pct(0.95):7.1f}  p99 {pct(0.99):7.1f} ms  "
            f"{done:>5} ok  {self.rejected} hostile refused  errors {errors}  "
            f"(load avg before {load:.2f})"
        )


def _paths(target: str, count: int, seed: int, mix: str) -> list[str]:
    """The row's requests; one in :data:`HOSTILE_EVERY` of the API's is hostile.

    ``hot``: popular queries, repeated (as a portal's traffic is: the engine's cache of
    answers serves most); ``cold``: a word, a filter, an order and a page drawn from
    thousands of combinations, so most searches are computed afresh.
    """
    rng = random.Random(seed)
    out = []
    for n in range(count):
        if mix == "hot":
            params = {"q": rng.choice(QUERIES), **rng.choice(FILTERS)}
        else:
            sort = rng.choice(["relevance", "newest", "oldest", "title"])
            page = str(rng.randint(1, 3))
            params = {"q": rng.choice(WORDS), **rng.choice(FILTERS), "sort": sort, "page": page}
        if target == "api" and n % HOSTILE_EVERY == HOSTILE_EVERY - 1:
            params = rng.choice(HOSTILE)
        out.append(f"{TARGETS[target]}?{urlencode(params)}")
    return out


async def _client(
    host: str, port: int, paths: list[str], row: Row, deadline: float, api: bool
) -> None:
    """One keep-alive connection asking its share of the requests, one at a time."""
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    for path in paths:
        if time.monotonic() > deadline:
            return
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept-Encoding: gzip\r\n\r\n"
            writer.write(request.encode())
            status, body, closing = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            row.error(type(exc).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        elapsed = time.perf_counter() - started
        if closing:
            writer.close()
            reader = writer = None
        hostile = api and path in row.hostile
        if hostile:
            # refused with the error shape, or (query syntax) taken as words: never a 5xx
            refused = 400 <= status < 500 and b'"message"' in body
            survived = status == 200 and b'"hits"' in body
            row.hits += len(json.loads(body)["hits"]) if survived else 0
            row.rejected += refused
            if not (refused or survived):
                row.error(f"hostile-http{status}")
        elif status != 200:
            row.error(f"http{status}")
        elif api:
            try:
                row.hits += len(json.loads(body)["hits"])
            except (ValueError, KeyError):
                row.error("badjson")
                continue
            row.latencies.append(elapsed)
        elif b"</html>" not in body:
            row.error("badhtml")
        else:
            row.latencies.append(elapsed)
    if writer is not None:
        writer.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, body, headers.get("connection") == "close"


def _load(
    url: str, target: str, clients: int, requests: int, seconds: float, seed: int, mix: str
) -> Row:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    row = Row(target, clients)
    paths = _paths(target, requests, seed, mix)
    row.hostile = {f"{TARGETS[target]}?{urlencode(h)}" for h in HOSTILE}
    shares = [paths[i::clients] for i in range(clients)]

    async def run() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(_client(host, port, s, row, deadline, target == "api") for s in shares)
        )

    started = time.perf_counter()
    asyncio.run(run())
    row.seconds = time.perf_counter() - started
    return row


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(url: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "SHARENET_DATA_DIR": str(data_dir), "SHARENET_SCHEDULER": "false"}


def _impressions(data_dir: Path) -> int:
    """Impressions counted in the store so far (the service records under test)."""
    from sqlalchemy import func, select

    from harvester.store import Database
    from harvester.store.service_models import ServiceCountRow
    from sharenet.settings import Settings

    settings = Settings(data_dir=data_dir)
    with Database(settings.store_url) as db, db.session() as session:
        return int(
            session.scalar(
                select(func.coalesce(func.sum(ServiceCountRow.count), 0)).where(
                    ServiceCountRow.kind == "impression"
                )
            )
            or 0
        )


def _churn(data_dir: str, stop: Any) -> None:
    """Harvest the demo platforms in full and re-index stored records, until told to stop."""
    from harvester.store.records import iter_records
    from sharenet.context import open_backend, open_database
    from sharenet.demo.platforms import DemoPlatforms
    from sharenet.demo.run import demo_sources, register
    from sharenet.pipeline import run_harvest
    from sharenet.settings import Settings

    settings = Settings(data_dir=Path(data_dir), scheduler=False)
    db = open_database(settings)
    backend = open_backend(settings)
    commits = harvests = 0
    with DemoPlatforms() as platforms:
        sources = demo_sources(platforms.urls)
        register(db, sources)
        while not stop.is_set():
            for source_id in sources:
                if stop.is_set():
                    break
                run_harvest(settings, source_id, full=True)
                harvests += 1
                with db.session() as session:
                    batch = [s.record for s in islice(iter_records(session), 500)]
                backend.index(batch)
                commits += 1
    print(f"  (concurrently: {harvests} full harvests, {commits} extra index commits)")
    backend.close()
    db.dispose()


def _generate(data_dir: Path, n: int) -> None:
    """A catalogue of ``n`` generated records (those of benchmarks/search_tantivy.py):
    indexed, with an empty store beside it for the service records. Kept and reused."""
    from search_tantivy import records

    from sharenet.context import open_backend, open_database
    from sharenet.settings import Settings

    settings = Settings(data_dir=data_dir)
    open_database(settings).dispose()
    backend = open_backend(settings)
    try:
        if backend.count() != n:
            started = time.perf_counter()
            backend.rebuild(records(n))
            print(f"generated and indexed {n:,} records in {time.perf_counter() - started:.0f} s")
    finally:
        backend.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time used so far by ``pid`` and its children (the workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a data directory (`make demo` made one)")
    parser.add_argument("--url", help="load a server already running here instead")
    parser.add_argument("--workers", type=int, default=None, help="sharenet serve --workers")
    parser.add_argument("--clients", default="1,10,50")
    parser.add_argument("--targets", default="api,page")
    parser.add_argument("--requests", type=int, default=2000, help="per row, at most")
    parser.add_argument("--seconds", type=float, default=30.0, help="per row, at most")
    parser.add_argument("--mix", choices=("hot", "cold"), default="hot", help="see _paths")
    parser.add_argument("--harvest", action="store_true", help="harvest and commit meanwhile")
    parser.add_argument("--generate", type=int, default=0, help="first build N records")
    parser.add_argument(
        "--database-url",
        help="the store (and the service records) in PostgreSQL instead of the data dir's SQLite",
    )
    args = parser.parse_args()
    if args.database_url:  # read by every Settings here, the server and the harvests
        os.environ["SHARENET_DATABASE_URL"] = args.database_url
    if args.url is None and args.data_dir is None:
        parser.error("give --data-dir (or --url)")
    if args.generate:
        _generate(args.data_dir, args.generate)
    server = None
    url = args.url
    if url is None:
        url = f"http://127.0.0.1:{_free_port()}"
        command = [sys.executable, "-m", "sharenet", "serve", "--port", url.rsplit(":", 1)[1]]
        if args.workers:
            command += ["--workers", str(args.workers)]
        server = subprocess.Popen(
            command, env=_env(args.data_dir), stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        _wait(url, server)
    try:
        _report(args, url, server.pid if server is not None else None)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    if server is not None and args.data_dir is not None:
        print(f"impressions in the store after shutdown: {_impressions(args.data_dir)}")


def _report(args: argparse.Namespace, url: str, pid: int | None) -> None:
    size = "?"
    if args.data_dir is not None:
        from sharenet.context import open_backend
        from sharenet.settings import Settings

        backend = open_backend(Settings(data_dir=args.data_dir))
        size = f"{backend.count():,}"
        backend.close()
    print(
        f"{url}: {size} records, {os.cpu_count()} cores, workers "
        f"{args.workers or 'default'}, {args.mix} mix, "
        f"{'with' if args.harvest else 'no'} concurrent harvest, "
        f"at most {args.requests} requests / {args.seconds:.0f} s per row"
    )
    for target in args.targets.split(","):
        for clients in (int(c) for c in args.clients.split(",")):
            _load(url, target, 1, 20, 10, seed=0, mix=args.mix)  # warm-up
            time.sleep(2.5)  # its service records are written before the count starts
            stop = multiprocessing.Event()
            churn = None
            if args.harvest:
                churn = multiprocessing.Process(target=_churn, args=(str(args.data_dir), stop))
                churn.start()
                time.sleep(3)
            load = os.getloadavg()[0]
            before = _impressions(args.data_dir) if args.data_dir else 0
            cpu = _cpu_seconds(pid) if pid else 0.0
            mine = time.process_time()
            row = _load(
                url, target, clients, args.requests, args.seconds, seed=clients, mix=args.mix
            )
            served = max(len(row.latencies), 1)
            cpu_ms = (_cpu_seconds(pid) - cpu) / served * 1000 if pid else float("nan")
            client_ms = (time.process_time() - mine) / served * 1000
            if churn is not None:
                stop.set()
                churn.join()
            print(row.line(load))
            print(f"      server CPU {cpu_ms:.2f} ms/request, this client's {client_ms:.2f} ms")
            if args.data_dir is not None and target == "api":
                _check_counts(args.data_dir, before, row.hits)


def _check_counts(data_dir: Path, before: int, hits: int, wait: float = 10.0) -> None:
    """Impressions are written in batches: wait (bounded) until they add up."""
    deadline = time.monotonic() + wait
    counted = _impressions(data_dir) - before
    while counted < hits and time.monotonic() < deadline:
        time.sleep(0.2)
        counted = _impressions(data_dir) - before
    print(f"      impressions counted {counted} of {hits} hits served")


if __name__ == "__main__":
    main()
