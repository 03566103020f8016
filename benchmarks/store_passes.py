"""Passes over the whole store: ``sharenet rules reevaluate`` and ``sharenet index rebuild``.

Builds a store of ``--records`` generated records with their findings and scores
(the generator of ``benchmarks/compliance_report.py``, judged as of 2026-03-01,
stored without judgement keys as a store left by an older release is), then
times, in this process:

1. ``rules reevaluate`` as of today: the first pass after the upgrade reads every
   record (none has a key yet; the freshness rule changes part of the findings);
   then the same day again (nothing due); then the next day (only the records
   going stale that day are due: a stale record's finding holds on every later
   day); then ``--all`` (every record read, as every pass did before judgement keys);
2. ``index rebuild`` of the embedded tantivy index from the store.

    .venv/bin/python benchmarks/store_passes.py [--records 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.compliance_report import build
from harvester.compliance import reevaluate
from harvester.store import Database
from indexer.sync import rebuild
from indexer.tantivy_ import TantivyBackend
from sharenet.batch import batch_work


def timed(label: str, count: int, fn: Any) -> Any:
    """Runs ``fn`` as the commands do; prints wall, CPU and how much of it this thread took.

    The rest of the CPU is other threads': the index engine's, during a rebuild.
    A pass whose wall time is close to its main thread's is bound by Python.
    """
    start_cpu, start_main, start = time.process_time(), time.thread_time(), time.perf_counter()
    with batch_work():  # as the commands run it
        value = fn()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    main = time.thread_time() - start_main
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<40} {wall:7.2f} s wall {cpu:7.2f} CPU-s ({main:.2f} main thread)"
        f"  {count / wall:9,.0f} records/s  peak RSS {rss:.0f} MB"
    )
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        with Database(url) as db:
            print(f"store: {db.engine.dialect.name}, {args.records} records")
            build(db, args.records)

            today = date.today()

            def judge(day: date, everything: bool = False) -> Any:
                with db.session() as session:
                    return reevaluate(session, today=day, everything=everything)

            passes = [
                ("rules reevaluate (first, no keys yet)", today, False),
                ("rules reevaluate (same day again)", today, False),
                ("rules reevaluate (the next day)", today + timedelta(days=1), False),
                ("rules reevaluate --all (the next day)", today + timedelta(days=1), True),
            ]
            for label, day, everything in passes:
                result = timed(label, args.records, lambda d=day, e=everything: judge(d, e))
                print(f"    {result.evaluated} judged again, {result.changed} changed")
            backend = TantivyBackend(Path(tmp) / "index")
            written = timed("index rebuild", args.records, lambda: rebuild(db, backend))
            print(f"    {written} documents")
            backend.close()


if __name__ == "__main__":
    main()
