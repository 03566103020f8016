"""A dry run of a source: its first page fetched, mapped and judged, and nothing stored.

What an operator runs before enabling a source (``sharenet sources check``):
does the endpoint answer, does the configuration fit the replies, what do the
records look like, and which rules do they break. It reads the store only for
the source's settings and its platform's agency codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from harvester.http import make_client
from harvester.protocols import load_adapter
from harvester.protocols.base import SourceSpec, Window
from harvester.store import Database
from harvester.store.sources import agency_codes, get_source, source_spec
from mappings.errors import ShareNetError
from mappings.findings import Finding
from mappings.formats import MappingContext, map_payload
from mappings.record import Record, SourcePayload
from mappings.rules import RuleContext, evaluate


@dataclass(slots=True)
class CheckedItem:
    payload: SourcePayload
    record: Record | None = None
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None
    error: str | None = None
    """Why the payload could not be mapped, when it could not."""


@dataclass(slots=True)
class CheckReport:
    source: str
    items: list[CheckedItem] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    """Items the adapter could not even split out of the page."""
    total: int | None = None
    more: bool = False
    """Whether the source has pages after the first."""


def check_source(
    db: Database,
    source_id: str,
    *,
    client: httpx.Client | None = None,
    freshness_days: int = 365,
    config_dirs: Sequence[Path] = (),
) -> CheckReport:
    """Fetch and map the first page of a full listing; a source that cannot be read raises."""
    with db.session() as session:
        spec = source_spec(get_source(session, source_id), config_dirs)
        codes = agency_codes(session, spec.platform)
    return check_spec(spec, codes, client=client, freshness_days=freshness_days)


def check_spec(
    spec: SourceSpec,
    codes: tuple[str, ...] = (),
    *,
    client: httpx.Client | None = None,
    freshness_days: int = 365,
) -> CheckReport:
    """:func:`check_source` for a source that need not be in any store (``adapters check``)."""
    http = client or make_client()
    try:
        pages = load_adapter(spec, http).pages(Window(), None)
        page = next(iter(pages), None)
    finally:
        if client is None:
            http.close()
    report = CheckReport(source=spec.id)
    if page is None:
        return report
    report.errors, report.total = list(page.errors), page.total
    report.more = page.checkpoint is not None
    mapping = MappingContext(source=spec.id, platform=spec.platform)
    rules = RuleContext(agency_codes=codes, freshness_days=freshness_days)
    for payload in page.items:
        item = CheckedItem(payload)
        if not payload.deleted:
            try:
                item.record = map_payload(payload, mapping)
            except ShareNetError as exc:
                item.error = exc.message
            else:
                evaluation = evaluate(item.record, rules)
                item.findings, item.score = evaluation.findings, evaluation.score
        report.items.append(item)
    return report
