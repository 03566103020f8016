"""The pages in real headless Chromium, against a real server over a harvested catalogue.

Each test walks what a person does — search, filter, read a record, log in,
harvest — and checks on every page: one ``<h1>``, a label for every form
field, no console or page error, no request to anything but 127.0.0.1. A
screenshot of every page lands in ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from harvester.store.platforms import platform_ids
from sharenet.context import open_database
from sharenet.demo.catalogue import PLATFORMS
from tests.search_api.browser.conftest import Site, Watch, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

HARVEST_WAIT_MS = 60_000
"""How long to wait for a triggered harvest to show up (a bound, not a measurement)."""


def assert_accessible(tab: Page) -> None:
    """One h1; every visible form field named by a <label for> or an aria-label."""
    expect(tab.locator("h1")).to_have_count(1)
    unlabelled = tab.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden')
            .filter(el => !(el.id && document.querySelector(`label[for="${el.id}"]`))
                          && !el.getAttribute('aria-label'))
            .map(el => el.outerHTML)"""
    )
    assert unlabelled == [], unlabelled


def hit_count(tab: Page) -> int:
    text = tab.locator("#count").inner_text()
    return int(re.sub(r"\D", "", text))


def login(tab: Page, site: Site, who: str, path: str) -> None:
    tab.goto(site.url + path)
    expect(tab).to_have_url(re.compile(r"/login\?next="))
    assert_accessible(tab)
    screenshot(tab, "login")
    tab.get_by_label("访问令牌").fill(site.tokens[who])
    tab.get_by_role("button", name="登录").click()
    expect(tab).to_have_url(re.compile(re.escape(path) + r"$"))
    assert site.tokens[who] not in tab.url


def test_search_facet_and_record(page: tuple[Page, Watch], site: Site) -> None:
    tab, watch = page
    tab.goto(site.url + "/")
    assert_accessible(tab)
    expect(tab.locator("html")).to_have_attribute("lang", "zh-CN")
    screenshot(tab, "home")

    box = tab.get_by_label("检索词")
    box.fill("土壤")
    expect(tab.locator("#suggestions li").first).to_be_visible()  # type-ahead from /api/suggest
    expect(tab.locator("#suggestions")).to_contain_text("土壤")
    box.press("Escape")
    tab.get_by_role("button", name="检索", exact=True).click()
    expect(tab).to_have_url(re.compile(r"/search\?q="))
    assert_accessible(tab)
    total = hit_count(tab)
    assert total > 0
    expect(tab.locator(".hit mark").first).to_contain_text("土")
    screenshot(tab, "search")

    facet = tab.locator('details[data-facet="platform"] li a').first
    expected = int(facet.locator(".count").inner_text())
    facet.click()
    expect(tab).to_have_url(re.compile(r"platform="))
    assert hit_count(tab) == expected <= total
    expect(tab.locator(".active-filters .chip")).to_have_count(1)
    screenshot(tab, "search-facet")
    tab.get_by_role("link", name="清除全部筛选").click()
    assert hit_count(tab) == total

    tab.get_by_label("排序").select_option("newest")  # submits itself
    expect(tab).to_have_url(re.compile(r"sort=newest"))

    first = tab.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    expect(tab).to_have_url(re.compile(r"/records/"))
    assert_accessible(tab)
    expect(tab.locator("h1")).to_have_text(title)
    expect(tab.locator(".citation")).to_contain_text("GB/T 7714")
    ld = json.loads(tab.locator('script[type="application/ld+json"]').text_content() or "")
    assert ld["@type"] == "Dataset" and ld["name"] == title
    cstr = tab.locator('a[href^="/cstr/"]')
    if cstr.count():
        cstr.first.click()  # the resolver redirects back to this record's page
        expect(tab).to_have_url(re.compile(r"/records/"))
        expect(tab.locator("h1")).to_have_text(title)
    screenshot(tab, "record")
    watch.check()


def test_english_switch_is_remembered(page: tuple[Page, Watch], site: Site) -> None:
    tab, watch = page
    tab.goto(site.url + "/search?q=soil")
    tab.get_by_role("link", name="English").click()
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    expect(tab.locator("h1")).to_have_text("Search results")
    tab.goto(site.url + "/")
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(tab)
    screenshot(tab, "home-en")
    watch.check()


def test_phone_layout(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    for name, path in (("phone-search", "/search?q=种质"), ("phone-home", "/")):
        tab.goto(site.url + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        screenshot(tab, name)
    tab.goto(site.url + "/search?q=种质")
    tab.locator(".hit-title a").first.click()
    expect(tab).to_have_url(re.compile(r"/records/"))
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(tab, "phone-record")
    context.close()
    assert not errors, errors


def test_operator_logs_in_and_harvests(page: tuple[Page, Watch], site: Site) -> None:
    tab, watch = page
    login(tab, site, "operator", "/operator")
    assert_accessible(tab)
    expect(tab.locator("h1")).to_contain_text("ncdc")
    runs = tab.locator("#source-ncdc tr.run")
    before = runs.count()
    assert before >= 1
    expect(tab.locator(".rules tbody tr").first).to_be_visible()
    screenshot(tab, "operator")

    tab.locator("#source-ncdc").get_by_role("button", name="立即采集").click()
    expect(tab.locator(".notice.ok")).to_contain_text("ncdc")
    newest = tab.locator("#source-ncdc tr.run").first
    for _ in range(HARVEST_WAIT_MS // 250):
        if runs.count() > before and "running" not in newest.inner_text():
            break
        tab.wait_for_timeout(250)
        tab.reload()
    assert runs.count() == before + 1
    expect(newest.locator(".badge")).to_have_text("succeeded")
    expect(newest).to_contain_text("api")  # the trigger of a run started from the page
    screenshot(tab, "operator-after-harvest")

    tab.goto(site.url + "/centre")  # an operator is not the centre
    expect(tab.locator("h1")).to_contain_text("403")
    watch.errors = [e for e in watch.errors if "403" not in e]  # the refusal itself
    watch.check()


def test_centre_dashboard(page: tuple[Page, Watch], site: Site) -> None:
    tab, watch = page
    login(tab, site, "admin", "/centre")
    assert_accessible(tab)
    db = open_database(site.settings)
    with db.session() as session:
        platforms = platform_ids(session)  # every registered platform, harvested or not
    db.dispose()
    rows = tab.locator("table.platforms tbody tr")
    expect(rows).to_have_count(len(platforms))
    for demo in PLATFORMS:
        cells = tab.locator(f'tr[data-platform="{demo.id}"] td').all_inner_texts()
        assert int(cells[2]) > 0, f"{demo.id} shows no records"
    expect(tab.locator("svg.chart")).to_have_count(2)
    screenshot(tab, "centre")

    tab.locator("table.platforms thead a", has_text="记录数").click()
    expect(tab).to_have_url(re.compile(r"sort=records&order=desc"))
    counts = [
        int(c) for c in tab.locator("table.platforms tbody td:nth-child(4)").all_inner_texts()
    ]
    assert counts == sorted(counts, reverse=True)

    response = tab.request.get(site.url + "/centre/platforms.csv")
    assert response.status == 200
    lines = response.text().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("platform,") and len(lines) == len(platforms) + 1
    watch.check()
