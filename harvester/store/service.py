"""Service records: what the portal did for each platform's records, as daily counts.

The regulation judges platforms by their service results (art. 27): how often
their records are found, viewed, resolved by CSTR and followed to the source.
The portal counts those events per record and day and keeps nothing about who
caused them. Query terms are the one exception, and a guarded one: to count
*distinct* clients of a term the API notes a keyed hash per client, term and
day (:class:`ServiceTermClientRow`); once the day is over those rows are
rolled up into counts — only for terms searched by at least
:data:`MIN_TERM_CLIENTS` clients, so a rare, personal search is never kept —
and deleted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from harvester.store.models import RecordRow
from harvester.store.service_models import ServiceCountRow, ServiceTermClientRow, ServiceTermRow
from harvester.store.upsert import upsert

MIN_TERM_CLIENTS = 5
"""A query term is kept (and shown) only if this many distinct clients searched it on a day."""
MAX_TERM_LENGTH = 100
TOP = 10


class EventKind(StrEnum):
    IMPRESSION = "impression"
    """The record was on a page of search results."""
    VIEW = "view"
    RESOLUTION = "resolution"
    """Its CSTR was resolved through the portal."""
    LANDING = "landing"
    """A user followed the link to the platform's landing page."""
    DOWNLOAD = "download"


KINDS = tuple(k.value for k in EventKind)


_SPACE = re.compile(r"\s+")


def normalise_term(text: str) -> str:
    """Case and spacing do not make another term; very long queries are cut."""
    return _SPACE.sub(" ", text).strip().casefold()[:MAX_TERM_LENGTH]


CountKey = tuple[date, str, str, EventKind]
"""``(day, platform, record id, kind)`` of a daily counter."""
TermKey = tuple[date, str, str, str]
"""``(day, platform, normalised term, client key)`` of a noted search."""


def count_events(session: Session, counts: Mapping[CountKey, int]) -> None:
    """Add each count to its daily counter, all in one statement (in key order)."""
    upsert(
        session,
        ServiceCountRow,
        [
            {"platform": platform, "record_id": record, "day": day, "kind": kind.value, "count": n}
            for (day, platform, record, kind), n in sorted(counts.items())
        ],
        ("platform", "record_id", "day", "kind"),
        add=("count",),
    )


def note_terms(session: Session, searches: Mapping[TermKey, int]) -> None:
    """Note that a client (a keyed hash valid for its day only) searched a term that many
    times that day and saw records of the platform; terms come normalised
    (:func:`normalise_term`), empty ones are not noted."""
    upsert(
        session,
        ServiceTermClientRow,
        [
            {"day": day, "platform": platform, "term": term, "client": client, "searches": n}
            for (day, platform, term, client), n in sorted(searches.items())
            if term
        ],
        ("day", "platform", "term", "client"),
        add=("searches",),
    )


def roll_up_terms(session: Session, today: date) -> int:
    """Turn the client hashes of days before ``today`` into counts and delete them.

    Returns the number of (platform, day, term) counts kept. Idempotent; run by
    the API on the first event of a new day, and safe to run from a job.
    """
    old = ServiceTermClientRow.day < today
    rows = session.execute(
        select(
            ServiceTermClientRow.platform,
            ServiceTermClientRow.day,
            ServiceTermClientRow.term,
            func.count(),
            func.sum(ServiceTermClientRow.searches),
        )
        .where(old)
        .group_by(
            ServiceTermClientRow.platform, ServiceTermClientRow.day, ServiceTermClientRow.term
        )
        .having(func.count() >= MIN_TERM_CLIENTS)
    ).all()
    upsert(
        session,
        ServiceTermRow,
        [
            {"platform": p, "day": d, "term": t, "clients": clients, "searches": searches}
            for p, d, t, clients, searches in sorted(rows)
        ],
        ("platform", "day", "term"),
        add=("clients", "searches"),
    )
    session.execute(delete(ServiceTermClientRow).where(old))
    return len(rows)


@dataclass(slots=True)
class ServiceFigures:
    """A platform's service records over ``[start, end]`` (both days included)."""

    platform: str
    start: date
    end: date
    totals: dict[str, int] = field(default_factory=dict)
    days: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    top_records: list[dict[str, Any]] = field(default_factory=list)
    top_terms: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "totals": self.totals,
            "days": self.days,
            "months": self.months,
            "top_records": self.top_records,
            "top_terms": self.top_terms,
            "min_term_clients": MIN_TERM_CLIENTS,
        }


