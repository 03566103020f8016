"""Structured logs: one JSON object per line, and no secret ever written.

Request lines carry method, route, status, duration and the *public id* of the
token used; headers are never logged. As a second line of defence a filter
scrubs anything shaped like a ShareNet token or a ``Bearer`` credential from
every record before it is formatted, whatever logger it came from.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

from search_api.auth import TOKEN_PATTERN

REDACTED = "[redacted]"
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+")
_STANDARD_ATTRS = frozenset(logging.LogRecord("x", 0, "x", 0, "x", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def redact(text: str) -> str:
    return _BEARER.sub(rf"\1 {REDACTED}", TOKEN_PATTERN.sub(REDACTED, text))


class RedactSecrets(logging.Filter):
    """Rewrites the record's message in place so no handler can see a token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...extra fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    """Root logging for a server process: JSON to stderr, secrets scrubbed."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactSecrets())
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
