"""The shared HTTP client: Retry-After, backoff, the size cap, clear failures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harvester.errors import SourceUnavailable
from harvester.http import HttpOptions, make_client, parse_retry_after
from tests.harvester.oai_support import ReplayServer, Reply


def test_retry_after_in_seconds_and_as_a_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_doubles_without_retry_after() -> None:
    with ReplayServer(lambda a: Reply(status=502)) as server:
        slept: list[float] = []
        options = HttpOptions(retries=3, backoff=0.5)
        with (
            make_client(options, sleep=slept.append) as client,
            pytest.raises(SourceUnavailable, match="HTTP 502 after 3 retries"),
        ):
            client.get(server.url)
    assert slept == [0.5, 1.0, 2.0] and len(server.requests) == 4


def test_a_retry_after_beyond_the_limit_fails_at_once() -> None:
    with (
        ReplayServer(lambda a: Reply(status=429, headers={"Retry-After": "86400"})) as server,
        make_client(HttpOptions(retries=3), sleep=lambda s: None) as client,
        pytest.raises(SourceUnavailable, match="retry after 86400s"),
    ):
        client.get(server.url)
    assert len(server.requests) == 1


def test_client_errors_are_handed_back_for_the_protocol_to_read() -> None:
    with (
        ReplayServer(lambda a: Reply(status=422, body=b"<x/>")) as server,
        make_client(HttpOptions(retries=3)) as client,
    ):
        response = client.get(server.url)
    assert response.status_code == 422 and response.content == b"<x/>"
    assert "ShareNet" in response.request.headers["User-Agent"]


@pytest.mark.parametrize("announce", [True, False])
def test_replies_past_the_size_cap_are_refused(announce: bool) -> None:
    body = b"x" * 50_000
    with ReplayServer(lambda a: Reply(body=body, announce_length=announce)) as server:
        with (
            make_client(HttpOptions(max_response_bytes=10_000)) as client,
            pytest.raises(SourceUnavailable, match="10000 byte limit"),
        ):
            client.get(server.url)
        with make_client(HttpOptions(max_response_bytes=60_000)) as client:
            assert client.get(server.url).content == body
