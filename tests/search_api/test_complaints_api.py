"""Complaints (art. 33): anyone files, the centre forwards and closes, the platform's operator
answers its own; invalid steps are 409; response time is measured."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from harvester.store import Database
from search_api.routes import complaints, ratings, service
from tests.search_api.conftest import CATALOGUE
from tests.search_api.service_support import ServiceApp, service_app
from tests.search_api.test_operator_api import _needs_token

NCDC_RECORD = CATALOGUE[0].id
CGRIS_RECORD = CATALOGUE[4].id


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[ServiceApp]:
    yield from service_app(db, tmp_path, datetime(2026, 3, 1, 8, tzinfo=UTC))


def _file(svc: ServiceApp, **body: Any) -> int:
    body.setdefault("category", "not_obtainable")
    body.setdefault("text", "Listed as open, but the download asks for an approval nobody gives.")
    reply = svc.client().post("/api/complaints", json=body)
    assert reply.status_code == 201, reply.text
    assert "contact_email" not in reply.json()
    return int(reply.json()["id"])


def test_workflow_with_timestamps_and_response_time(svc: ServiceApp) -> None:
    cid = _file(svc, record_id=NCDC_RECORD, contact_email="user@example.org")
    client, admin, ncdc = svc.client(), svc.auth("admin"), svc.auth("ncdc")
    step = f"/api/complaints/{cid}"
    # out of order: 409, and nothing changes
    assert client.post(f"{step}/answer", json={"answer": "x"}, headers=ncdc).status_code == 409
    assert client.post(f"{step}/close", headers=admin).status_code == 409
    svc.clock.now += timedelta(hours=2)
    forwarded = client.post(f"{step}/forward", headers=admin)
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    assert client.post(f"{step}/forward", headers=admin).status_code == 409
    svc.clock.now += timedelta(hours=28)
    answered = client.post(f"{step}/answer", json={"answer": "Fixed: open again."}, headers=ncdc)
    assert answered.status_code == 200
    svc.clock.now += timedelta(hours=1)
    closed = client.post(f"{step}/close", headers=admin).json()
    assert closed["status"] == "closed"
    assert closed["received_at"] == "2026-03-01T08:00:00+00:00"
    assert closed["forwarded_at"] == "2026-03-01T10:00:00+00:00"
    assert closed["answered_at"] == "2026-03-02T14:00:00+00:00"
    assert closed["closed_at"] == "2026-03-02T15:00:00+00:00"
    assert closed["response_hours"] == 30.0
    assert closed["answer"] == "Fixed: open again."
    assert closed["contact_email"] == "user@example.org"
    assert closed["platform"] == "ncdc"
    for path in ("forward", "close"):
        assert client.post(f"{step}/{path}", headers=admin).status_code == 409
    assert client.post(f"{step}/answer", json={"answer": "again"}, headers=ncdc).status_code == 409


def test_operator_sees_and_answers_only_its_own(svc: ServiceApp) -> None:
    mine = _file(svc, record_id=NCDC_RECORD, contact_email="me@example.org")
    theirs = _file(svc, platform="cgris", category="charged", text="charged for teaching use")
    client = svc.client()
    for cid in (mine, theirs):
        client.post(f"/api/complaints/{cid}/forward", headers=svc.auth("admin"))
    listed = client.get("/api/complaints", headers=svc.auth("ncdc")).json()
    assert [c["id"] for c in listed["items"]] == [mine]
    assert listed["items"][0]["contact_email"] == "me@example.org"
    everything = client.get("/api/complaints", headers=svc.auth("admin")).json()
    assert {c["id"] for c in everything["items"]} == {mine, theirs}
    assert client.get("/api/complaints?platform=cgris", headers=svc.auth("ncdc")).status_code == 403
    assert client.get(f"/api/complaints/{theirs}", headers=svc.auth("ncdc")).status_code == 403
    reply = client.post(
        f"/api/complaints/{theirs}/answer", json={"answer": "no"}, headers=svc.auth("ncdc")
    )
    assert reply.status_code == 403
    assert (
        client.get(f"/api/complaints/{theirs}", headers=svc.auth("cgris")).json()["status"]
        == "forwarded"
    )
    # operators neither forward nor close, even their own
    assert client.post(f"/api/complaints/{mine}/close", headers=svc.auth("ncdc")).status_code == 403
    for auth, status in ((None, 401), ("revoked", 401)):
        headers = svc.auth(auth) if auth else {}
        assert client.get("/api/complaints", headers=headers).status_code == status
        assert client.get(f"/api/complaints/{mine}", headers=headers).status_code == status
        reply = client.post(f"/api/complaints/{mine}/answer", json={"answer": "x"}, headers=headers)
        assert reply.status_code == status
    assert client.get("/api/complaints/999", headers=svc.auth("admin")).status_code == 404


def test_filing_is_checked(svc: ServiceApp) -> None:
    client = svc.client()
    ok = {"category": "other", "text": "x"}
    assert client.post("/api/complaints", json=ok).status_code == 422  # about nothing
    assert client.post("/api/complaints", json={**ok, "platform": "nope"}).status_code == 422
    assert client.post("/api/complaints", json={**ok, "record_id": "nope"}).status_code == 422
    mismatch = {**ok, "record_id": CGRIS_RECORD, "platform": "ncdc"}
    assert client.post("/api/complaints", json=mismatch).status_code == 422
    assert (
        client.post(
            "/api/complaints", json={**ok, "platform": "ncdc", "category": "bad"}
        ).status_code
        == 422
    )
    assert (
        client.post("/api/complaints", json={**ok, "platform": "ncdc", "text": "   "}).status_code
        == 422
    )
    assert (
        client.post(
            "/api/complaints", json={**ok, "platform": "ncdc", "text": "x" * 5001}
        ).status_code
        == 422
    )
    bad_mail = {**ok, "platform": "ncdc", "contact_email": "not an address"}
    assert client.post("/api/complaints", json=bad_mail).status_code == 422
    cid = _file(svc, record_id=CGRIS_RECORD)
    got = client.get(f"/api/complaints/{cid}", headers=svc.auth("cgris")).json()
    assert (got["platform"], got["contact_email"]) == ("cgris", None)


def test_every_protected_endpoint_refuses_without_a_token() -> None:
    """New endpoints of these routers need a deliberate decision about who may call them."""
    protected = {
        (method, route.path)
        for module in (complaints, ratings, service)
        for route in module.router.routes
        if isinstance(route, APIRoute) and _needs_token(route)
        for method in route.methods or ()
    }
    assert protected == {
        ("GET", "/api/complaints"),
        ("GET", "/api/complaints/{complaint_id}"),
        ("POST", "/api/complaints/{complaint_id}/forward"),
        ("POST", "/api/complaints/{complaint_id}/answer"),
        ("POST", "/api/complaints/{complaint_id}/close"),
        ("GET", "/api/moderation/ratings"),
        ("POST", "/api/moderation/ratings/{rating_id}"),
        ("GET", "/api/platforms/{platform}/service"),
    }


def test_record_page_form_files_a_complaint(svc: ServiceApp) -> None:
    client = svc.client()
    page = client.get(f"/records/{NCDC_RECORD}").text
    assert f'action="/records/{NCDC_RECORD}/complaints"' in page
    form = page[page.index('<section id="complaint"') :]
    form = form[: form.index("</form>")]
    for field in ("category", "text", "contact_email"):
        tag = re.search(rf'<(?:select|textarea|input)\b[^>]*name="{field}"[^>]*>', form)
        assert tag, field
        field_id = re.search(r'id="([^"]+)"', tag.group(0))
        assert field_id and f'<label for="{field_id.group(1)}">' in form, field
    assert "标为开放共享但无法获取" in form  # categories in the page language
    reply = client.post(
        f"/records/{NCDC_RECORD}/complaints",
        data={"category": "charged", "text": "收费了 <b>", "contact_email": "u@example.org"},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text
    location = reply.headers["location"]
    back = re.fullmatch(rf"/records/{NCDC_RECORD}\?complained=(\d+)#complaint", location)
    assert back, location
    cid = int(back.group(1))
    filed = client.get(f"/api/complaints/{cid}", headers=svc.auth("ncdc")).json()
    assert (filed["record_id"], filed["platform"], filed["category"]) == (
        NCDC_RECORD,
        "ncdc",
        "charged",
    )
    assert (filed["text"], filed["contact_email"]) == ("收费了 <b>", "u@example.org")
    assert f"编号 {cid}" in client.get(location).text
    assert f"no. {cid}" in client.get(f"{location.split('#')[0]}&lang=en").text


def test_record_page_form_refuses_other_sites_and_bad_input(svc: ServiceApp) -> None:
    client = svc.client()
    url = f"/records/{NCDC_RECORD}/complaints"
    ok = {"category": "other", "text": "x"}
    foreign = client.post(url, data=ok, headers={"Origin": "https://elsewhere.example"})
    assert foreign.status_code == 403
    bad_mail = client.post(url, data={**ok, "contact_email": "not an address"})
    assert bad_mail.status_code == 422 and "text/html" in bad_mail.headers["content-type"]
    assert "not an e-mail address" in bad_mail.text
    blank = client.post(url, data={**ok, "text": "   "})
    assert blank.status_code == 422 and "say what is wrong" in blank.text
    missing = client.post("/records/nope/complaints", data=ok)
    assert missing.status_code == 422 and "no record with id" in missing.text
    assert client.post(url, data={**ok, "category": "bad"}).status_code == 422
    listed = client.get("/api/complaints", headers=svc.auth("admin")).json()
    assert listed["total"] == 0  # nothing refused was kept
    same_site = client.post(
        url, data=ok, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert same_site.status_code == 303
