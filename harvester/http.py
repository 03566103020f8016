"""The one HTTP client every protocol adapter shares: polite, bounded, and loud when it fails.

Politeness and safety live in a transport so every adapter gets them without
thinking: timeouts, bounded retries with exponential backoff on network errors,
429 and 5xx (honouring ``Retry-After``), and a cap on the size of a reply that
is enforced while the body streams in, so a runaway reply never fills memory.

Whatever goes wrong on the wire surfaces as :class:`SourceUnavailable` with a
message naming the URL and the reason; 4xx replies other than 429 are handed
back untouched because some protocols (OAI-PMH at Zenodo) put their error
documents in them.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from harvester.errors import SourceUnavailable

log = logging.getLogger(__name__)

USER_AGENT = "ShareNet-harvester/0.1 (national S&T resource portal; OAI-PMH, JSON, DCAT)"

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """How patient and how trusting the harvester is with a platform."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    """First retry waits this long; each further one twice as long."""
    max_backoff: float = 120.0
    """The longest wait the harvester accepts, from backoff or ``Retry-After``."""
    max_response_bytes: int = 64 * 1024 * 1024
    user_agent: str = USER_AGENT


def make_client(
    options: HttpOptions | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Client:
    """The shared client; ``transport`` replaces the network (tests of things that cannot exist)."""
    options = options or HttpOptions()
    inner = transport or httpx.HTTPTransport()
    return httpx.Client(
        transport=PoliteTransport(inner, options, sleep=sleep),
        timeout=httpx.Timeout(options.timeout),
        headers={"User-Agent": options.user_agent},
        follow_redirects=True,
    )


class PoliteTransport(httpx.BaseTransport):
    """Retries, backoff, ``Retry-After`` and the size cap around any transport."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        options: HttpOptions,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner = inner
        self.options = options
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.inner.handle_request(request)
            except httpx.TimeoutException as exc:
                reason = f"timed out after {self.options.timeout:g}s ({type(exc).__name__})"
                self._wait_or_fail(request, attempt, reason, None)
            except httpx.TransportError as exc:
                reason = f"cannot connect: {exc or type(exc).__name__}"
                self._wait_or_fail(request, attempt, reason, None)
            else:
                if response.status_code not in _RETRY_STATUS:
                    return self._limited(request, response)
                response.close()
                reason = f"HTTP {response.status_code}"
                self._wait_or_fail(request, attempt, reason, response.headers.get("Retry-After"))
            attempt += 1

    def _wait_or_fail(
        self, request: httpx.Request, attempt: int, reason: str, retry_after: str | None
    ) -> None:
        url = _short(request.url)
        if attempt >= self.options.retries:
            tries = f" after {attempt} retries" if attempt else ""
            raise SourceUnavailable(f"{url}: {reason}{tries}")
        asked = parse_retry_after(retry_after)
        delay = asked if asked is not None else self.options.backoff * 2**attempt
        if delay > self.options.max_backoff:
            raise SourceUnavailable(
                f"{url}: {reason}; the server asks to retry after {delay:.0f}s, longer than "
                f"the {self.options.max_backoff:.0f}s the harvester waits"
            )
        log.info("%s: %s; retry %d in %.1fs", url, reason, attempt + 1, delay)
        self.sleep(delay)

    def _limited(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        limit = self.options.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise SourceUnavailable(_too_big(request, limit, f"announces {declared} bytes"))
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CappedStream(response.stream, limit, request),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


class _CappedStream(httpx.SyncByteStream):
    """Counts bytes as they arrive and stops the download at the cap."""

    def __init__(self, inner: httpx.SyncByteStream, limit: int, request: httpx.Request) -> None:
        self.inner = inner
        self.limit = limit
        self.request = request

    def __iter__(self) -> Iterator[bytes]:
        seen = 0
        try:
            for chunk in self.inner:
                seen += len(chunk)
                if seen > self.limit:
                    self.inner.close()
                    raise SourceUnavailable(_too_big(self.request, self.limit, "kept sending"))
                yield chunk
        except httpx.TransportError as exc:
            raise SourceUnavailable(
                f"{_short(self.request.url)}: reply broke off after {seen} bytes: "
                f"{exc or type(exc).__name__}"
            ) from exc

    def close(self) -> None:
        self.inner.close()


def _too_big(request: httpx.Request, limit: int, how: str) -> str:
    return (
        f"{_short(request.url)}: reply {how} past the {limit} byte limit "
        "(max_response_bytes); refused"
    )


def _short(url: httpx.URL) -> str:
    """The URL without a query longer than a line, for messages."""
    text = str(url)
    return text if len(text) <= 200 else text[:197] + "..."


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
