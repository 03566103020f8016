"""Compliance figures at scale: rule evaluation rate, platform refresh, and the report.

Builds a store of N generated records (default 100,000 over 4 platforms, one of
them holding 70%) with the rules' findings and scores, then times the
platform-scope refresh (shared CSTRs, duplicates, link-check failures) and
``report compliance`` over every platform in JSON, CSV and HTML.

    .venv/bin/python benchmarks/compliance_report.py [--records 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from harvester.compliance import refresh_platform
from harvester.store import Database
from harvester.store.linkcheck_models import LinkCheckRow
from harvester.store.models import FindingRow, PlatformRow, RecordRow, SourceRow
from mappings.identifiers import cstr_key
from mappings.record import AccessRights, Agent, ContactPoint, Record, content_hash
from mappings.rules import RuleContext, evaluate
from mappings.text import text_key
from sharenet.reports.compliance import build_report, render

PLATFORMS = {"big": 0.7, "mid": 0.2, "small": 0.07, "tiny": 0.03}
TODAY = date(2026, 3, 1)


def _record(rng: random.Random, platform: str, n: int) -> Record:
    """A plausible record; about one in five fields is missing somewhere."""
    ident = f"{platform}-{n}"

    def maybe(p_missing: float) -> bool:
        return rng.random() > p_missing

    cstr = f"CSTR:31253.11.{platform}.{n if maybe(0.01) else 1}" if maybe(0.05) else None
    return Record(
        id=f"{platform}-src-{n:08d}",
        source=f"{platform}-src",
        source_identifier=ident,
        platform=platform,
        cstr=cstr,
        cstr_original=cstr,
        doi=f"10.1234/{platform}.{n // 2 if rng.random() < 0.01 else n}",
        title={
            "zh": f"数据集 {n} 号：土壤温度观测",
            **({"en": f"Dataset {n}"} if maybe(0.2) else {}),
        },
        description={"zh": f"第 {n} 号数据集的描述，记录了观测方法与时间范围。" * rng.randint(1, 5)}
        if maybe(0.05)
        else {},
        keywords={"zh": ["土壤", "温度"]} if maybe(0.1) else {},
        subjects=["170"] if maybe(0.3) else [],
        creators=[Agent(name="张三")] if maybe(0.1) else [],
        contact_point=ContactPoint(email="help@example.org") if maybe(0.4) else None,
        issued=date(2015, 1, 1) + timedelta(days=rng.randrange(3000)),
        modified=date(2016, 1, 1) + timedelta(days=rng.randrange(3700)),
        access_rights=rng.choice(list(AccessRights)) if maybe(0.1) else None,
        license="CC BY 4.0" if maybe(0.2) else None,
        landing_page=f"https://{platform}.example.org/{n}" if maybe(0.02) else None,
    )


def build(db: Database, total: int, seed: int = 7) -> tuple[float, float]:
    """Insert the records with their findings; return (evaluate seconds, insert seconds)."""
    rng = random.Random(seed)
    ctx = RuleContext(agency_codes=("31253",), today=TODAY)
    now = datetime.now(UTC)
    with db.session() as s:
        for p in PLATFORMS:
            s.add(PlatformRow(id=p, name_zh=p, agency_codes=["31253"]))
            s.add(SourceRow(id=f"{p}-src", platform=p, protocol="oai", url="x"))
    evaluating = inserting = 0.0
    for platform, share in PLATFORMS.items():
        count = int(total * share)
        for start in range(0, count, 5000):
            records, findings, checks = [], [], []
            t0 = time.perf_counter()
            for n in range(start, min(start + 5000, count)):
                record = _record(rng, platform, n)
                result = evaluate(record, ctx)
                records.append(_row(record, result.score, now))
                findings += [
                    {"record_id": record.id, "platform": platform, "rule": f.rule,
                     "level": f.level.value, "message_zh": f.message_zh,
                     "message_en": f.message_en, "fields": f.fields, "detail": f.detail}
                    for f in result.findings
                ]  # fmt: skip
                if record.landing_page and rng.random() < 0.05:
                    checks.append(
                        {"record_id": record.id, "platform": platform, "url": record.landing_page,
                         "checked_at": now, "outcome": "http_error", "status": 404}
                    )  # fmt: skip
            t1 = time.perf_counter()
            with db.session() as s:
                s.execute(insert(RecordRow), records)
                if findings:
                    s.execute(insert(FindingRow), findings)
                if checks:
                    s.execute(insert(LinkCheckRow), checks)
            evaluating += t1 - t0
            inserting += time.perf_counter() - t1
    return evaluating, inserting


def _row(record: Record, score: float | None, now: datetime) -> dict[str, Any]:
    record.content_hash = content_hash(record)
    return {
        "id": record.id,
        "source": record.source,
        "source_identifier": record.source_identifier,
        "platform": record.platform,
        "cstr_key": cstr_key(record.cstr) if record.cstr else None,
        "doi": record.doi,
        "text_key": text_key(record.title, record.description),
        "resource_kind": record.resource_kind.value,
        "data": record.model_dump(mode="json"),
        "raw": "",
        "raw_format": "bench",
        "content_hash": record.content_hash,
        "modified": record.modified,
        "quality_score": score,
        "deleted": False,
        "withdrawn": False,
        "first_seen_at": now,
        "last_seen_at": now,
        "harvested_at": now,
        "changed_at": now,
    }


def timed(label: str, fn: Any) -> Any:
    t0 = time.perf_counter()
    value = fn()
    print(f"{label:<44} {time.perf_counter() - t0:8.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db = Database(url)
        print(f"store: {db.engine.dialect.name}, {args.records} records")
        evaluating, inserting = build(db, args.records)
        print(f"{'evaluate (all record rules + score)':<44} {evaluating:8.2f} s "
              f"({args.records / evaluating:,.0f} records/s)")  # fmt: skip
        print(f"{'bulk insert records and findings':<44} {inserting:8.2f} s")
        for platform in PLATFORMS:
            with db.session() as s:
                counts = timed(
                    f"refresh_platform {platform}", lambda p=platform: refresh_platform(s, p)
                )
            print(f"    {counts}")
        with db.session() as s:
            report = timed("build report (all platforms, snapshot)", lambda: build_report(s))
        for fmt in ("json", "csv", "html"):
            text = timed(f"render {fmt}", lambda f=fmt: render(report, f))
            print(f"    {len(text):,} characters")
        with db.session() as s:
            timed("build report again (with change)", lambda: build_report(s))
        big = next(p for p in report["platforms"] if p["platform"] == "big")
        print(f"big: {big['records']} records, mean score {big['score']['mean']}, "
              f"{big['with_findings']} with errors/warnings")  # fmt: skip
        db.dispose()


if __name__ == "__main__":
    main()
