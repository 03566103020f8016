"""Hostile and malformed requests: a 4xx with a message naming the parameter, or a safe
result — never a 500, never a hang — and always the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from harvester.store import Database
from indexer.base import Page, Query, SearchBackend, Suggestion
from search_api.app import create_app
from search_api.config import ApiConfig
from tests.search_api.conftest import Api

TEN_KB = "土壤 soil " * 1200


@pytest.fixture
def api(read_api: Api) -> Api:
    """These tests only read: one catalogue per module and store kind."""
    return read_api


def assert_error_shape(body: dict[str, Any]) -> dict[str, Any]:
    assert set(body) == {"error"}, body
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "detail"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": TEN_KB}, "q"),
        ({"page": -1}, "page"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"size": 1_000_000}, "size"),
        ({"size": 0}, "size"),
        ({"sort": "random; DROP TABLE records"}, "sort"),
        ({"year_from": 99999}, "year_from"),
        ({"year_from": 2022, "year_to": 2001}, "year_from"),
        ({"year_to": "last year"}, "year_to"),
        ({"page": 9000, "size": 100}, "page"),
        ({"platform": "x" * 5000}, "platform"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    api: Api, params: dict[str, Any], parameter: str
) -> None:
    reply = api.client.get("/api/search", params=params)
    assert reply.status_code == 422, reply.text
    error = assert_error_shape(reply.json())
    assert error["code"] == "invalid_parameter"
    assert parameter in error["message"]
    assert any(d["parameter"].startswith(parameter) for d in error["detail"])
    assert TEN_KB not in reply.text


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced quote',
        'soil"',
        "((((",
        "title:soil AND OR NOT",
        "soil~2^3 *:* [a TO z] {x} / \\ +-!",
        "-",
        "\x00\x01 土壤",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "🙂" * 100,
        "CSTR:",
        "10.",
    ],
)
def test_query_syntax_is_taken_as_text(api: Api, q: str) -> None:
    reply = api.client.get("/api/search", params={"q": q})
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert_error_shape(reply.json())
    else:
        body = reply.json()
        assert isinstance(body["total"], int)
        assert "<script>" not in str(body["hits"])


@pytest.mark.parametrize("q", ["", "x" * 101, '"', "((("])
def test_suggest_refuses_or_survives_odd_prefixes(api: Api, q: str) -> None:
    reply = api.client.get("/api/suggest", params={"q": q})
    assert reply.status_code < 500
    if reply.status_code >= 400:
        assert_error_shape(reply.json())


def test_framework_errors_take_the_same_shape(api: Api) -> None:
    missing = api.client.get("/api/nowhere")
    assert missing.status_code == 404
    assert assert_error_shape(missing.json())["code"] == "not_found"
    wrong_method = api.client.delete("/api/search")
    assert wrong_method.status_code == 405
    assert_error_shape(wrong_method.json())
    body = api.client.post("/api/sources", json={"id": "!"}, headers=api.auth("admin"))
    assert body.status_code == 422
    assert "id" in assert_error_shape(body.json())["message"]


class _BrokenBackend(SearchBackend):
    """A stand-in for an engine with a bug: the one thing a real engine cannot be made to do."""

    def index(self, records: Any) -> int:
        return 0

    def delete(self, ids: Any) -> int:
        return 0

    def search(self, query: Query) -> Page:
        raise RuntimeError("secret internals: /var/lib/index segment 0xdead")

    def suggest(self, prefix: str, size: int = 10) -> list[Suggestion]:
        raise KeyError("internal")

    def rebuild(self, records: Any) -> int:
        return 0

    def count(self) -> int:
        return 0


def test_unexpected_errors_are_500_in_the_same_shape_without_internals(db: Database) -> None:
    app = create_app(ApiConfig(db=db, backend=_BrokenBackend()))
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/api/search?q=x", "/api/suggest?q=x"):
            reply = client.get(path)
            assert reply.status_code == 500
            error = assert_error_shape(reply.json())
            assert error["code"] == "internal_error"
            assert "secret" not in reply.text and "0xdead" not in reply.text
