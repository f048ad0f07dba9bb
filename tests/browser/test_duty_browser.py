"""Signing in by email link and recording a step on the duty page, in headless Chromium.

Against `yhdyspinta serve` on 127.0.0.1 with no SMTP configured: the sign-in link is taken
from the server's console, as under `make run`. The sign-in, confirmation and duty pages
pass axe-core's WCAG 2.1 A/AA rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_axe_clean as _axe_clean
from tests.browser.conftest import seed_signed_up
from tests.servers import serving

TODAY = "2026-11-28"
REPORT = "hyte-annual-report-municipality.m205.2026"
MAIJA = "maija.meikalainen@kajaani.fi"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("duty-browser")
    with pytest.MonkeyPatch.context() as patch:
        seed_signed_up(patch, folder, MAIJA, "Maija Meikäläinen")
        with serving(folder, TODAY) as url:
            yield url, folder / "serve.log"


def _link_from_console(log: Path) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = re.findall(r"sign-in link for \S+ \(no YHDYSPINTA_SMTP_URL set\): (\S+)",
                           log.read_text())
        if found:
            return str(found[-1])
        time.sleep(0.2)
    raise AssertionError("no sign-in link on the console:\n" + log.read_text())


def test_sign_in_by_link_and_record_a_step_with_its_minutes(page: Page, served):
    url, log = served
    page.goto(f"{url}/signin?lang=en&next=/duty/{REPORT}")
    _axe_clean(page)
    page.get_by_label("Email address").fill(MAIJA)
    page.get_by_role("button", name="Send a sign-in link").click()
    expect(page.get_by_role("status")).to_contain_text("a sign-in link is on its way")
    page.goto(_link_from_console(log))
    expect(page.locator("h1")).to_have_text("Confirm signing in")
    _axe_clean(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/duty/{REPORT}")
    expect(page.locator(".account")).to_contain_text("Signed in: Maija Meikäläinen")
    _axe_clean(page)
    step = page.locator("#step-data-compiled")
    step.get_by_label("Status").select_option("done")
    step.get_by_label("Minutes address (http or https)").fill(
        "https://www.kajaani.fi/poytakirjat/kh-2026-11-23")
    step.get_by_label("Decided by").fill("Kajaanin kaupunginhallitus")
    step.get_by_label("Section (§)").fill("312")
    step.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.locator(".evidence")).to_contain_text("Kajaanin kaupunginhallitus")
    _axe_clean(page)
    page.goto(f"{url}/municipality/205?lang=en")
    expect(page.locator("a[href='https://www.kajaani.fi/poytakirjat/kh-2026-11-23']")
           ).to_have_count(1)
    # Signed in, the page leads with what needs her; it passes axe too.
    expect(page.locator("#needs-heading")).to_have_text("What needs me")
    expect(page.locator("#needs-late")).to_be_visible()
    _axe_clean(page)
    page.goto(f"{url}/county/20?lang=en")
    expect(page.locator("#needs-heading")).to_have_text("What needs me")
    _axe_clean(page)