def _zero() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


def _series(by_key: Mapping[str, Counter[str]]) -> list[dict[str, Any]]:
    return [
        {"period": key, "counts": _zero() | dict(counts), "total": sum(counts.values())}
        for key, counts in sorted(by_key.items())
    ]


def service_figures(
    session: Session, platform: str, start: date, end: date, *, top: int = TOP
) -> ServiceFigures:
    """Counts by day and month, the most used records and the most searched terms.

    Terms count *client-days*: the distinct clients of each day where the term
    reached :data:`MIN_TERM_CLIENTS`, summed (a client is not recognisable from
    one day to the next, by design). Today's terms are read from the not yet
    rolled-up client hashes, under the same threshold.
    """
    out = ServiceFigures(platform=platform, start=start, end=end, totals=_zero())
    in_range = (
        ServiceCountRow.platform == platform,
        ServiceCountRow.day >= start,
        ServiceCountRow.day <= end,
    )
    by_day: dict[str, Counter[str]] = {}
    by_month: dict[str, Counter[str]] = {}
    for day, kind, n in session.execute(
        select(ServiceCountRow.day, ServiceCountRow.kind, func.sum(ServiceCountRow.count))
        .where(*in_range)
        .group_by(ServiceCountRow.day, ServiceCountRow.kind)
    ):
        by_day.setdefault(day.isoformat(), Counter())[kind] += int(n)
        by_month.setdefault(day.strftime("%Y-%m"), Counter())[kind] += int(n)
        out.totals[kind] = out.totals.get(kind, 0) + int(n)
    out.days = _series(by_day)
    out.months = _series(by_month)
    out.top_records = _top_records(session, in_range, top)
    out.top_terms = _top_terms(session, platform, start, end, top)
    return out


def _top_records(session: Session, in_range: tuple[Any, ...], top: int) -> list[dict[str, Any]]:
    """Ranked by uses (views, resolutions, follow-throughs), then by impressions."""
    used = func.sum(ServiceCountRow.count).filter(ServiceCountRow.kind != EventKind.IMPRESSION)
    ranked = session.execute(
        select(ServiceCountRow.record_id, func.coalesce(used, 0), func.sum(ServiceCountRow.count))
        .where(*in_range)
        .group_by(ServiceCountRow.record_id)
        .order_by(func.coalesce(used, 0).desc(), func.sum(ServiceCountRow.count).desc())
        .order_by(ServiceCountRow.record_id)
        .limit(top)
    ).all()
    ids = [record_id for record_id, _, _ in ranked]
    counts: dict[str, dict[str, int]] = {i: _zero() for i in ids}
    for record_id, kind, n in session.execute(
        select(ServiceCountRow.record_id, ServiceCountRow.kind, func.sum(ServiceCountRow.count))
        .where(*in_range, ServiceCountRow.record_id.in_(ids))
        .group_by(ServiceCountRow.record_id, ServiceCountRow.kind)
    ):
        counts[record_id][kind] = int(n)
    titles: dict[str, dict[str, Any]] = dict(
        session.execute(select(RecordRow.id, RecordRow.data).where(RecordRow.id.in_(ids))).all()
    )
    return [
        {"id": i, "title": (titles.get(i) or {}).get("title", {}), "counts": counts[i]} for i in ids
    ]


def _top_terms(
    session: Session, platform: str, start: date, end: date, top: int
) -> list[dict[str, Any]]:
    totals: dict[str, list[int]] = {}
    kept = session.execute(
        select(ServiceTermRow.term, ServiceTermRow.clients, ServiceTermRow.searches).where(
            ServiceTermRow.platform == platform,
            ServiceTermRow.day >= start,
            ServiceTermRow.day <= end,
        )
    ).all()
    pending = session.execute(
        select(
            ServiceTermClientRow.term,
            func.count(),
            func.sum(ServiceTermClientRow.searches),
        )
        .where(
            ServiceTermClientRow.platform == platform,
            ServiceTermClientRow.day >= start,
            ServiceTermClientRow.day <= end,
        )
        .group_by(ServiceTermClientRow.day, ServiceTermClientRow.term)
        .having(func.count() >= MIN_TERM_CLIENTS)
    ).all()
    for term, clients, searches in [*kept, *pending]:
        entry = totals.setdefault(term, [0, 0])
        entry[0] += int(clients)
        entry[1] += int(searches)
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [{"term": t, "clients": c, "searches": s} for t, (c, s) in ranked[:top]]
