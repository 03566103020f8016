"""Embedded search engine against a naive SQLite ``LIKE`` baseline, on generated records.

Prints, per corpus size: index build rate (documents/s) and search latency
p50/p95 of text queries with all eight facets, for tantivy and for SQLite
scanning the same records with ``LIKE`` (plus ``GROUP BY`` for three facets),
and their ratio. Two more tantivy rows, without a baseline: ``browse`` is no
text and one or two filters (facets counted over a filtered share of the
catalogue), ``home`` is no text and no filter (the first call counts the whole
catalogue, shown as ``first``; later ones reuse those counts until the next commit).

    python benchmarks/search_tantivy.py                 # 100k
    nice python benchmarks/search_tantivy.py 100000 1000000
    python benchmarks/search_tantivy.py --index-dir /tmp/bench 1000000   # build once, reuse
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from indexer.base import Filters, Query
from indexer.errors import MappingOutOfDate
from indexer.tantivy_ import TantivyBackend
from mappings.record import AccessRights, Record, ResourceKind

TOPICS = [
    ("土壤水分", "soil moisture"),
    ("冰川", "glacier"),
    ("降水", "precipitation"),
    ("气温", "air temperature"),
    ("植被指数", "vegetation index"),
    ("冻土", "permafrost"),
    ("微生物", "microbial"),
    ("土地利用", "land use"),
    ("湖泊水位", "lake level"),
    ("积雪覆盖", "snow cover"),
    ("蒸散发", "evapotranspiration"),
    ("地下水", "groundwater"),
    ("水稻种质", "rice germplasm"),
    ("小麦品种", "wheat cultivar"),
    ("大肠杆菌", "Escherichia coli"),
    ("森林覆盖", "forest cover"),
    ("空气质量", "air quality"),
    ("人口分布", "population"),
    ("海洋温度", "ocean temperature"),
    ("沙丘移动", "dune migration"),
]
REGIONS = [
    ("青藏高原", "Tibetan Plateau"),
    ("黄土高原", "Loess Plateau"),
    ("华北平原", "North China Plain"),
    ("长江流域", "Yangtze River Basin"),
    ("珠江三角洲", "Pearl River Delta"),
    ("天山", "Tianshan"),
    ("祁连山", "Qilian Mountains"),
    ("四川盆地", "Sichuan Basin"),
    ("内蒙古", "Inner Mongolia"),
    ("南海", "South China Sea"),
    ("东北地区", "Northeast China"),
    ("云贵高原", "Yunnan-Guizhou Plateau"),
]
METHODS = [
    ("观测", "observations"),
    ("模拟", "simulation"),
    ("遥感反演", "remote sensing retrieval"),
    ("调查", "survey"),
    ("再分析", "reanalysis"),
    ("编目", "inventory"),
]
KINDS = list(ResourceKind)
PLATFORMS = [f"platform{n:02d}" for n in range(20)]
LICENSES = ["CC-BY-4.0", "CC-BY-NC-4.0", "CC0-1.0", None]
QUERIES = [
    "土壤",
    "冰川",
    "青藏高原",
    "微生物",
    "降水 观测",
    "土地利用",
    "大肠杆菌",
    "祁连山 冰川",
    "glacier",
    "glaciers",
    "soil moisture",
    '"air temperature"',
    "permafrost simulation",
    "rice germplasm",
    "冰川 glacier",
    "遥感反演 vegetation",
    "湖泊",
    "survey",
    "海洋温度",
    "天山",
]

BROWSE = [
    Filters(platform=["platform03"]),
    Filters(kind=["strain"]),
    Filters(access=["open"], year_from=2010),
    Filters(subject=["170.45"], license=["CC0-1.0"]),
    Filters(keyword=["青藏高原"]),
    Filters(lang=["en"], kind=["dataset", "germplasm"]),
]
ROUNDS = 5


def record(i: int) -> Record:
    rng = random.Random(i)
    tz, te = rng.choice(TOPICS)
    rz, re_ = rng.choice(REGIONS)
    mz, me = rng.choice(METHODS)
    y0 = rng.randint(1980, 2015)
    y1 = y0 + rng.randint(1, 10)
    issued = date(rng.randint(2000, 2025), rng.randint(1, 12), rng.randint(1, 28))
    return Record(
        id=f"r{i}",
        source=f"src{i % 20}",
        source_identifier=str(i),
        platform=PLATFORMS[i % 20],
        resource_kind=KINDS[rng.randrange(len(KINDS))],
        title={
            "zh": f"{rz}{tz}{mz}数据集（{y0}-{y1}）",
            "en": f"{te.capitalize()} {me} of the {re_} ({y0}-{y1})",
        },
        description={
            "zh": f"本数据集提供{rz}{y0}至{y1}年的{tz}{mz}结果，经过质量控制，编号{i}。",
            "en": f"{te.capitalize()} {me} for the {re_} from {y0} to {y1}, quality controlled.",
        },
        keywords={"zh": [tz, rz], "en": [te, re_]},
        subjects=[rng.choice(["170.20", "170.45", "180.11", "210.10", "170.55"])],
        issued=issued,
        access_rights=rng.choice(list(AccessRights)),
        license=rng.choice(LICENSES),
        cstr=f"CSTR:{10000 + i % 20}.11.bench.{i}",
    )


def records(n: int) -> Iterator[Record]:
    return (record(i) for i in range(n))


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def timed(backend: TantivyBackend, query: Query) -> float:
    t = time.perf_counter()
    backend.search(query)
    return (time.perf_counter() - t) * 1000


def bench_tantivy(n: int, path: Path) -> dict[str, tuple[float, ...]]:
    """Build (unless ``path`` already holds these ``n`` records), then time three query mixes."""
    backend = TantivyBackend(path)
    rate = float("nan")
    try:
        held = backend.count()
    except MappingOutOfDate:
        held = -1
    if held != n:
        start = time.perf_counter()
        backend.rebuild(records(n))
        rate = n / (time.perf_counter() - start)
    for q in QUERIES:  # warm the page cache
        backend.search(Query(text=q, facets=False))
    home_first = timed(backend, Query())
    text, browse, home = [], [], []
    for _ in range(ROUNDS):
        text += [timed(backend, Query(text=q)) for q in QUERIES]
        browse += [timed(backend, Query(filters=f)) for f in BROWSE]
        home += [timed(backend, Query(page=p)) for p in (1, 2, 3, 4)]
    backend.close()
    return {
        "text": (rate, *percentiles(text)),
        "browse": percentiles(browse),
        "home": (*percentiles(home), home_first),
    }


def bench_sqlite(n: int, root: Path) -> tuple[float, float, float]:
    """The naive baseline: every text column scanned with LIKE, facets by GROUP BY."""
    conn = sqlite3.connect(root / "baseline.db")
    conn.execute(
        "CREATE TABLE records (id TEXT PRIMARY KEY, platform TEXT, kind TEXT, year INT, "
        "title_zh TEXT, title_en TEXT, description_zh TEXT, description_en TEXT, keywords TEXT)"
    )
    start = time.perf_counter()
    batch = []
    for r in records(n):
        kws = " ".join(k for terms in r.keywords.values() for k in terms)
        batch.append(
            (
                r.id,
                r.platform,
                r.resource_kind.value,
                r.year(),
                r.title.get("zh"),
                r.title.get("en"),
                r.description.get("zh"),
                r.description.get("en"),
                kws,
            )
        )
        if len(batch) >= 10_000:
            conn.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    conn.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?)", batch)
    conn.commit()
    rate = n / (time.perf_counter() - start)
    columns = ("title_zh", "title_en", "description_zh", "description_en", "keywords")
    samples = []
    for q in QUERIES:
        words = [w.strip('"') for w in q.split()]
        where = " AND ".join("(" + " OR ".join(f"{c} LIKE ?" for c in columns) + ")" for _ in words)
        args = [f"%{w}%" for w in words for _ in columns]
        t = time.perf_counter()
        conn.execute(
            f"SELECT id FROM records WHERE {where} ORDER BY year DESC LIMIT 20", args
        ).fetchall()
        conn.execute(f"SELECT count(*) FROM records WHERE {where}", args).fetchone()
        for facet in ("platform", "kind", "year"):
            conn.execute(
                f"SELECT {facet}, count(*) FROM records WHERE {where} GROUP BY {facet}", args
            ).fetchall()
        samples.append((time.perf_counter() - t) * 1000)
    conn.close()
    p50, p95 = percentiles(samples)
    return rate, p50, p95


def main(sizes: list[int], index_dir: Path | None, baseline: bool) -> None:
    print(f"{'records':>9} {'engine':>14} {'build docs/s':>13} {'p50 ms':>9} {'p95 ms':>9}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            found = bench_tantivy(n, index_dir / str(n) if index_dir else root / "index")
            t_rate, t50, t95 = found["text"]
            print(f"{n:>9} {'tantivy':>14} {t_rate:>13.0f} {t50:>9.1f} {t95:>9.1f}", flush=True)
            b50, b95 = found["browse"]
            print(f"{n:>9} {'tantivy/browse':>14} {'':>13} {b50:>9.1f} {b95:>9.1f}")
            h50, h95, first = found["home"]
            print(
                f"{n:>9} {'tantivy/home':>14} {'':>13} {h50:>9.1f} {h95:>9.1f}  first {first:.1f}"
            )
            if not baseline:
                continue
            s_rate, s50, s95 = bench_sqlite(n, root)
            print(f"{n:>9} {'sqlite':>14} {s_rate:>13.0f} {s50:>9.1f} {s95:>9.1f}", flush=True)
            ratio = f"{s50 / t50:>8.0f}x {s95 / t95:>8.0f}x"
            print(f"{n:>9} {'ratio':>14} {'':>13} {ratio}  (sqlite / tantivy, text queries)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument(
        "--index-dir", type=Path, help="keep the tantivy index of each size here and reuse it"
    )
    parser.add_argument("--no-sqlite", action="store_true", help="skip the baseline")
    args = parser.parse_args()
    main(args.sizes, args.index_dir, baseline=not args.no_sqlite)
