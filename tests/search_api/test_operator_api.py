"""Operator and centre endpoints: who may do what, and what they see.

The token matrix covers every endpoint of ``search_api.routes.sources`` (a test
fails if one is added without a row here): a missing, malformed, unknown,
tampered or revoked token is a 401, another platform's operator a 403, and the
right token a 2xx.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from search_api.app import create_app
from search_api.config import ApiConfig
from search_api.deps import require_token
from search_api.routes import sources
from tests.search_api.conftest import NEXT_RUN, Api
from tests.search_api.test_hostile_input import assert_error_shape

NEW_SOURCE = {
    "id": "cgris-oai",
    "platform": "cgris",
    "protocol": "oai-pmh",
    "url": "http://127.0.0.1:9/oai",
    "schedule": "0 3 * * *",
}

# (method, route template, concrete path, json body, who may: a platform's operator or "admin")
MATRIX: list[tuple[str, str, str, dict[str, Any] | None, str]] = [
    ("GET", "/api/sources/{source_id}", "/api/sources/ncdc-oai", None, "ncdc"),
    ("GET", "/api/sources/{source_id}/runs", "/api/sources/ncdc-oai/runs", None, "ncdc"),
    ("GET", "/api/runs/{run_id}", "/api/runs/{ncdc_ok}", None, "ncdc"),
    ("POST", "/api/sources/{source_id}/harvest", "/api/sources/ncdc-oai/harvest", None, "ncdc"),
    ("POST", "/api/sources", "/api/sources", NEW_SOURCE, "admin"),
    (
        "PATCH",
        "/api/sources/{source_id}",
        "/api/sources/ncdc-oai",
        {"schedule": "every 1h"},
        "admin",
    ),
    ("DELETE", "/api/sources/{source_id}", "/api/sources/ncdc-old", None, "admin"),
]
LISTING = ("GET", "/api/sources", "/api/sources", None, "any")
"""Open to every valid token; filtered, not refused, for operators (tested below)."""


def _call(api: Api, method: str, path: str, body: dict[str, Any] | None, auth: str | None) -> Any:
    headers = {"Authorization": auth} if auth is not None else {}
    return api.client.request(method, path.format(**api.runs), json=body, headers=headers)


def _needs_token(route: APIRoute) -> bool:
    pending = list(route.dependant.dependencies)
    while pending:
        dep = pending.pop()
        if dep.call is require_token:
            return True
        pending.extend(dep.dependencies)
    return False


def test_the_matrix_covers_every_protected_endpoint() -> None:
    protected = {
        (method, route.path)
        for route in sources.router.routes
        if isinstance(route, APIRoute) and _needs_token(route)
        for method in route.methods
    }
    assert protected == {(m, template) for m, template, *_ in [*MATRIX, LISTING]}


@pytest.mark.parametrize(
    ("method", "path", "body", "owner"), [(m, *rest) for m, _, *rest in [*MATRIX, LISTING]]
)
def test_refused_without_a_valid_token(
    read_api: Api, method: str, path: str, body: dict[str, Any] | None, owner: str
) -> None:
    unknown = "Bearer snt_abcdefgh_" + "A" * 43
    tampered = read_api.tokens["ncdc"][:-4] + "AAAA"
    for auth in (None, "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", unknown, tampered,
                 read_api.tokens["revoked"]):  # fmt: skip
        reply = _call(read_api, method, path, body, auth)
        assert reply.status_code == 401, (auth, reply.text)
        assert reply.headers["www-authenticate"] == "Bearer"
        assert_error_shape(reply.json())


@pytest.mark.parametrize(
    ("method", "path", "body", "owner"), [(m, *rest) for m, _, *rest in MATRIX]
)
def test_refused_to_the_wrong_role_or_platform(
    read_api: Api, method: str, path: str, body: dict[str, Any] | None, owner: str
) -> None:
    outsiders = ["cgris", "ncdc"] if owner == "admin" else ["cgris"]
    for who in outsiders:
        reply = _call(read_api, method, path, body, read_api.tokens[who])
        assert reply.status_code == 403, (who, reply.text)
        assert assert_error_shape(reply.json())["code"] == "forbidden"


@pytest.mark.parametrize(
    ("method", "path", "body", "who"),
    [
        (m, path, body, who)
        for m, _, path, body, owner in [*MATRIX, LISTING]
        for who in sorted({owner, "admin"} - {"any"})
    ],
)
def test_allowed_to_the_right_token(
    api: Api, method: str, path: str, body: dict[str, Any] | None, who: str
) -> None:
    reply = _call(api, method, path, body, api.tokens[who])
    assert 200 <= reply.status_code < 300, reply.text


def test_sources_listing_shows_status_runs_counts_and_next_run(read_api: Api) -> None:
    reply = read_api.client.get("/api/sources", headers=read_api.auth("admin"))
    sources = {s["id"]: s for s in reply.json()}
    assert set(sources) == {"ncdc-oai", "ncdc-old", "cgris-api"}
    ncdc = sources["ncdc-oai"]
    assert ncdc["status"] == "failed"
    assert ncdc["last_run"]["id"] == read_api.runs["ncdc_failed"]
    assert ncdc["last_run"]["error"].startswith("source unavailable")
    assert ncdc["error_count"] == 1
    assert ncdc["records"] == {"live": 4, "deleted": 1}
    assert ncdc["next_run"] == NEXT_RUN.isoformat().replace("+00:00", "Z")
    assert sources["ncdc-old"]["status"] == "disabled"
    assert sources["ncdc-old"]["next_run"] is None
    assert sources["cgris-api"]["status"] == "succeeded"
    assert sources["cgris-api"]["records"] == {"live": 3, "deleted": 0}


def test_an_operator_lists_only_their_platform(read_api: Api) -> None:
    ncdc = read_api.client.get("/api/sources", headers=read_api.auth("ncdc")).json()
    assert {s["platform"] for s in ncdc} == {"ncdc"}
    cgris = read_api.client.get("/api/sources", headers=read_api.auth("cgris")).json()
    assert [s["id"] for s in cgris] == ["cgris-api"]


def test_run_report_lists_record_errors(read_api: Api) -> None:
    url = f"/api/runs/{read_api.runs['ncdc_ok']}"
    report = read_api.client.get(url, headers=read_api.auth("ncdc")).json()
    assert report["status"] == "succeeded"
    assert (report["added"], report["failed"]) == (5, 2)
    assert report["errors_total"] == 2
    assert report["errors"][0] == {
        "source_identifier": "oai:ncdc:bad-1",
        "reason": "no title in any language",
    }
    assert report["checkpoint"] == {"token": "abc"}
    short = read_api.client.get(
        url, params={"errors_limit": 1}, headers=read_api.auth("ncdc")
    ).json()
    assert (len(short["errors"]), short["errors_total"]) == (1, 2)
    runs = read_api.client.get("/api/sources/ncdc-oai/runs", headers=read_api.auth("ncdc")).json()
    assert [r["id"] for r in runs] == [read_api.runs["ncdc_failed"], read_api.runs["ncdc_ok"]]
    assert (
        read_api.client.get("/api/runs/999999", headers=read_api.auth("admin")).status_code == 404
    )


def test_trigger_starts_a_run_through_the_hook(api: Api) -> None:
    reply = api.client.post("/api/sources/cgris-api/harvest", headers=api.auth("cgris"))
    assert reply.status_code == 202
    run_id = reply.json()["run_id"]
    assert reply.headers["location"] == f"/api/runs/{run_id}"
    assert api.hooks.triggered == ["cgris-api"]
    status = api.client.get(f"/api/runs/{run_id}", headers=api.auth("cgris")).json()["status"]
    assert status == "running"
    disabled = api.client.post("/api/sources/ncdc-old/harvest", headers=api.auth("admin"))
    assert disabled.status_code == 409
    unknown = api.client.post("/api/sources/nope/harvest", headers=api.auth("admin"))
    assert unknown.status_code == 404


def test_without_a_harvest_hook_the_api_says_so(api: Api) -> None:
    app = create_app(ApiConfig(db=api.db, backend=api.backend))
    with TestClient(app) as client:
        reply = client.post("/api/sources/ncdc-oai/harvest", headers=api.auth("admin"))
    assert reply.status_code == 503
    assert assert_error_shape(reply.json())["code"] == "not_available"


def test_admin_adds_edits_and_removes_sources(api: Api) -> None:
    admin = api.auth("admin")
    created = api.client.post("/api/sources", json=NEW_SOURCE, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == "/api/sources/cgris-oai"
    assert created.json()["status"] == "never_harvested"
    assert api.client.post("/api/sources", json=NEW_SOURCE, headers=admin).status_code == 409
    edited = api.client.patch(
        "/api/sources/cgris-oai", json={"schedule": "every 2h", "enabled": False}, headers=admin
    )
    assert (edited.json()["schedule"], edited.json()["status"]) == ("every 2h", "disabled")
    unscheduled = api.client.patch("/api/sources/cgris-oai", json={"schedule": None}, headers=admin)
    assert unscheduled.json()["schedule"] is None
    assert api.client.delete("/api/sources/cgris-oai", headers=admin).status_code == 204
    gone = api.client.get("/api/sources/cgris-oai", headers=admin)
    assert gone.status_code == 404  # it held nothing, so nothing of it is kept
    assert api.hooks.changes == 4


def test_removing_a_source_keeps_its_history_and_purging_deletes_it(api: Api) -> None:
    admin = api.auth("admin")
    held = api.client.get("/api/sources/ncdc-oai", headers=admin).json()["records"]
    indexed = api.backend.count()
    assert held["live"] > 0
    assert api.client.delete("/api/sources/ncdc-oai", headers=admin).status_code == 204
    kept = api.client.get("/api/sources/ncdc-oai", headers=admin).json()
    assert kept["status"] == "removed" and kept["removed_at"] is not None
    assert kept["records"] == {"live": 0, "deleted": held["live"] + held["deleted"]}
    runs = api.client.get("/api/sources/ncdc-oai/runs", headers=admin).json()
    assert [r["id"] for r in runs] == [api.runs["ncdc_failed"], api.runs["ncdc_ok"]]
    assert api.backend.count() == indexed - held["live"]
    edit = api.client.patch("/api/sources/ncdc-oai", json={"enabled": True}, headers=admin)
    assert edit.status_code == 409 and "removed" in assert_error_shape(edit.json())["message"]
    harvest = api.client.post("/api/sources/ncdc-oai/harvest", headers=admin)
    assert harvest.status_code == 409 and api.hooks.triggered == []

    purged = api.client.delete("/api/sources/ncdc-oai", params={"purge": True}, headers=admin)
    assert purged.status_code == 204
    assert api.client.get("/api/sources/ncdc-oai", headers=admin).status_code == 404
    assert api.client.get(f"/api/runs/{api.runs['ncdc_ok']}", headers=admin).status_code == 404
    assert api.backend.count() == indexed - held["live"]
    assert api.hooks.changes == 2


@pytest.mark.parametrize(
    ("change", "status", "word"),
    [
        ({**NEW_SOURCE, "platform": "nowhere"}, 422, "platform"),
        ({**NEW_SOURCE, "protocol": "gopher"}, 400, "protocol"),
        ({**NEW_SOURCE, "schedule": "whenever"}, 400, "schedule"),
        ({**NEW_SOURCE, "id": "../etc"}, 422, "id"),
        ({**NEW_SOURCE, "surprise": 1}, 422, "surprise"),
    ],
)
def test_bad_sources_are_refused_with_the_reason(
    api: Api, change: dict[str, Any], status: int, word: str
) -> None:
    reply = api.client.post("/api/sources", json=change, headers=api.auth("admin"))
    assert reply.status_code == status, reply.text
    assert word in assert_error_shape(reply.json())["message"]
    assert api.hooks.changes == 0


def test_bad_edits_are_refused(api: Api) -> None:
    admin = api.auth("admin")
    bad = api.client.patch("/api/sources/ncdc-oai", json={"schedule": "often"}, headers=admin)
    assert bad.status_code == 400
    null = api.client.patch("/api/sources/ncdc-oai", json={"url": None}, headers=admin)
    assert null.status_code == 422 and "url" in null.json()["error"]["message"]
    source = api.client.get("/api/sources/ncdc-oai", headers=admin).json()
    assert source["schedule"] == "every 6h" and source["url"] == "http://127.0.0.1:9/oai"
