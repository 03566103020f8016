"""The compliance report: figures, change since the previous report, formats, the CLI."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from harvester.compliance import refresh_platform
from harvester.store import Database
from sharenet.cli import main
from sharenet.reports.compliance import build_report, render
from tests.harvester.compliance_support import add_platform, make_record, store

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 2, 1, tzinfo=UTC)


def _seed(db: Database) -> None:
    with db.session() as s:
        add_platform(s, "p1")
        add_platform(s, "p2")
        store(s, make_record("p1", "good"))
        store(s, make_record("p1", "a", license=None))
        store(s, make_record("p1", "x", title={"zh": "<script>alert(1)</script>数据"}))
        store(s, make_record("p2", "b", license=None, access_rights=None))
        refresh_platform(s, "p1")
        refresh_platform(s, "p2")


def _rule(platform: dict[str, object], rule: str) -> dict[str, object]:
    rules = platform["rules"]
    assert isinstance(rules, list)
    return next(r for r in rules if r["rule"] == rule)


def test_figures_and_change_since_previous(db: Database) -> None:
    _seed(db)
    with db.session() as s:
        first = build_report(s, now=T1)
    by_platform = {p["platform"]: p for p in first["platforms"]}
    p1 = by_platform["p1"]
    assert set(by_platform) == {"p1", "p2"}
    assert p1["records"] == 3 and p1["previous_report_at"] is None
    assert _rule(p1, "license-stated")["failing"] == 1
    assert _rule(p1, "license-stated")["failing_change"] is None
    assert p1["worst"][0]["source_identifier"] == "a"
    assert sum(p1["score"]["buckets"].values()) == 3

    with db.session() as s:
        store(s, make_record("p1", "c", license=None))
        store(s, make_record("p1", "d", license=None))
        refresh_platform(s, "p1")
        second = build_report(s, "p1", now=T2)
    (p1,) = second["platforms"]
    assert p1["previous_report_at"] == T1.isoformat()
    assert p1["change"]["records"] == 2
    assert _rule(p1, "license-stated")["failing"] == 3
    assert _rule(p1, "license-stated")["previous_failing"] == 1
    assert _rule(p1, "license-stated")["failing_change"] == 2

    # Not saving: the next report still compares with the second one.
    with db.session() as s:
        build_report(s, "p1", now=datetime(2026, 3, 1, tzinfo=UTC), save=False)
        third = build_report(s, "p1", now=datetime(2026, 4, 1, tzinfo=UTC))
    assert third["platforms"][0]["previous_report_at"] == T2.isoformat()


def test_formats_escape_and_agree(db: Database) -> None:
    _seed(db)
    with db.session() as s:
        report = build_report(s, "p1", now=T1, save=False)
    html = render(report, "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "license-stated" in html
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    failing = {r["key"]: r["value"] for r in rows if r["section"] == "rule_failing"}
    assert (
        failing["license-stated"] == "1"
        and failing["title-en"] == "1"
        and failing["cstr-missing"] == "0"
    )
    assert {r["key"] for r in rows if r["section"] == "score_bucket"} >= {"0-10", "90-100"}
    assert json.loads(render(report, "json"))["platforms"][0]["records"] == 3


def test_cli(db: Database, tmp_path: Path) -> None:
    _seed(db)
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path), "--database-url", db.url]
    out = runner.invoke(main, [*base, "report", "compliance", "p2", "--format", "json"])
    assert out.exit_code == 0, out.output
    (p2,) = json.loads(out.output)["platforms"]
    assert _rule(p2, "access-stated")["failing"] == 1

    target = tmp_path / "report.html"
    out = runner.invoke(main, [*base, "report", "compliance", "--output", str(target)])
    assert out.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!doctype html>")

    out = runner.invoke(main, [*base, "report", "compliance", "nope"])
    assert out.exit_code == 1 and "unknown platform 'nope'" in out.output
    out = runner.invoke(main, [*base, "report", "compliance", "-o", str(tmp_path / "no/x.csv")])
    assert out.exit_code != 0 and "cannot write" in out.output
    out = runner.invoke(main, [*base, "links", "check", "nope"])
    assert out.exit_code == 1 and "unknown platform" in out.output
    out = runner.invoke(main, [*base, "links", "check", "p1", "--rate", "fast"])
    assert out.exit_code == 1 and "rate" in out.output
