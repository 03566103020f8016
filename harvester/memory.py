"""Giving memory a long harvest has freed back to the system, page by page.

A harvest parses pages on a fetch thread and frees them on the main one, and
the index writer has threads of its own; glibc gives each such thread its own
malloc arena and keeps what is freed in them for reuse rather than returning
it. Over a 100,000-record harvest that grew RSS 228 → 335 MB though the
live data stays one page. Trimming the arenas after every page keeps it at
145–160 MB from 10k to 100k records, for well under a millisecond a page
(capping the arenas at two kept it flat too, but cost 11% more CPU in lock
contention).
"""

from __future__ import annotations

from harvester.libc import libc


def trim_heap() -> None:
    """Return freed heap pages of every arena to the system (glibc); elsewhere nothing."""
    trim = getattr(libc(), "malloc_trim", None)  # not in musl or macOS
    if trim is not None:
        trim(0)
