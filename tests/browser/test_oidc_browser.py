"""Signing in through a real OpenID Connect provider, in headless Chromium (issue 14).

`yhdyspinta serve` on 127.0.0.1 with YHDYSPINTA_OIDC_* pointing at the test provider
(tests/oidc_provider.py, Authlib's provider side, on another port of 127.0.0.1). Chromium
follows the real redirects: the sign-in page, the provider's page, the callback, the duty
page. The pages pass axe-core's WCAG 2.1 A/AA rules and are used with the keyboard only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_axe_clean as _axe_clean
from tests.browser.conftest import seed_signed_up
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from tests.servers import serving

TODAY = "2026-11-28"
REPORT = "hyte-annual-report-municipality.m205.2026"
MAIJA = "maija.meikalainen@kajaani.fi"
STRANGER = "stranger@kajaani.fi"


@dataclass
class Served:
    url: str
    log: Path
    provider: Provider


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("oidc-browser")
    with running_provider("http://127.0.0.1/unknown-yet") as provider, \
            pytest.MonkeyPatch.context() as patch:
        provider.add_user(MAIJA, "Maija Meikäläinen")
        provider.add_user(STRANGER, "Stranger")
        seed_signed_up(patch, folder, MAIJA, "Maija Meikäläinen")
        env = {"YHDYSPINTA_OIDC_ISSUER": provider.issuer,
               "YHDYSPINTA_OIDC_CLIENT_ID": CLIENT_ID,
               "YHDYSPINTA_OIDC_CLIENT_SECRET": CLIENT_SECRET,
               "YHDYSPINTA_OIDC_LABEL": "Kainuu (Entra ID)"}
        with serving(folder, TODAY, env) as url:
            provider.client.redirect_uris = [f"{url}/signin/oidc/callback"]
            yield Served(url, folder / "serve.log", provider)
        assert CLIENT_SECRET not in (folder / "serve.log").read_text()


@pytest.fixture(autouse=True)
def well_behaved(served: Served) -> Iterator[None]:
    served.provider.misbehave = None
    yield
    served.provider.misbehave = None


def _press(page: Page, name: str) -> None:
    """The provider's button (a link) reached and pressed with the keyboard."""
    button = page.get_by_role("link", name=name)
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")


def _at_provider(page: Page, login: str) -> None:
    expect(page.locator("h1")).to_contain_text("Test provider")
    page.get_by_label("Account").focus()
    page.keyboard.type(login)
    page.keyboard.press("Enter")


def test_sign_in_through_the_provider_and_reach_the_duty_page(page: Page, served: Served):
    page.goto(f"{served.url}/signin?lang=en&next=/duty/{REPORT}")
    expect(page.get_by_role("link", name="Sign in with Kainuu (Entra ID)")).to_be_visible()
    expect(page.get_by_label("Email address")).to_be_visible()  # the email link stays
    _axe_clean(page)
    _press(page, "Sign in with Kainuu (Entra ID)")
    page.wait_for_url(re.compile(re.escape(served.provider.issuer) + "/authorize"))
    _at_provider(page, MAIJA)
    page.wait_for_url(f"**/duty/{REPORT}")
    expect(page.locator(".account")).to_contain_text("Signed in: Maija Meikäläinen")
    _axe_clean(page)
    page.context.clear_cookies()
    page.goto(f"{served.url}/duty/{REPORT}?lang=en")
    expect(page.locator(".account")).not_to_contain_text("Signed in")


@pytest.mark.parametrize(("misbehave", "words"), [
    ("state", "Identifieringstjänstens svar hör inte till den här inloggningen."),
    ("nonce", "Identifieringstjänstens token godtas inte"),
    ("audience", "Identifieringstjänstens token godtas inte"),
    ("signature", "Identifieringstjänstens token godtas inte"),
])
def test_a_bad_answer_from_the_provider_is_a_clear_page_in_swedish(
        page: Page, served: Served, misbehave: str, words: str):
    served.provider.misbehave = misbehave
    page.goto(f"{served.url}/signin?lang=sv")
    _press(page, "Logga in: Kainuu (Entra ID)")
    _at_provider(page, MAIJA)
    expect(page.locator("h1")).to_have_text("Inloggningen misslyckades")
    expect(page.get_by_role("alert")).to_contain_text(words)
    expect(page.locator(".account")).not_to_contain_text("Inloggad")
    assert "/signin/oidc/callback" in page.url
    _axe_clean(page)


def test_an_unknown_person_gets_a_clear_page_in_finnish(page: Page, served: Served):
    page.goto(f"{served.url}/signin?lang=fi")
    _press(page, "Kirjaudu: Kainuu (Entra ID)")
    _at_provider(page, STRANGER)
    expect(page.locator("h1")).to_have_text("Kirjautuminen ei onnistunut")
    expect(page.get_by_role("alert")).to_have_text(
        f"Osoitetta {STRANGER} ei ole lisätty palveluun. Pyydä ylläpitäjää lisäämään sinut.")
    _axe_clean(page)
    # The page offers the email link instead, in the same language.
    page.get_by_role("link", name="Kirjaudu sähköpostilinkillä").click()
    expect(page.get_by_label("Sähköpostiosoite")).to_be_visible()
