"""Value transforms of the declarative JSON mappings, named in platform configurations.

JSON platforms write dates as ``2023-05-01 10:00:00`` in their local time, as
``2023-05-01``, as ISO 8601 or as epoch milliseconds, and name code-list values
in free text (``公开``, ``170-地球科学``). Each transform turns one such value
into what the unified record holds, or ``None`` when the value says nothing:
an unreadable value is a missing field (a rule finding), never a failed record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from mappings.dates import parse_date, parse_datetime
from mappings.vocabularies import access_from_text, kind_from_text, subject_code

Transform = Literal["date", "datetime", "access", "kind", "discipline", "string"]

_EPOCH = re.compile(r"^\s*-?\d{10,13}(?:\.\d+)?\s*$")

EPOCH_FORMATS = {"epoch": 1, "epoch_ms": 1000}
"""Date formats that are numbers: seconds or milliseconds since 1970 UTC, by units per second.

Unlike strftime's ``%s`` they mean the same moment whatever the process's time zone."""


def format_moment(moment: datetime, fmt: str, zone: tzinfo) -> str:
    """A moment as an API wants it in a request: ``strftime`` in ``zone``, or an epoch number."""
    if fmt in EPOCH_FORMATS:
        return str(int(moment.timestamp() * EPOCH_FORMATS[fmt]))
    return moment.astimezone(zone).strftime(fmt)


def _from_epoch(value: Any, fmt: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value) / EPOCH_FORMATS[fmt], UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None  # not a number, or one no calendar holds


def to_datetime(value: Any, fmt: str | None = None, zone: tzinfo = UTC) -> datetime | None:
    """A moment from epoch seconds or milliseconds, a ``strptime`` format, or ISO-like text.

    Without a format, a number is read as milliseconds when it is too large for
    seconds; ``epoch`` and ``epoch_ms`` say which it is.

    Naive text is read in ``zone``, the platform's clock (Chinese platforms
    write Beijing time without saying so); the result is always aware.
    """
    if value is None or isinstance(value, bool) or value == "":
        return None
    if fmt in EPOCH_FORMATS:
        return _from_epoch(value, fmt)
    if isinstance(value, int | float) or (isinstance(value, str) and _EPOCH.match(value)):
        number = float(value)
        seconds = number / 1000 if abs(number) >= 1e11 else number
        return datetime.fromtimestamp(seconds, UTC)
    text = str(value).strip()
    if fmt:
        try:
            moment = datetime.strptime(text, fmt)
        except ValueError:
            return None
    else:
        parsed = _iso(text)
        if parsed is None:
            return None
        moment = parsed
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        whole = parse_datetime(text)
        return whole.replace(tzinfo=None) if whole else None


def to_date(value: Any, fmt: str | None = None, zone: tzinfo = UTC) -> date | None:
    """The calendar date of a value in the platform's clock; partial dates give their first day.

    A timestamp (with a time of day) is moved to the platform's clock first, so
    ``2023-05-01T23:30:00Z`` is 2 May on a platform in Beijing.
    """
    if isinstance(value, str) and not fmt and not _EPOCH.match(value) and ":" not in value:
        return parse_date(value)
    moment = to_datetime(value, fmt, zone)
    return moment.astimezone(zone).date() if moment else None


def discipline(value: Any) -> str | None:
    """``170-地球科学`` or ``170 Earth science`` -> ``170``; a bare label stays a label."""
    return subject_code(str(value)) or None


def zone_named(name: str) -> tzinfo:
    """The platform's clock by IANA name; ``UTC`` needs no tz database."""
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def apply(
    transform: Transform, value: Any, fmt: str | None = None, zone: tzinfo = UTC
) -> object | None:
    """One transform of one value."""
    handlers: dict[str, Callable[[Any], object | None]] = {
        "date": lambda v: to_date(v, fmt, zone),
        "datetime": lambda v: to_datetime(v, fmt, zone),
        "access": lambda v: access_from_text(str(v)),
        "kind": lambda v: kind_from_text(str(v)),
        "discipline": discipline,
        "string": lambda v: str(v).strip() or None,
    }
    return handlers[transform](value)
