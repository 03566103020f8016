"""A large harvest and its index: wall time, and peak RSS that must stay flat as it grows.

Writes ``--records`` oai_dc items (default 100,000), serves them with the real
pyoai provider (``sharenet.demo.oai_server``, in its own process) on 127.0.0.1,
and runs what ``sharenet harvest`` runs (``run_harvest``: the harvest and its
index feed into the embedded tantivy index) into a temporary SQLite store (or
``--database-url``), printing this process's current and peak RSS at every
10,000 records (so at 10k and 100k), and the same for its page-writer process
(``harvest_writer = "process"``: the store and index writes), and the wall time
of the whole.

    .venv/bin/python benchmarks/harvest_memory.py [--records 100000] [--batch-size 500]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harvester.runs import RunReport
from harvester.store import Database
from harvester.store.platforms import upsert_platforms
from harvester.store.sources import add_source
from sharenet.demo.oai_server import write_items
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings
from tests.harvester.oai_support import OaiServerProcess, dc_item


def rss_mb(pid: int | str = "self") -> tuple[float, float, float]:
    """(current, peak, file-backed) resident set size of a process in MB.

    File-backed pages are the index's memory-mapped segments: page cache the
    kernel can drop, not memory the process holds. The peak is the kernel's
    high-water mark, reset once the catalogue is written (:func:`reset_peak`).
    """
    text = Path(f"/proc/{pid}/status").read_text()
    status = dict(line.split(":", 1) for line in text.splitlines())

    def mb(key: str) -> float:
        return int(status[key].split()[0]) / 1024

    return mb("VmRSS"), mb("VmHWM"), mb("RssFile")


def reset_peak() -> None:
    """Forget the peak of writing the catalogue: what is measured is the harvest's."""
    Path("/proc/self/clear_refs").write_text("5")


def page_writer() -> int | None:
    """The harvest's page-writer process (``harvest_writer = "process"``), once started."""
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError):
                if b"harvester.page_writer" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return int(pid)
    return None


def pss_mb(pid: int | str = "self") -> float:
    """Proportional set size: shared pages (the interpreter, libraries) split between sharers."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory() -> str:
    current, peak, mapped = rss_mb()
    line = f"RSS {current:6.1f} MB (of it mapped index files {mapped:5.1f}), peak {peak:6.1f} MB"
    together = pss_mb()
    child = page_writer()
    if child is not None:
        with contextlib.suppress(FileNotFoundError):
            current, peak, mapped = rss_mb(child)
            line += f"; writer RSS {current:6.1f} MB (mapped {mapped:5.1f}), peak {peak:6.1f} MB"
            together += pss_mb(child)
    return f"{line}; both PSS {together:6.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        items = Path(tmp) / "items.jsonl"
        write_items(
            items,
            [dc_item(n, f"2024-01-01T{n // 3600 % 24:02d}:00:00Z") for n in range(opts.records)],
        )
        settings = Settings(data_dir=Path(tmp) / "data", database_url=opts.database_url)
        url = settings.store_url
        db = Database(url)
        with OaiServerProcess(items, batch_size=opts.batch_size) as server:
            with db.session() as session:
                upsert_platforms(session, [{"id": "ncdc", "name_zh": "冰川", "name_en": "Ice"}])
                add_source(
                    session,
                    "bench",
                    platform="ncdc",
                    protocol="oai-pmh",
                    url=server.url,
                    config={"metadata_prefix": "oai_dc"},
                )
            next_mark = 10_000
            start = time.perf_counter()

            def progress(report: RunReport) -> None:
                nonlocal next_mark
                while report.processed >= next_mark:
                    rate = report.processed / (time.perf_counter() - start)
                    print(f"{next_mark:>7} records: {memory()} ({rate:.0f} records/s)", flush=True)
                    next_mark += 10_000

            reset_peak()
            print(f"start: {memory()}; store {url.split(':')[0]}")
            report = run_harvest(settings, "bench", progress=progress)
            took = time.perf_counter() - start
        db.dispose()
        print(
            f"{report.status}: {report.counts.added} records harvested and indexed in "
            f"{took:.1f}s wall; {memory()}"
        )


if __name__ == "__main__":
    main()
