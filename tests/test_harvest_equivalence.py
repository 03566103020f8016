"""The fast harvest leaves exactly what the plain one left: same rows, findings, scores, documents.

The expected digests (see :mod:`tests.catalogue_digest`) were taken with the
release before the harvest's speed work, on the same inputs, with the same
frozen day. A difference anywhere -- a field mapped otherwise, a finding lost,
a score rounded differently, an index document not fed -- changes a digest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from harvester.store import Database
from harvester.store.platforms import upsert_platforms
from harvester.store.sources import add_source
from sharenet.cli import main
from sharenet.demo.oai_server import write_items
from sharenet.pipeline import run_harvest
from sharenet.settings import Settings
from tests.catalogue_digest import digest, frozen_day
from tests.harvester.oai_support import OAI_DATACITE, OaiServerProcess, dc_item

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DEMO = {
    "records": 2235,
    "findings": 2465,
    "documents": 2220,
    "records_sha": "5ca299c624070d22",
    "findings_sha": "59665095a39b8b3a",
    "runs_sha": "4b02b36fda7a8a58",
    "documents_sha": "4ad8bf0eb63c4e8e",
}
GENERATED = {
    "records": 20000,
    "findings": 117600,
    "documents": 19600,
    "records_sha": "8b0f8ef594ad94c3",
    "findings_sha": "31d57ada1100b530",
    "runs_sha": "0a197e52a460122b",
    "documents_sha": "341ba8a887a9e5dd",
}


def test_demo_catalogue_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with frozen_day(monkeypatch):
        args = ["demo", "--no-serve", "--data-dir", str(tmp_path)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output + repr(result.exception)
    with Database(Settings(data_dir=tmp_path).store_url) as db:
        found = digest(db, tmp_path / "index")
    assert found == DEMO


def _items(n: int, *, edited: int = 0, deleted: int = 0) -> list[dict[str, Any]]:
    """``n`` items in both formats; the first ``edited`` retitled and ``deleted`` after them gone,
    with a datestamp after the first run so an incremental run lists exactly those."""
    out = []
    for i in range(n):
        changed = i < edited + deleted
        stamp = (
            "2099-01-01T00:00:00Z" if changed else f"2024-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z"
        )
        item = dc_item(
            i,
            stamp,
            title=f"修订的数据集 {i}" if i < edited else None,
            deleted=edited <= i < edited + deleted,
        )
        if not item["deleted"]:
            item["metadata"]["oai_datacite"] = OAI_DATACITE.format(n=i)
        out.append(item)
    return out


def test_generated_catalogue_digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 items in oai_dc and oai_datacite (20,000 records), then edits and deletions."""
    items = tmp_path / "items.jsonl"
    write_items(items, _items(10_000))
    settings = Settings(data_dir=tmp_path / "data")
    with frozen_day(monkeypatch), OaiServerProcess(items, batch_size=500) as server:
        with Database(settings.store_url) as db, db.session() as session:
            upsert_platforms(session, [{"id": "ncdc", "agency_codes": ["11738"]}])
            for prefix in ("oai_dc", "oai_datacite"):
                add_source(
                    session,
                    prefix,
                    platform="ncdc",
                    protocol="oai-pmh",
                    url=server.url,
                    config={"metadata_prefix": prefix},
                )
        for prefix in ("oai_dc", "oai_datacite"):
            assert run_harvest(settings, prefix).ok
        write_items(items, _items(10_000, edited=300, deleted=200))
        for prefix in ("oai_dc", "oai_datacite"):
            assert run_harvest(settings, prefix).ok
    with Database(settings.store_url) as db:
        found = digest(db, settings.index_dir)
    assert found == GENERATED
