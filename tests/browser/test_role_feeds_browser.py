"""The municipality page offers only the role feeds that hold something (issue 15.13).

In headless Chromium against `yhdyspinta serve`, with role feeds public so that every
offered one can be followed: each offered feed has events; each role feed of the catalogue
that the page leaves out is, fetched by its address, an empty calendar.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import vobject
from playwright.sync_api import Page, expect

from calendars.feeds import feed_catalogue
from obligations.loader import load_definitions
from obligations.parties import PartyRef, load_registry
from tests.servers import serving

TODAY = "2026-11-28"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    public = {"YHDYSPINTA_PUBLIC_FEEDS": '["role-*"]'}
    with serving(tmp_path_factory.mktemp("role-feeds"), TODAY, public) as url:
        yield url


def _events(body: str) -> list[object]:
    calendar = vobject.readOne(body)
    return list(calendar.contents.get("vevent", []))


@pytest.mark.parametrize(("code", "lang"), [("205", "en"), ("545", "sv")])
def test_the_page_offers_only_role_feeds_with_events(page: Page, base_url, code, lang):
    # What the server serves: the shipped definitions and registry.
    catalogue = {spec.id for spec in feed_catalogue(load_registry(), load_definitions())
                 if spec.kind == "role" and spec.party == PartyRef.of_municipality(code)}
    page.goto(f"{base_url}/municipality/{code}?lang={lang}")
    roles = page.locator("details.role-feeds")
    roles.locator("summary").click()
    boxes = roles.locator("li.feed")
    expect(boxes.first).to_be_visible()
    offered = {(boxes.nth(n).get_attribute("id") or "").removeprefix("feed-")
               for n in range(boxes.count())}
    assert offered
    for feed_id in sorted(offered):
        link = roles.locator(f"#feed-{feed_id} a.https-link")
        expect(link).to_be_visible()
        response = page.request.get(link.get_attribute("href") or "")
        assert response.status == 200, feed_id
        assert _events(response.text()), f"{feed_id} is offered but empty"
    # Some are left out (a role whose steps come only after the feeds' window, such as
    # the multisector group of the next term's welfare plan) ...
    assert offered < catalogue
    for feed_id in sorted(catalogue - offered):  # ... and those are the empty ones
        response = page.request.get(f"{base_url}/public/{feed_id}.{lang}.ics")
        assert response.status == 200, feed_id
        assert _events(response.text()) == [], f"{feed_id} has events but is not offered"
