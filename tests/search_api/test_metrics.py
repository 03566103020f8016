"""``/metrics``: request and search series from the app, harvest series from the store."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from search_api.logging_ import JsonFormatter
from tests.search_api.conftest import Api


def _samples(api: Api) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    reply = api.client.get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(reply.text)
        for s in family.samples
    }


def _get(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples[(name, frozenset(labels.items()))]


def test_requests_and_search_latency_are_counted(api: Api) -> None:
    for q in ("土壤", "soil", "glacier"):
        assert api.client.get("/api/search", params={"q": q}).status_code == 200
    api.client.get("/api/suggest", params={"q": "gla"})
    api.client.get("/api/search", params={"size": 0})
    api.client.get(f"/api/records/{'missing'}")
    samples = _samples(api)
    requests = "sharenet_http_requests_total"
    assert _get(samples, requests, method="GET", route="/api/search", status="200") == 3
    assert _get(samples, requests, method="GET", route="/api/search", status="422") == 1
    assert (
        _get(samples, requests, method="GET", route="/api/records/{record_id}", status="404") == 1
    )
    assert _get(samples, "sharenet_search_duration_seconds_count", operation="search") == 3
    assert _get(samples, "sharenet_search_duration_seconds_count", operation="suggest") == 1
    assert _get(samples, "sharenet_http_request_duration_seconds_count", route="/api/search") == 4


def test_harvest_runs_come_from_the_store(api: Api) -> None:
    samples = _samples(api)
    assert _get(samples, "sharenet_harvest_runs_total", source="ncdc-oai", status="failed") == 1
    assert _get(samples, "sharenet_harvest_runs_total", source="ncdc-oai", status="succeeded") == 1
    assert _get(samples, "sharenet_harvest_records_total", source="ncdc-oai", outcome="added") == 5
    assert _get(samples, "sharenet_harvest_records_total", source="ncdc-oai", outcome="failed") == 2
    last = _get(
        samples, "sharenet_harvest_last_run_duration_seconds", source="ncdc-oai", status="failed"
    )
    assert last >= 0
    assert (
        _get(samples, "sharenet_harvest_last_run_records", source="cgris-api", outcome="added") == 3
    )
    assert _get(samples, "sharenet_catalogue_records", platform="ncdc") == 4
    assert _get(samples, "sharenet_catalogue_records", platform="cgris") == 3


def test_request_logs_are_structured(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="search_api.requests")
    api.client.get("/api/search", params={"q": "soil"})
    record = next(r for r in caplog.records if r.name == "search_api.requests")
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "info"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/api/search", 200)
    assert line["duration_ms"] >= 0 and line["token_id"] is None
