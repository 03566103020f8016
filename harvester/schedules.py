"""Harvest schedules as operators write them: ``every 6h`` or a five-field cron expression.

Parsed here, apart from the scheduler, because a schedule is checked whenever a
source is added or edited (CLI, API, registry), long before any scheduler runs.
"""

from __future__ import annotations

import re
from datetime import UTC

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from harvester.errors import ConfigError

_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_schedule(text: str, *, jitter: int | None = None) -> BaseTrigger:
    """A trigger from ``every <n><s|m|h|d>`` or a five-field cron expression."""
    value = text.strip()
    match = _EVERY.match(value)
    if match:
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
        if seconds <= 0:
            raise ConfigError(f"schedule {text!r}: the interval must be positive")
        spread = jitter if jitter is not None else min(seconds // 10, 300)
        return IntervalTrigger(seconds=seconds, jitter=spread or None, timezone=UTC)
    try:
        return CronTrigger.from_crontab(value, timezone=UTC)
    except ValueError as exc:
        raise ConfigError(
            f"schedule {text!r} is neither 'every <n><s|m|h|d>' nor a cron expression: {exc}"
        ) from exc
