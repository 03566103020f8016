"""What replies carry: ``fields=`` on hits, gzip, and ETag validation of records and exports."""

from __future__ import annotations

import pytest

from harvester.store.records import upsert_record
from indexer.document import DOCUMENT_FIELDS
from tests.search_api.conftest import CATALOGUE, Api
from tests.search_api.test_hostile_input import assert_error_shape

SOIL = next(r for r in CATALOGUE if r.source_identifier == "soil-001")


def _hits(api: Api, **params: str) -> list[dict]:  # type: ignore[type-arg]
    reply = api.client.get("/api/search", params={"q": "soil", **params})
    assert reply.status_code == 200, reply.text
    hits: list[dict] = reply.json()["hits"]  # type: ignore[type-arg]
    assert hits
    return hits


def test_hits_carry_a_compact_document_unless_fields_ask_for_more(api: Api) -> None:
    compact = _hits(api)
    assert all(set(h["document"]) == {"platform", "summary"} for h in compact)
    assert all({"id", "score", "highlights"} <= set(h) for h in compact)
    whole = _hits(api, fields="all")
    assert all(list(h["document"]) == list(DOCUMENT_FIELDS) for h in whole)
    assert [h["id"] for h in whole] == [h["id"] for h in compact]
    chosen = _hits(api, fields="title_zh, year")
    assert all(set(h["document"]) == {"title_zh", "year"} for h in chosen)
    soil = next(h for h in whole if h["id"] == SOIL.id)
    assert soil["document"]["summary"] == next(
        h["document"]["summary"] for h in compact if h["id"] == SOIL.id
    )


@pytest.mark.parametrize("fields", ["title_zh,password", "document", "all,id"])
def test_unknown_fields_are_a_422_naming_the_parameter(api: Api, fields: str) -> None:
    reply = api.client.get("/api/search", params={"q": "soil", "fields": fields})
    assert reply.status_code == 422, reply.text
    error = assert_error_shape(reply.json())
    assert "fields" in error["message"]


def test_replies_are_gzipped_for_clients_that_accept_it(api: Api) -> None:
    plain = api.client.get("/api/search?q=soil", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    zipped = api.client.get("/api/search?q=soil", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # the client decoded it
    raw = api.client.get("/search?q=soil", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip" and "</html>" in raw.text


@pytest.mark.parametrize(
    "path",
    [
        f"/api/records/{SOIL.id}",
        f"/api/records/{SOIL.id}?format=turtle",
        f"/api/records/{SOIL.id}/raw",
        "/api/records/by-cstr/CSTR:11738.11.ncdc.soil.001",
        "/catalogue?format=turtle",
    ],
)
def test_records_and_exports_revalidate_with_etags(api: Api, path: str) -> None:
    first = api.client.get(path)
    assert first.status_code == 200, first.text
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and "max-age=" in first.headers["cache-control"]
    again = api.client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert api.client.get(path, headers={"If-None-Match": '"other", ' + tag}).status_code == 304
    assert api.client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_a_changed_record_gets_a_new_etag(api: Api) -> None:
    path = f"/api/records/{SOIL.id}"
    tag = api.client.get(path).headers["etag"]
    assert api.client.get(f"{path}?format=turtle").headers["etag"] != tag  # per representation
    changed = SOIL.model_copy(update={"title": {**SOIL.title, "en": "Soil moisture, revised"}})
    with api.db.session() as s:
        upsert_record(s, changed, raw="<x/>", raw_format="oai_dc")
    reply = api.client.get(path, headers={"If-None-Match": tag})
    assert reply.status_code == 200
    assert reply.json()["record"]["title"]["en"] == "Soil moisture, revised"
    assert reply.headers["etag"] != tag
