"""The web pages through the ASGI client: content, escaping, login, CSRF, roles, CSV.

The browser tests (tests/search_api/browser/) click through the same pages in
Chromium; these check what a browser cannot see quickly — every escape, every
refusal — on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from harvester.store.records import upsert_record
from mappings.record import AccessRights, Record, record_id
from mappings.rules import RuleContext, evaluate
from mappings.serialize.schema_org import schema_org
from search_api.auth import revoke_token
from search_api.pages.session import COOKIE
from tests.search_api.conftest import CATALOGUE, DELETED, Api

SOIL = CATALOGUE[0]
EVIL = "<script>alert('x')</script>"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def log_in(client: TestClient, token_header: str, next_page: str = "/operator") -> None:
    form = client.get("/login", params={"next": next_page})
    response = client.post(
        "/login",
        data={
            "token": token_header.removeprefix("Bearer "),
            "csrf": csrf_of(form.text),
            "next": next_page,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == next_page


def test_home_and_search_use_the_api_figures(api: Api) -> None:
    home = api.client.get("/")
    assert home.status_code == 200 and home.text.count("<h1>") == 1
    assert "国家冰川冻土沙漠科学数据中心" in home.text  # platform names, not ids
    page = api.client.get("/search", params={"q": "土壤"})
    data = api.client.get("/api/search", params={"q": "土壤"}).json()
    assert f"共 {data['total']} 条记录" in page.text
    assert "<mark>土壤</mark>" in page.text  # the engine's highlight, unescaped
    for facet in data["facets"]["platform"]:
        assert f'platform={facet["value"]}"' in page.text
    filtered = api.client.get("/search", params={"q": "土壤", "platform": "ncdc"})
    total = api.client.get("/api/search", params={"q": "土壤", "platform": "ncdc"}).json()["total"]
    assert f"共 {total} 条记录" in filtered.text and "清除全部筛选" in filtered.text
    by_language = api.client.get("/search", params={"language": "en"}).text
    en_total = api.client.get("/api/search", params={"lang": "en"}).json()["total"]
    assert f"共 {en_total} 条记录" in by_language


def test_bad_parameters_are_a_page_not_a_500(api: Api) -> None:
    lenient = api.client.get("/search", params={"page": "-1", "size": "abc", "sort": "x"})
    assert lenient.status_code == 200 and "<h1>" in lenient.text
    long = api.client.get("/search", params={"q": "土" * 600})
    assert long.status_code == 422 and "text/html" in long.headers["content-type"]
    assert "at most" in long.text
    missing = api.client.get("/records/no-such-record")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    gone = api.client.get(f"/records/{DELETED.id}")
    assert gone.status_code == 410 and "deleted at its source" in gone.text


def test_english_is_one_click_and_remembered(api: Api) -> None:
    switched = api.client.get("/search", params={"q": "soil", "lang": "en"})
    assert '<html lang="en">' in switched.text and "Search results" in switched.text
    cookie = switched.headers["set-cookie"]
    assert "sn_lang=en" in cookie and "httponly" in cookie.lower()
    assert '<html lang="en">' in api.client.get("/").text
    assert '<html lang="zh-CN">' in api.client.get("/", params={"lang": "zh"}).text


def test_record_page_has_every_part(api: Api) -> None:
    page = api.client.get(f"/records/{SOIL.id}")
    assert page.status_code == 200
    html = page.text
    assert "<h1>青藏高原土壤水分数据集</h1>" in html
    assert "Soil moisture dataset of the Tibetan Plateau" in html  # the other title
    assert f'href="/cstr/{SOIL.cstr}"' in html
    assert 'href="https://doi.org/10.12072/ncdc.soil.001"' in html
    citation = api.client.get(f"/api/records/{SOIL.id}").json()["citation"]
    assert citation["gbt7714"].replace("&", "&amp;") in html
    assert "CC BY 4.0" in html and "开放共享" in html
    assert 'class="badge level-' in html  # findings as badges
    assert f"/api/records/{SOIL.id}/raw" in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block, "no JSON-LD"
    embedded = json.loads(block.group(1))
    assert embedded == schema_org(stored_soil(api), url=f"http://testserver/records/{SOIL.id}")
    assert 'name="viewport"' in html


def test_subjects_are_shown_by_name_in_the_page_language(api: Api) -> None:
    page = api.client.get("/search", params={"q": "土壤", "lang": "zh"}).text
    facet = re.search(r'data-facet="subject">(.*?)</details>', page, re.S)
    assert facet and "地球科学" in facet.group(1) and ">170<" not in facet.group(1)
    assert 'href="/search?q=%E5%9C%9F%E5%A3%A4&amp;subject=170"' in facet.group(1)
    chip = api.client.get("/search", params={"subject": "170", "lang": "zh"}).text
    assert re.search(r'class="chip"[^>]*>地球科学 <span', chip)
    record = api.client.get(f"/records/{SOIL.id}", params={"lang": "zh"}).text
    assert re.search(r'subject=170">地球科学</a>', record)
    english = api.client.get(f"/records/{SOIL.id}", params={"lang": "en"}).text
    assert re.search(r'subject=170">Earth Sciences</a>', english)


def stored_soil(api: Api) -> Record:
    from harvester.store.records import get_record

    with api.db.session() as session:
        stored = get_record(session, SOIL.id)
    assert stored is not None
    return stored.record


def test_cstr_resolution_lands_on_the_record_page(api: Api) -> None:
    response = api.client.get(f"/cstr/{SOIL.cstr_original}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/records/{SOIL.id}"


def test_hostile_text_is_escaped_everywhere(api: Api) -> None:
    evil = Record(
        id=record_id("ncdc-oai", "evil-1"),
        source="ncdc-oai",
        source_identifier="evil-1",
        platform="ncdc",
        title={"zh": f"土壤{EVIL}", "en": f"Soil </script>{EVIL}"},
        description={"zh": f"描述{EVIL}"},
        keywords={"zh": [EVIL]},
        landing_page="javascript:alert(1)",
        access_rights=AccessRights.OPEN,
        issued=date(2024, 1, 1),
    )
    with api.db.session() as session:
        result = evaluate(evil, RuleContext(agency_codes=("11738",), today=date(2026, 3, 1)))
        upsert_record(
            session,
            evil,
            raw="{}",
            raw_format="json",
            findings=result.findings,
            quality_score=result.score,
        )
    api.backend.index([evil])
    pages = [
        api.client.get("/search", params={"q": "土壤"}).text,
        api.client.get("/search", params={"q": "soil", "lang": "en"}).text,
        api.client.get("/search", params={"keyword": EVIL}).text,
        api.client.get(f"/records/{evil.id}").text,
        api.client.get(f"/records/{evil.id}", params={"lang": "zh"}).text,
    ]
    log_in(api.client, api.tokens["ncdc"])
    pages.append(api.client.get("/operator").text)
    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;" in html or "\\u003cscript\\u003e" in html
    record_html = pages[3]
    assert 'href="javascript:' not in record_html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', record_html, re.S)
    assert block and "</" not in block.group(1)  # nothing can close the element early
    assert EVIL in json.loads(block.group(1))["name"]  # and JSON-LD readers see the real text


def test_login_sets_a_strict_cookie_without_the_token(api: Api) -> None:
    assert api.client.get("/operator", follow_redirects=False).headers["location"] == (
        "/login?next=%2Foperator"
    )
    form = api.client.get("/login")
    token = api.tokens["ncdc"].removeprefix("Bearer ")
    no_csrf = api.client.post("/login", data={"token": token, "csrf": "forged"})
    assert no_csrf.status_code == 403
    wrong = api.client.post("/login", data={"token": "snt_nope", "csrf": csrf_of(form.text)})
    assert wrong.status_code == 401 and "malformed" in wrong.text
    response = api.client.post(
        "/login", data={"token": token, "csrf": csrf_of(form.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert token not in cookie and token.split("_", 2)[2] not in cookie


def test_operator_sees_own_platform_runs_errors_and_compliance(api: Api) -> None:
    log_in(api.client, api.tokens["ncdc"])
    html = api.client.get("/operator", params={"platform": "cgris"}).text  # ignored
    assert "ncdc-oai" in html and "cgris-api" not in html
    assert "no title in any language" in html  # a record-level error of a run
    assert "source unavailable: connection refused" in html  # why a run failed
    assert "cstr-missing" in html and "failing=" in html
    failing = api.client.get("/operator", params={"failing": "cstr-missing"}).text
    assert "青藏高原冻土分布图" in failing  # the ncdc record without a CSTR


def test_harvest_now_needs_csrf_and_calls_the_api_trigger(api: Api) -> None:
    log_in(api.client, api.tokens["ncdc"])
    csrf = csrf_of(api.client.get("/operator").text)
    forged = api.client.post("/operator/harvest", data={"source": "ncdc-oai", "csrf": "x"})
    assert forged.status_code == 403 and api.hooks.triggered == []
    other = api.client.post("/operator/harvest", data={"source": "cgris-api", "csrf": csrf})
    assert other.status_code == 403 and api.hooks.triggered == []
    disabled = api.client.post("/operator/harvest", data={"source": "ncdc-old", "csrf": csrf})
    assert disabled.status_code == 409 and "disabled" in disabled.text
    started = api.client.post(
        "/operator/harvest", data={"source": "ncdc-oai", "csrf": csrf}, follow_redirects=False
    )
    assert started.status_code == 303 and api.hooks.triggered == ["ncdc-oai"]
    after = api.client.get(started.headers["location"]).text
    assert "已开始采集 ncdc-oai" in after


def test_a_revoked_token_ends_the_session(api: Api) -> None:
    log_in(api.client, api.tokens["ncdc"])
    assert api.client.get("/operator", follow_redirects=False).status_code == 200
    token_id = api.tokens["ncdc"].split("_")[1]
    with api.db.session() as session:
        revoke_token(session, token_id)
    assert api.client.get("/operator", follow_redirects=False).status_code == 303


def test_centre_is_for_admins_and_exports_csv(api: Api) -> None:
    log_in(api.client, api.tokens["ncdc"])
    assert api.client.get("/centre").status_code == 403
    assert api.client.get("/centre/platforms.csv").status_code == 403
    admin = TestClient(api.client.app)
    log_in(admin, api.tokens["admin"], "/centre")
    html = admin.get("/centre", params={"sort": "records", "order": "desc"}).text
    assert re.findall(r'<tr data-platform="([^"]+)">', html) == ["ncdc", "cgris"]
    ascending = admin.get("/centre", params={"sort": "records", "order": "asc"}).text
    assert re.findall(r'<tr data-platform="([^"]+)">', ascending) == ["cgris", "ncdc"]
    by_header = admin.get("/centre/platforms.csv")
    with_bearer = TestClient(api.client.app).get(
        "/centre/platforms.csv", headers={"Authorization": api.tokens["admin"]}
    )
    for response in (by_header, with_bearer):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        table = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert {r["platform"]: int(r["records"]) for r in table} == {"ncdc": 4, "cgris": 3}


@pytest.mark.parametrize("path", ["/", "/search?q=soil", f"/records/{SOIL.id}", "/login"])
def test_every_field_has_a_label(api: Api, path: str) -> None:
    html = api.client.get(path).text
    ids = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        field_id = re.search(r'id="([^"]+)"', tag)
        assert (field_id and field_id.group(1) in ids) or "aria-label=" in tag, tag
    assert html.count("<h1") == 1
