"""On the demo catalogue, the compliance report finds exactly the defects the generator injected.

Expected figures come from the demo's manifest (which records were damaged, and
how), never from the rules' code: every injected defect reaches its rule in
every format (oai_dc too: grant relations carry funding, and a CSTR spelled with
the wrong separators is still recognised as a malformed CSTR).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from harvester.compliance import records_page
from harvester.store import Database
from sharenet.cli import main
from sharenet.demo.catalogue import load_manifest
from sharenet.reports.compliance import build_report

pytestmark = [pytest.mark.slow, pytest.mark.integration]

RULE_OF_DEFECT = {
    "missing_cstr": "cstr-missing",
    "malformed_cstr": "cstr-malformed",
    "foreign_agency_cstr": "cstr-foreign-agency",
    "missing_title_zh": "title-zh",
    "missing_title_en": "title-en",
    "missing_license": "license-stated",
    "missing_access": "access-stated",
    "restricted_unjustified": "public-funding-open",
    "stale": "modified-fresh",
    "missing_description": "core-description",
    "missing_keywords": "core-keywords",
}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    manifest = load_manifest()
    data_dir = tmp_path_factory.mktemp("compliance-demo")
    # The window that makes "stale" mean what the generator meant: before stale_before.
    window = (date.today() - date.fromisoformat(manifest["stale_before"])).days
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHARENET_FRESHNESS_DAYS", str(window))
        result = CliRunner().invoke(main, ["demo", "--no-serve", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db = Database(f"sqlite:///{data_dir / 'catalogue.db'}")
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def report(demo_db: Database) -> dict[str, Any]:
    with demo_db.session() as s:
        return {p["platform"]: p for p in build_report(s, save=False)["platforms"]}


def expected_sets(platform: str, info: dict[str, Any]) -> dict[str, set[str]]:
    defects = info["defects"]
    out = {rule: set(defects[d]["records"]) for d, rule in RULE_OF_DEFECT.items()}
    dup_cstr = defects["duplicate_cstr"]
    dup_rec = defects["duplicate_record"]
    out["cstr-unique"] = set(dup_cstr["records"]) | set(dup_cstr["originals"])
    out["duplicate-record"] = (
        out["cstr-unique"] | set(dup_rec["records"]) | set(dup_rec["originals"])
    )
    return out


def test_report_counts_equal_the_manifest(demo_db: Database, report: dict[str, Any]) -> None:
    manifest = load_manifest()
    # Every registered platform is reported; only the demo's have records.
    assert {p for p, figures in report.items() if figures["records"]} == set(manifest["platforms"])
    for platform, info in manifest["platforms"].items():
        figures = report[platform]
        assert figures["records"] == info["records"], platform
        assert sum(figures["score"]["buckets"].values()) == info["records"], platform
        failing = {r["rule"]: r["failing"] for r in figures["rules"]}
        expected = expected_sets(platform, info)
        with demo_db.session() as s:
            for rule, records in expected.items():
                assert failing[rule] == len(records), (platform, rule)
                page = records_page(s, platform, failing=rule, size=1000)
                found = {i["source_identifier"] for i in page.items}
                assert found == records, (platform, rule)
