"""Compliance endpoints: summary, findings (JSON and CSV), failing records, access control.

The app here is FastAPI with only the compliance router and the API's own error
handlers and dependencies: the search backend is not used by these routes, so
none is built (``backend=None`` is the one stand-in, and these routes never touch it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from harvester.compliance import refresh_platform
from harvester.store import Database
from search_api.auth import create_token
from search_api.config import ApiConfig
from search_api.errors import install_error_handlers
from search_api.routes.compliance import router
from tests.harvester.compliance_support import add_platform, make_record, store


@pytest.fixture
def client(db: Database) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with db.session() as s:
        add_platform(s, "p1")
        add_platform(s, "p2")
        store(s, make_record("p1", "good"))
        store(s, make_record("p1", "a", license=None, doi="10.1/x"))
        store(s, make_record("p1", "b", license=None, doi="10.1/x", title={"en": "=HYPERLINK()"}))
        store(s, make_record("p2", "other", license=None))
        refresh_platform(s, "p1")
        tokens = {
            "admin": create_token(s, role="admin")[1],
            "p1": create_token(s, role="operator", platform="p1")[1],
            "p2": create_token(s, role="operator", platform="p2")[1],
        }
    app = FastAPI()
    app.state.config = ApiConfig(db=db, backend=None)  # type: ignore[arg-type]
    install_error_handlers(app)
    app.include_router(router)
    with TestClient(app) as test_client:
        yield test_client, {k: f"Bearer {v}" for k, v in tokens.items()}


def test_access_only_for_the_platform_operator_or_admin(
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, tokens = client
    for path in ("compliance", "findings", "records"):
        url = f"/api/platforms/p1/{path}"
        assert http.get(url).status_code == 401
        assert http.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
        assert http.get(url, headers={"Authorization": tokens["p2"]}).status_code == 403
        assert http.get(url, headers={"Authorization": tokens["p1"]}).status_code == 200
        assert http.get(url, headers={"Authorization": tokens["admin"]}).status_code == 200
    missing = http.get("/api/platforms/nope/compliance", headers={"Authorization": tokens["admin"]})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_summary(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    body = http.get("/api/platforms/p1/compliance", headers={"Authorization": tokens["p1"]}).json()
    rules = {r["rule"]: r for r in body["rules"]}
    assert body["records"] == 3
    assert rules["license-stated"]["failing"] == 2
    assert rules["license-stated"]["pass_rate"] == round(1 / 3, 4)
    assert rules["duplicate-record"]["failing"] == 2
    assert rules["cstr-missing"]["failing"] == 0 and rules["cstr-missing"]["pass_rate"] == 1
    assert sum(body["score"]["buckets"].values()) == 3


def test_findings_json_csv_and_filters(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    auth = {"Authorization": tokens["p1"]}
    page = http.get("/api/platforms/p1/findings?rule=license-stated&size=1", headers=auth).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    errors = http.get("/api/platforms/p1/findings?level=error", headers=auth).json()
    assert {i["rule"] for i in errors["items"]} == {"title-zh"}

    as_csv = http.get("/api/platforms/p1/findings?format=csv", headers=auth)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == int(as_csv.headers["x-total-count"]) == 5
    # A harvested title that looks like a formula is neutralised.
    assert {r["title"] for r in rows if r["rule"] == "title-zh"} == {"'=HYPERLINK()"}
    by_accept = http.get("/api/platforms/p1/findings", headers={**auth, "Accept": "text/csv"})
    assert by_accept.text == as_csv.text

    for bad in ("rule=nope", "level=fatal", "size=0", "page=0", "format=xml"):
        reply = http.get(f"/api/platforms/p1/findings?{bad}", headers=auth)
        assert reply.status_code == 422, bad
        assert reply.json()["error"]["code"] == "invalid_parameter"


def test_records_failing_a_rule(client: tuple[TestClient, dict[str, str]]) -> None:
    http, tokens = client
    auth = {"Authorization": tokens["admin"]}
    body = http.get("/api/platforms/p1/records?failing=duplicate-record", headers=auth).json()
    assert body["total"] == 2
    assert {i["source_identifier"] for i in body["items"]} == {"a", "b"}
    assert all("duplicate-record" in i["failing_rules"] for i in body["items"])
    assert http.get("/api/platforms/p1/records", headers=auth).json()["total"] == 3
    assert http.get("/api/platforms/p1/records?failing=x", headers=auth).status_code == 422
