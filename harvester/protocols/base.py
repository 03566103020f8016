"""What a protocol adapter is: a resumable generator of pages of source payloads.

The run (``harvester.runs``) owns everything else: windows, storing, reports. An
adapter only knows its protocol, so adding a protocol is one module here and one
line in :data:`harvester.protocols.ADAPTERS`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from mappings.record import SourcePayload


@dataclass(frozen=True, slots=True)
class Window:
    """What to ask the source for.

    ``since`` is ``None`` for a full pass; otherwise the last successful run's
    start in the source's clock, already moved back by the overlap.
    """

    since: datetime | None = None
    until: datetime | None = None

    @property
    def full(self) -> bool:
        return self.since is None


@dataclass(slots=True)
class FetchedPage:
    """One reply's worth of items and the checkpoint to resume *after* it.

    ``checkpoint`` is ``None`` on the last page. It is JSON-serialisable and
    opaque to the run: a resumption token, a page number, a cursor or a URL.
    """

    items: list[SourcePayload]
    checkpoint: dict[str, Any] | None
    total: int | None = None
    """How many items the whole listing holds, when the source says (for progress)."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """``(source identifier, reason)`` of items the adapter could not even split out."""


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as adapters see it: its id, endpoint and protocol options."""

    id: str
    platform: str
    protocol: str
    url: str
    config: dict[str, Any] = field(default_factory=dict)
    config_dirs: tuple[Path, ...] = ()
    """The deployment's folders where a configuration the source names is looked up,
    before the shipped ones (the ``adapters_dir`` setting)."""


@dataclass(frozen=True, slots=True)
class MappingConfig:
    """A configuration that the mapping of a payload format reads, kept by the store.

    Items carry ``format``; with ``content`` kept beside them, they can be mapped
    again after the file they were harvested with changed or went away.
    """

    format: str
    content: str
    origin: str
    """Where the content was read from (a file path), for operators."""


class Adapter(ABC):
    """A protocol client for one source, sharing the harvester's HTTP client."""

    def __init__(self, source: SourceSpec, client: httpx.Client) -> None:
        self.source = source
        self.client = client

    @abstractmethod
    def pages(self, window: Window, checkpoint: dict[str, Any] | None) -> Iterator[FetchedPage]:
        """Yield pages from ``checkpoint`` (or the start of ``window``) to the end.

        Raises a :class:`harvester.errors.HarvestError` when the source cannot be
        read; an empty listing is zero pages, never an error.
        """

    def mapping_configs(self) -> list[MappingConfig]:
        """Configurations the mapping of this adapter's payloads needs; the run stores them."""
        return []

    def source_now(self) -> datetime | None:
        """The source's current time, when the protocol tells it (OAI ``responseDate``)."""
        return None
