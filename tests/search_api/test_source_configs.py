"""A JSON source added through the API: its configuration file is checked before it is saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mappings.formats.jsonspec import config_path
from tests.search_api.conftest import Api
from tests.search_api.test_hostile_input import assert_error_shape

JSON_SOURCE = {
    "id": "cgris-json",
    "platform": "cgris",
    "protocol": "json",
    "url": "http://127.0.0.1:9/api",
}


@pytest.mark.parametrize(
    ("config", "word"),
    [
        ({}, 'needs config {"config": NAME or absolute PATH}'),
        ({"config": "nowhere"}, "no such JSON platform configuration 'nowhere'"),
        ({"config": "relative/geo.json"}, "a path must be absolute"),
        ("BROKEN", "reply: Field required"),
    ],
)
def test_a_missing_or_bad_configuration_is_refused(
    api: Api, tmp_path: Path, config: Any, word: str
) -> None:
    if config == "BROKEN":
        path = tmp_path / "geo.json"
        path.write_text(json.dumps({"paging": {"style": "page"}, "item": {"identifier": "id"}}))
        config = {"config": str(path)}
    body = {**JSON_SOURCE, "config": config}
    reply = api.client.post("/api/sources", json=body, headers=api.auth("admin"))
    assert reply.status_code == 400, reply.text
    assert word in assert_error_shape(reply.json())["message"]
    assert api.client.get("/api/sources/cgris-json", headers=api.auth("admin")).status_code == 404


def test_a_shipped_configuration_by_name_is_accepted(api: Api) -> None:
    body = {**JSON_SOURCE, "config": {"config": "sciencedb"}}
    reply = api.client.post("/api/sources", json=body, headers=api.auth("admin"))
    assert reply.status_code == 201, reply.text
    edit = api.client.patch(
        "/api/sources/cgris-json", json={"config": {"config": "nowhere"}}, headers=api.auth("admin")
    )
    assert edit.status_code == 400, edit.text


def test_a_source_whose_file_went_away_can_still_be_disabled(api: Api, tmp_path: Path) -> None:
    path = tmp_path / "sdb.json"
    path.write_text(config_path("sciencedb").read_text("utf-8"), "utf-8")
    body = {**JSON_SOURCE, "config": {"config": str(path)}}
    admin = api.auth("admin")
    assert api.client.post("/api/sources", json=body, headers=admin).status_code == 201
    path.unlink()
    refused = api.client.patch(
        "/api/sources/cgris-json", json={"schedule": "every 2h"}, headers=admin
    )
    assert refused.status_code == 400 and str(path) in refused.json()["error"]["message"]
    disabled = api.client.patch("/api/sources/cgris-json", json={"enabled": False}, headers=admin)
    assert disabled.status_code == 200, disabled.text
