"""A live progress line for long commands: on a terminal only, never in logs or CI.

``harvest``, ``index rebuild`` and ``rules reevaluate`` can run for minutes on a
large catalogue; a person at a terminal wants to see that they move and when
they will end. Redirected output (a log file, the scheduler's child process,
CI) gets nothing from here: the final summary line of each command says it all.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

INTERVAL = 0.2
"""Seconds between redraws: often enough to look live, rarely enough to cost nothing."""


class ProgressLine:
    """``label: done/total records  rate rec/s  ETA m:ss  detail``, redrawn in place."""

    def __init__(self, label: str, *, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._shown = False

    def update(self, done: int, total: int | None = None, detail: str = "") -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self._drawn < INTERVAL:
            return
        self._drawn = now
        line = self.text(done, total, detail, now - self.started)
        self.stream.write(f"\r\x1b[K{self.label}: {line}")
        self.stream.flush()
        self._shown = True

    @staticmethod
    def text(done: int, total: int | None, detail: str, elapsed: float) -> str:
        """The line's words (without the label's redraw codes)."""
        rate = done / elapsed if elapsed > 0 else 0.0
        parts = [f"{done:,}/{total:,} records" if total else f"{done:,} records"]
        parts.append(f"{rate:,.0f} rec/s")
        if total and rate > 0 and done < total:
            left = int((total - done) / rate)
            parts.append(f"ETA {left // 60}:{left % 60:02d}")
        if detail:
            parts.append(detail)
        return "  ".join(parts)

    def close(self) -> None:
        """Clear the line, so the command's summary starts on a clean one."""
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
