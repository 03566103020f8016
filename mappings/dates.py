"""Dates as sources write them: ``2023``, ``2023-12``, ``2023-12-11``, datetimes,
``2023/12/11``, ``2023年12月11日``, and ranges ``2010/2020`` or ``a--b``.

The record holds dates (not datetimes) for ``issued`` and ``modified``; a
partial date is filed under its first day so that year facets and sorting work.
Unparseable text gives ``None``: a missing date is a rule finding, never a crash.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime

from mappings.record import Temporal

_ISO = re.compile(
    r"^\s*(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})(?:[-/.月](?P<d>\d{1,2})日?)?月?)?年?"
    r"(?:[T\s].*)?$"
)
_RANGE_SEPARATORS = ("--", "/", " - ", " to ", "~", "至", "—")


def parse_date(text: str | None, *, end: bool = False) -> date | None:
    """The date ``text`` names, or ``None``; a partial date gives its first day
    (its last day with ``end=True``, for the end of a period)."""
    if not text:
        return None
    match = _ISO.match(text.strip())
    if not match:
        return None
    year = int(match["y"])
    month = int(match["m"] or (12 if end else 1))
    day = int(match["d"] or 1)
    if end and not match["d"]:
        day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_period(text: str | None) -> Temporal | None:
    """A period ``start/end`` (either side may be open), or a single date as both ends."""
    if not text or not text.strip():
        return None
    clean = text.strip()
    for sep in _RANGE_SEPARATORS:
        if sep in clean and not (sep == "/" and _ISO.match(clean) and clean.count("/") == 2):
            left, _, right = clean.partition(sep)
            start, stop = parse_date(left), parse_date(right, end=True)
            if start or stop:
                return Temporal(start=start, end=stop)
    first = parse_date(clean)
    return Temporal(start=first, end=parse_date(clean, end=True)) if first else None


def parse_datetime(text: str | None) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` allowed) as an aware datetime; naive ones are UTC."""
    if not text or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        day = parse_date(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
