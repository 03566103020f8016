"""Client identity behind a reverse proxy: ``X-Forwarded-For`` counts only from a trusted peer.

Ratings make the client visible from outside: one client's ratings of a record
count once, so two people behind one proxy must count twice, and one person
sending made-up headers from an untrusted address must count once.
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI
from fastapi.testclient import TestClient

from search_api.app import create_app
from tests.search_api.conftest import CATALOGUE, Api

PROXY = "10.0.0.2"
PEOPLE = ("203.0.113.7", "203.0.113.8")


def _served(api: Api) -> FastAPI:
    app = api.client.app
    assert isinstance(app, FastAPI)
    return app


def _behind_proxies(api: Api, *trusted: str) -> FastAPI:
    """The same store and engine, served by an app that trusts ``trusted``."""
    return create_app(replace(_served(api).state.config, trusted_proxies=trusted))


def _raters(app: FastAPI, peer: str, record_id: str) -> int:
    """Each of PEOPLE rates the record through ``peer``; how many ratings count."""
    for stars, person in enumerate(PEOPLE, start=4):
        reply = TestClient(app, client=(peer, 41000)).post(
            f"/api/records/{record_id}/ratings",
            json={"stars": stars},
            headers={"X-Forwarded-For": person},
        )
        assert reply.status_code == 201, reply.text
    count = TestClient(app).get(f"/api/records/{record_id}/ratings").json()["count"]
    assert isinstance(count, int)
    return count


def test_a_trusted_proxy_names_each_client(api: Api) -> None:
    app = _behind_proxies(api, "10.0.0.0/8", "192.0.2.1")
    assert _raters(app, PROXY, CATALOGUE[0].id) == 2
    assert _raters(app, "192.0.2.1", CATALOGUE[1].id) == 2
    # The proxy's scheme too: links the app makes say https behind a TLS proxy.
    page = TestClient(app, client=(PROXY, 41000)).get(
        f"/records/{CATALOGUE[2].id}",
        headers={"X-Forwarded-For": PEOPLE[0], "X-Forwarded-Proto": "https"},
    )
    assert f"https://testserver/records/{CATALOGUE[2].id}" in page.text


def test_forwarded_headers_from_anyone_else_are_ignored(api: Api) -> None:
    assert _served(api).state.config.trusted_proxies == ()  # the default
    assert _raters(_served(api), PROXY, CATALOGUE[0].id) == 1
    app = _behind_proxies(api, "10.0.0.0/8")
    assert _raters(app, "192.0.2.50", CATALOGUE[1].id) == 1  # not a listed proxy
