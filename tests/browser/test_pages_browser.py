"""The pages in headless Chromium against `yhdyspinta serve` on 127.0.0.1.

A newcomer's path: find the municipality, subscribe to its feed (the feed the link names is
fetched and parsed by vobject), switch language, open the vuosikello and download it.
Every kind of page in every language passes axe-core's WCAG 2.1 A/AA rules.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
import vobject
from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, format_violations
from tests.servers import serving

TODAY = "2026-11-28"
PAGES = ["/", "/county/19", "/county/20?term_year=all", "/municipality/205",
         "/municipality/091", "/vuosikello/pair-205/2026", "/login", "/county/99"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    public = {"YHDYSPINTA_PUBLIC_FEEDS": '["pair-*", "municipality-*", "region-*"]'}
    with serving(tmp_path_factory.mktemp("browser"), TODAY, public) as url:
        yield url


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_in_every_language_is_accessible(page: Page, base_url, path, lang):
    separator = "&" if "?" in path else "?"
    response = page.goto(f"{base_url}{path}{separator}lang={lang}")
    assert response is not None
    assert response.status == (404 if path == "/county/99" else 200)
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("h1")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_find_subscribe_and_fetch_the_feed(page: Page, base_url):
    page.goto(f"{base_url}/?lang=fi")
    page.get_by_label("Kunnan nimi tai koodi").fill("Kajaani")
    page.get_by_role("button", name="Hae").click()
    expect(page.locator("h1")).to_contain_text("Kajaani")
    assert page.url.endswith("/municipality/205")
    box = page.locator("#feed-pair-205")
    webcal = box.get_by_role("link", name="Tilaa (webcal)").get_attribute("href")
    https = box.get_by_role("textbox").input_value()
    assert https == f"{base_url}/public/pair-205.fi.ics"
    assert webcal == "webcal://" + https.removeprefix("http://")
    # The page's own https link, followed as a browser does.
    feed = page.request.get(box.locator("a.https-link").get_attribute("href") or "")
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(feed.text())
    assert calendar.contents["x-wr-calname"][0].value == \
        "Yhdyspinta: Kajaani ja Kainuun hyvinvointialue"
    assert len(calendar.contents["vevent"]) > 10
    # The copy button puts the address on the clipboard and says so.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    copy = box.get_by_role("button", name="Kopioi")
    copy.click()
    expect(box.get_by_role("button", name="Kopioitu")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == https


def test_switch_language_and_it_is_remembered(page: Page, base_url):
    page.goto(f"{base_url}/county/20?lang=fi")
    expect(page.locator("h1")).to_have_text("Kainuun hyvinvointialue")
    page.get_by_role("navigation", name="Kieli").get_by_role("link", name="svenska").click()
    expect(page.locator("h1")).to_have_text("Kajanalands välfärdsområde")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_role("link", name="Startsida").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    expect(page.get_by_role("heading", name="Välfärdsområdena och Helsingfors")).to_be_visible()


def test_county_filters_and_overdue_said_in_words(page: Page, base_url):
    page.goto(f"{base_url}/county/20?lang=en")
    page.get_by_label("Year of the council term").select_option("1")
    page.get_by_label("Obligation").select_option("municipal-financial-statements")
    page.get_by_role("button", name="Filter").click()
    assert "term_year=1" in page.url
    assert "obligation=municipal-financial-statements" in page.url
    table = page.locator("table.matrix")
    assert table.locator("tbody tr").count() == 8  # Kainuu's municipalities
    overdue = table.locator(".state-overdue")
    assert overdue.count() == 8
    expect(overdue.first).to_contain_text("Past the legal limit")
    expect(overdue.first).to_contain_text("days late")


def test_vuosikello_has_a_mark_per_duty_and_downloads(page: Page, base_url, tmp_path):
    page.goto(f"{base_url}/vuosikello/pair-205/2026?lang=fi")
    with urllib.request.urlopen(f"{base_url}/api/v1/occurrences?municipality=205"
                                "&from=2026-01-01&to=2026-12-31&limit=1000") as answer:
        own = {o["id"] for o in json.load(answer)["items"]}
    with urllib.request.urlopen(f"{base_url}/api/v1/occurrences?region=20"
                                "&from=2026-01-01&to=2026-12-31&limit=1000") as answer:
        county = {o["id"] for o in json.load(answer)["items"]
                  if o["municipality"] is None and not o["participants"]}
    marks = page.locator("figure.clock svg g.mark")
    assert marks.count() == len(own | county) > 5
    assert page.locator("table.marks tbody tr").count() == marks.count()
    for extension, magic in (("PNG", b"\x89PNG\r\n\x1a\n"), ("SVG", b"<?xml")):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Lataa {extension}").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == f"vuosikello-pair-205-2026-fi.{extension.lower()}"
        assert saved.read_bytes().lstrip()[:len(magic)] == magic


def test_keyboard_reaches_the_content_and_the_forms(page: Page, base_url):
    page.goto(f"{base_url}/?lang=en")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(40):  # the search field is reachable by Tab alone
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    else:
        pytest.fail("the municipality search is not reachable by keyboard")
    page.keyboard.type("Vasa")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Vaasa")


def test_bad_parameters_are_a_4xx_page(page: Page, base_url):
    for path, status, text in (("/county/99?lang=en", 404, "Unknown county: 99"),
                               ("/vuosikello/pair-205/20x6?lang=en", 400, "Parameter year"),
                               ("/county/20?term_year=9&lang=sv", 400, "term_year")):
        response = page.goto(base_url + path)
        assert response is not None
        assert response.status == status
        expect(page.locator("#error-message")).to_contain_text(text)
