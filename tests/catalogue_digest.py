"""A digest of everything a harvest leaves behind: store rows, findings, scores, index documents.

The harvest's fast path (one parse per page, the index fed from the records just
mapped, bulk writes) must leave exactly what the plain path left. The digests of
:func:`digest` were taken from the release before that work (commit 47336c3) with
the same inputs and the same frozen day, so comparing them proves the results
identical, not merely plausible. Only bookkeeping that differs by nature between
two runs is left out: wall-clock timestamps and autoincrement ids. Columns added
after the digests are left out too: the judgement bookkeeping (``judged_with``,
``recheck_on``; ``tests/harvester/test_rejudging.py`` holds it to account),
``text_key``, derived from the record (the duplicate findings it feeds are in
the digest), and ``mapped_by``, the release's version
(``tests/harvester/test_unchanged_not_judged.py`` holds it to account). One
wording changed after them: a stale record's freshness detail names the window
(``over 365 days ago``) where it named the age on the judging day; it is read
back in the old wording, the age counted from the same date to :data:`FROZEN_DAY`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tantivy
from sqlalchemy import select

from harvester.store import Database
from harvester.store.models import FindingRow, RecordRow, RunRow
from indexer.tantivy_ import TantivyBackend

FROZEN_DAY = date(2026, 12, 1)
"""The day the freshness rule judges by, so a digest does not drift with the calendar."""

_CLOCKS = {"first_seen_at", "last_seen_at", "harvested_at", "changed_at"}
_STALE = re.compile(r"last modified (\d{4}-\d{2}-\d{2}), over 365 days ago")  # the default window
_ADDED_SINCE = {"judged_with", "recheck_on", "text_key", "mapped_by"}


@contextmanager
def frozen_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The rules see :data:`FROZEN_DAY` as today."""

    class _Day(date):
        @classmethod
        def today(cls) -> date:
            return FROZEN_DAY

    monkeypatch.setattr("mappings.rules.checks.date", _Day)
    yield


def _sha(value: Any) -> str:
    blob = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def store_parts(db: Database) -> dict[str, Any]:
    """Records (less clocks), findings and run counts, each in a stable order."""
    with db.session() as session:
        records = []
        for row in session.scalars(select(RecordRow).order_by(RecordRow.id)):
            values = {c.key: getattr(row, c.key) for c in RecordRow.__table__.columns}
            values = {k: v for k, v in values.items() if k not in _CLOCKS | _ADDED_SINCE}
            values["data"] = {k: v for k, v in row.data.items() if k != "harvested_at"}
            # ``json:<name>@<version>``: the configuration's version came after the digests
            values["raw_format"] = row.raw_format.split("@", 1)[0]
            records.append(values)
        findings = sorted(
            (
                f.record_id,
                f.platform,
                f.rule,
                f.level,
                f.message_zh,
                f.message_en,
                f.fields,
                _digested_detail(f.rule, f.detail),
            )
            for f in session.scalars(select(FindingRow))
        )
        runs = [
            (
                r.source,
                r.mode,
                r.status,
                r.pages,
                r.added,
                r.updated,
                r.unchanged,
                r.deleted,
                r.withdrawn,
                r.failed,
            )
            for r in session.scalars(select(RunRow).order_by(RunRow.id))
        ]
    return {"records": records, "findings": findings, "runs": runs}


def _digested_detail(rule: str, detail: str | None) -> str | None:
    """A detail in the wording the digests were taken with (see the module doc)."""
    stale = _STALE.fullmatch(detail or "") if rule == "modified-fresh" else None
    if stale is None:
        return detail
    age = (FROZEN_DAY - date.fromisoformat(stale[1])).days
    return f"last modified {stale[1]}, {age} days ago"


def index_documents(index_dir: Path) -> list[dict[str, Any]]:
    """Every stored document of the embedded index, by id."""
    backend = TantivyBackend(index_dir)
    try:
        searcher = backend._view().searcher  # the engine's own view: no query code in between
        found = searcher.search(tantivy.Query.all_query(), limit=max(searcher.num_docs, 1))
        docs = [json.loads(bytes(searcher.doc(a).get_first("doc"))) for _, a in found.hits]
    finally:
        backend.close()
    return sorted(docs, key=lambda d: d["id"])


def digest(db: Database, index_dir: Path) -> dict[str, Any]:
    parts = store_parts(db)
    docs = index_documents(index_dir)
    return {
        "records": len(parts["records"]),
        "findings": len(parts["findings"]),
        "documents": len(docs),
        "records_sha": _sha(parts["records"]),
        "findings_sha": _sha(parts["findings"]),
        "runs_sha": _sha(parts["runs"]),
        "documents_sha": _sha(docs),
    }
