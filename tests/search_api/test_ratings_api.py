"""User evaluation: one client counts once, comments wait for the centre, output is escaped
where it is HTML."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harvester.store import Database
from tests.search_api.conftest import CATALOGUE, DELETED
from tests.search_api.service_support import CLIENTS, ServiceApp, dump_database, service_app

RECORD = CATALOGUE[0].id
SCRIPT = '<script>alert("x")</script> & more'


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[ServiceApp]:
    yield from service_app(db, tmp_path, datetime(2026, 3, 1, 8, tzinfo=UTC))


def _rate(svc: ServiceApp, client: int, stars: int, comment: str | None = None) -> dict:  # type: ignore[type-arg]
    address, agent = CLIENTS[client]
    body: dict[str, object] = {"stars": stars}
    if comment is not None:
        body["comment"] = comment
    reply = svc.client(address, agent).post(f"/api/records/{RECORD}/ratings", json=body)
    assert reply.status_code == 201, reply.text
    return reply.json()  # type: ignore[no-any-return]


def _public(svc: ServiceApp, record: str = RECORD) -> dict:  # type: ignore[type-arg]
    reply = svc.client().get(f"/api/records/{record}/ratings")
    assert reply.status_code == 200
    return reply.json()  # type: ignore[no-any-return]


def test_a_flood_from_one_client_counts_once(svc: ServiceApp) -> None:
    _rate(svc, 1, 5)
    _rate(svc, 2, 4)
    for n in range(1000):
        _rate(svc, 0, 1 + n % 2)  # ends on 2 stars
    published = _public(svc)
    assert published["count"] == 3
    assert published["average"] == pytest.approx((5 + 4 + 2) / 3, abs=0.01)
    assert published["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    platform = svc.client().get("/api/platforms/ncdc/ratings").json()
    assert (platform["count"], platform["records_rated"]) == (3, 1)
    stored = dump_database(svc.db)
    for address, agent in CLIENTS:
        assert address not in stored and agent not in stored


def test_comments_wait_for_moderation_and_stay_data(svc: ServiceApp) -> None:
    held = _rate(svc, 0, 3, SCRIPT)
    assert held["status"] == "pending"
    _rate(svc, 1, 5, "spam spam")
    assert _public(svc)["count"] == 0  # neither stars nor comment before the centre decides
    admin = svc.client()
    queue = admin.get("/api/moderation/ratings", headers=svc.auth("admin")).json()
    assert queue["total"] == 2
    by_comment = {item["comment"]: item["id"] for item in queue["items"]}
    ok = admin.post(
        f"/api/moderation/ratings/{by_comment[SCRIPT]}",
        json={"decision": "approve"},
        headers=svc.auth("admin"),
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    admin.post(
        f"/api/moderation/ratings/{by_comment['spam spam']}",
        json={"decision": "reject"},
        headers=svc.auth("admin"),
    )
    published = _public(svc)
    assert (published["count"], published["average"]) == (1, 3.0)
    assert [c["comment"] for c in published["comments"]] == [SCRIPT]  # JSON: data as given
    # the rejected client repeating itself stays rejected; a new comment is queued again
    _rate(svc, 1, 5, "spam spam")
    assert _public(svc)["count"] == 1
    assert _rate(svc, 1, 5, "a real comment")["status"] == "pending"
    assert admin.get("/api/moderation/ratings", headers=svc.auth("admin")).json()["total"] == 1


def test_rating_input_is_checked(svc: ServiceApp) -> None:
    client = svc.client()
    url = f"/api/records/{RECORD}/ratings"
    for body in (
        {"stars": 0},
        {"stars": 6},
        {"stars": "five"},
        {},
        {"stars": 3, "comment": "x" * 1001},
    ):
        assert client.post(url, json=body).status_code == 422, body
    assert client.post(url, json={"stars": 3, "comment": "x" * 1000}).status_code == 201
    assert client.post("/api/records/nope/ratings", json={"stars": 3}).status_code == 404
    assert client.post(f"/api/records/{DELETED.id}/ratings", json={"stars": 3}).status_code == 410
    assert client.get("/api/records/nope/ratings").status_code == 404
    assert client.get("/api/platforms/nope/ratings").status_code == 404


def test_moderation_is_the_centres(svc: ServiceApp) -> None:
    _rate(svc, 0, 4, "fine")
    client = svc.client()
    for auth, status in ((None, 401), ("revoked", 401), ("ncdc", 403), ("cgris", 403)):
        headers = svc.auth(auth) if auth else {}
        assert client.get("/api/moderation/ratings", headers=headers).status_code == status
        reply = client.post(
            "/api/moderation/ratings/1", json={"decision": "approve"}, headers=headers
        )
        assert reply.status_code == status
    admin = svc.auth("admin")
    assert (
        client.post(
            "/api/moderation/ratings/999", json={"decision": "approve"}, headers=admin
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/moderation/ratings/1", json={"decision": "maybe"}, headers=admin
        ).status_code
        == 422
    )
    assert client.get("/api/moderation/ratings?status=nonsense", headers=admin).status_code == 422


def test_record_page_form_rates_and_escapes_comments(svc: ServiceApp) -> None:
    client = svc.client()
    page = client.get(f"/records/{RECORD}")
    assert page.status_code == 200
    assert f'action="/records/{RECORD}/ratings"' in page.text and 'name="stars"' in page.text
    reply = client.post(
        f"/records/{RECORD}/ratings", data={"stars": "4", "comment": SCRIPT}, follow_redirects=False
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == f"/records/{RECORD}?rated=pending#ratings"
    queue = client.get("/api/moderation/ratings", headers=svc.auth("admin")).json()
    assert [item["comment"] for item in queue["items"]] == [SCRIPT]
    client.post(
        f"/api/moderation/ratings/{queue['items'][0]['id']}",
        json={"decision": "approve"},
        headers=svc.auth("admin"),
    )
    page = client.get(f"/records/{RECORD}?lang=en")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in page.text
    assert "4.0 on average (1 ratings)" in page.text
    # another site's form cannot vote with its visitors
    foreign = client.post(
        f"/records/{RECORD}/ratings",
        data={"stars": "1"},
        headers={"Origin": "https://elsewhere.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403
    assert client.post(f"/records/{RECORD}/ratings", data={"stars": "9"}).status_code == 422
