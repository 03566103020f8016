"""Cluster backend figures: bulk docs/s with 1, 2 and 4 workers, search latency with facets.

Runs against a fresh osmem-server (the OpenSearch-compatible test server; a real
cluster's figures will differ, osmem is in-memory and single-threaded per request)
and, in the same run and on the same generated records, the embedded engine.

    .venv/bin/python benchmarks/search_cluster.py [--records 20000] [--queries 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from osmem_server import OsmemServer

from indexer.base import Filters, Query, SearchBackend
from indexer.elasticsearch_ import OpenSearchBackend
from mappings.record import AccessRights, Record, ResourceKind

TOPICS = [
    ("土壤", "soil"),
    ("冰川", "glacier"),
    ("水稻", "rice"),
    ("降水", "precipitation"),
    ("森林", "forest"),
    ("湖泊", "lake"),
    ("菌种", "strain"),
    ("气温", "air temperature"),
    ("海洋", "ocean"),
    ("地震", "earthquake"),
]
PLACES = [
    ("青藏高原", "Tibetan Plateau"),
    ("黄河流域", "Yellow River basin"),
    ("东北", "Northeast"),
]
KINDS = [
    ("数据集", "dataset", ResourceKind.DATASET),
    ("种质资源", "germplasm", ResourceKind.GERMPLASM),
]
PLATFORMS = ["tpdc", "ncdc", "crop", "nmdc", "geodata", "sciencedb"]
QUERIES = [
    ("土壤", Filters()),
    ("青藏高原", Filters()),
    ("soil moisture", Filters()),
    ("glacier", Filters(platform=["ncdc"])),
    ("降水 数据集", Filters(year_from=2010)),
    ("", Filters(kind=["germplasm"])),
]


def generate(n: int, seed: int = 7) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for i in range(n):
        (tz, te), (pz, pe), (kz, ke, kind) = (
            rng.choice(TOPICS),
            rng.choice(PLACES),
            rng.choice(KINDS),
        )
        platform = rng.choice(PLATFORMS)
        records.append(
            Record(
                id=f"{platform}-{i:07d}",
                source=platform,
                source_identifier=str(i),
                platform=platform,
                resource_kind=kind,
                title={"zh": f"{pz}{tz}{kz}（{1990 + i % 30}年）", "en": f"{te} {ke} of {pe}"},
                description={
                    "zh": f"本{kz}记录{pz}地区的{tz}观测，编号{i}。",
                    "en": f"This {ke} records {te} observations in the {pe}, item {i}.",
                },
                keywords={"zh": [tz, pz], "en": [te]},
                subjects=[rng.choice(["170", "180", "210", "230"])],
                issued=date(1990 + i % 30, 1 + i % 12, 1),
                access_rights=rng.choice(list(AccessRights)),
                license=rng.choice(["CC-BY-4.0", "CC0-1.0", None]),
            )
        )
    return records


def latency(backend: SearchBackend, rounds: int) -> tuple[float, float]:
    times = []
    for i in range(rounds):
        text, filters = QUERIES[i % len(QUERIES)]
        start = time.perf_counter()
        backend.search(Query(text=text, filters=filters, facets=True))
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def timed(label: str, n: int, action: Callable[[], int]) -> None:
    start = time.perf_counter()
    written = action()
    seconds = time.perf_counter() - start
    assert written == n, f"{label}: wrote {written} of {n}"
    print(f"{label:<40} {n / seconds:>10,.0f} docs/s  ({seconds:.1f} s)")


def embedded(directory: Path) -> SearchBackend:
    from indexer.tantivy_ import TantivyBackend

    return TantivyBackend(directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    records = generate(args.records)
    print(
        f"{args.records:,} generated bilingual records; {args.queries} searches with facets each\n"
    )
    with OsmemServer.start() as server:
        last: OpenSearchBackend | None = None
        for workers in (1, 2, 4):
            backend = OpenSearchBackend(server.url, f"bench{workers}", replicas=0, workers=workers)
            timed(
                f"osmem bulk, {workers} worker(s)", len(records), partial(backend.rebuild, records)
            )
            last = backend
        assert last is not None
        p50, p95 = latency(last, args.queries)
        print(f"{'osmem search with facets':<40} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
        with tempfile.TemporaryDirectory() as tmp:
            engine = embedded(Path(tmp))
            timed("embedded (tantivy) rebuild", len(records), partial(engine.rebuild, records))
            p50, p95 = latency(engine, args.queries)
            print(f"{'embedded search with facets':<40} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
            engine.close()


if __name__ == "__main__":
    main()
