"""Records by id and by any spelling of their CSTR, with provenance and findings."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.search_api.conftest import CATALOGUE, DELETED, Api
from tests.search_api.test_hostile_input import assert_error_shape


@pytest.fixture
def api(read_api: Api) -> Api:
    """These tests only read: one catalogue per module and store kind."""
    return read_api


SOIL = next(r for r in CATALOGUE if r.source_identifier == "soil-001")
STRAIN = next(r for r in CATALOGUE if r.source_identifier == "strain-7")


def test_record_by_id_has_provenance_and_findings(api: Api) -> None:
    reply = api.client.get(f"/api/records/{SOIL.id}")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["record"]["title"]["zh"] == SOIL.title["zh"]
    assert body["record"]["cstr"] == SOIL.cstr
    prov = body["provenance"]
    assert prov["source"] == "ncdc-oai"
    assert prov["source_identifier"] == "soil-001"
    assert prov["raw_format"] == "oai_dc"
    assert len(prov["content_hash"]) == 64
    assert prov["harvested_at"] and prov["first_seen_at"] and prov["changed_at"]
    assert isinstance(body["findings"], list)
    assert body["quality_score"] is not None
    raw = api.client.get(prov["raw_url"])
    assert raw.status_code == 200
    assert raw.text == "<record>soil-001</record>"
    assert raw.headers["content-type"].startswith("application/xml")


def test_findings_are_those_the_rules_stored(api: Api) -> None:
    permafrost = next(r for r in CATALOGUE if r.source_identifier == "permafrost-003")
    body = api.client.get(f"/api/records/{permafrost.id}").json()
    rules = {f["rule"] for f in body["findings"]}
    assert rules, "a record without a CSTR or licence must have findings"
    assert all(f["message_zh"] and f["message_en"] for f in body["findings"])


@pytest.mark.parametrize(
    "spelling",
    [
        "CSTR:11738.11.ncdc.soil.001",
        "cstr:11738.11.ncdc.soil.001",
        "11738.11.ncdc.soil.001",
        "11738.11.NCDC.SOIL.001",
        " CSTR:11738.11.ncdc.soil.001 ",
        "https://cstr.cn/11738.11.ncdc.soil.001",
        "http://cstr.cn/CSTR:11738.11.ncdc.soil.001",
        "https:/cstr.cn/11738.11.ncdc.soil.001",
        "cstr.cn/11738.11.ncdc.soil.001",
    ],
)
def test_every_accepted_cstr_spelling_finds_the_record(api: Api, spelling: str) -> None:
    reply = api.client.get("/api/records/by-cstr/" + quote(spelling, safe=""))
    assert reply.status_code == 200, reply.text
    assert reply.json()["record"]["id"] == SOIL.id


def test_letter_agency_codes_and_slashes_in_the_path(api: Api) -> None:
    reply = api.client.get("/api/records/by-cstr/a0006.11.cgris.strain-7")
    assert reply.json()["record"]["id"] == STRAIN.id
    reply = api.client.get("/api/records/by-cstr/https://cstr.cn/A0006.11.cgris.strain-7")
    assert reply.json()["record"]["id"] == STRAIN.id


@pytest.mark.parametrize(
    ("spelling", "reason"),
    [
        ("11738", "agency code, a resource type and a suffix"),
        ("117.11.x", "agency code"),
        ("11738.ab.x", "resource type"),
        ("11738.11.土壤", "visible ASCII"),
    ],
)
def test_malformed_cstr_is_422_with_the_reason(api: Api, spelling: str, reason: str) -> None:
    reply = api.client.get("/api/records/by-cstr/" + quote(spelling, safe=""))
    assert reply.status_code == 422
    error = assert_error_shape(reply.json())
    assert "cstr" in error["message"] and reason in error["message"]


def test_unknown_is_404_and_deleted_is_410(api: Api) -> None:
    for path in ("/api/records/ncdc-oai-0000", "/api/records/by-cstr/11738.11.ncdc.none"):
        reply = api.client.get(path)
        assert reply.status_code == 404
        assert assert_error_shape(reply.json())["code"] == "not_found"
    gone = api.client.get(f"/api/records/{DELETED.id}")
    assert gone.status_code == 410
    assert assert_error_shape(gone.json())["detail"]["id"] == DELETED.id
    assert api.client.get("/api/records/" + "x" * 500).status_code == 422
