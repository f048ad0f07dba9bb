"""Signing in through a real OpenID Connect provider on 127.0.0.1 (issue 14).

The provider is tests/oidc_provider.py (Authlib's provider side under uvicorn); the app is
the real one in process, its Authlib client talking HTTP to the provider. The redirects are
followed by hand, as a browser follows them, with the cookies a browser would keep; the
same flow in Chromium is tests/browser/test_oidc_browser.py. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.integration.conftest import _fresh_postgres, assert_contains
from tests.integration.conftest import run_cli as _cli
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from web.oidc import verified_email

BASE = "https://hyte.example.fi"
CALLBACK = f"{BASE}/signin/oidc/callback"
MAIJA = "maija.meikalainen@kajaani.fi"
STRANGER = "stranger@kajaani.fi"


@dataclass
class Served:
    app: Any
    provider: Provider
    database_url: str


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(CALLBACK) as started:
        started.add_user(MAIJA, "Maija Meikäläinen")
        started.add_user(STRANGER, "Stranger")
        started.add_user("unverified@kajaani.fi", "Unverified", verified=False)
        # As Entra ID sends it: no email_verified, the domain owner's verification instead,
        # and the address in another case than the store's.
        started.add_user(MAIJA.upper(), "Maija (Entra)", verified=None, login="entra-maija",
                         xms_edov=True)
        started.add_user(MAIJA, "Maija (Entra, unverified)", verified=None,
                         login="entra-maija-unverified", xms_edov=False)
        yield started


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           postgres_url: str, provider: Provider) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("oidc")
    database_url = f"sqlite:///{folder / 'store.db'}" if request.param == "sqlite" \
        else _fresh_postgres(postgres_url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
        patch.setenv("YHDYSPINTA_PUBLIC_URL", BASE)
        patch.setenv("YHDYSPINTA_POLL_SECONDS", "0")
        patch.setenv("YHDYSPINTA_OIDC_ISSUER", provider.issuer)
        patch.setenv("YHDYSPINTA_OIDC_CLIENT_ID", CLIENT_ID)
        patch.setenv("YHDYSPINTA_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        patch.setenv("YHDYSPINTA_OIDC_LABEL", "Kainuu (Entra ID)")
        assert _cli("users", "add", MAIJA, "--name", "Maija Meikäläinen")[0] == 0
        assert _cli("users", "grant", MAIJA, "--party", "m205", "--role", "coordinator")[0] == 0
        from web.server import create

        app = create()
        try:
            yield Served(app, provider, database_url)
        finally:
            app.feeds.engine.dispose()


@pytest.fixture(autouse=True)
def well_behaved(provider: Provider) -> Iterator[None]:
    provider.misbehave = None
    yield
    provider.misbehave = None


class Browser:
    """Cookies kept per site, redirects followed by hand: the app in process, the provider
    over the loopback."""

    def __init__(self, served: Served, lang: str = "en") -> None:
        self.served = served
        self.lang = lang
        self.cookies = httpx.Cookies()

    async def _app(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.served.app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE, cookies=self.cookies,
                                     headers={"accept-language": self.lang}) as client:
            answer = await client.request(method, path, **kwargs)
            self.cookies = client.cookies
            return answer

    def app(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run(self._app(method, path, **kwargs))

    def csrf(self) -> str:
        if self.cookies.get("csrftoken") is None:
            self.app("GET", "/signin")
        token = self.cookies.get("csrftoken")
        assert token
        return token

    def to_provider(self, next_path: str = "/") -> str:
        """Press the provider's button: the provider's authorize address."""
        pressed = self.app("GET", "/signin/oidc", params={"next": next_path})
        assert pressed.status_code == 303, pressed.text
        location = pressed.headers["location"]
        assert location.startswith(f"{self.served.provider.issuer}/authorize?")
        return location

    def at_provider(self, authorize: str, login: str) -> str:
        """Sign in at the provider (its form): the callback address it sends us to."""
        with httpx.Client() as client:
            form_page = client.get(authorize)
            assert form_page.status_code == 200, form_page.text
            fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form_page.text))
            answer = client.post(f"{self.served.provider.issuer}/authorize",
                                 data={**fields, "login": login})
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(CALLBACK)
        return location

    def sign_in(self, login: str, next_path: str = "/") -> httpx.Response:
        callback = self.at_provider(self.to_provider(next_path), login)
        return self.app("GET", callback.removeprefix(BASE))


def _sessions(served: Served) -> int:
    engine = served.app.feeds.engine
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM web_session")).scalar_one())


def _set_cookie(answer: httpx.Response, name: str) -> str:
    return next(h for h in answer.headers.get_list("set-cookie") if h.startswith(f"{name}="))


def test_the_sign_in_page_offers_the_provider_and_keeps_the_email_link(served):
    page = Browser(served).app("GET", "/signin?lang=en")
    assert page.status_code == 200
    assert 'href="/signin/oidc?next=%2F"' in page.text
    assert "Sign in with Kainuu (Entra ID)" in page.text
    assert 'action="/signin"' in page.text  # the email link is still there
    assert CLIENT_SECRET not in page.text


def test_signing_in_through_the_provider_starts_a_store_session(served, caplog):
    caplog.set_level(logging.DEBUG)
    browser = Browser(served)
    before = _sessions(served)
    pressed = browser.app("GET", "/signin/oidc?next=/municipality/205")
    flow_cookie = _set_cookie(pressed, "yp_oidc").lower()
    assert_contains(flow_cookie, "httponly", "samesite=lax", "path=/signin/oidc", "secure")
    authorize = httpx.URL(pressed.headers["location"])
    # Authorization code with PKCE (S256), state and nonce.
    assert authorize.params["response_type"] == "code"
    assert authorize.params["code_challenge_method"] == "S256"
    assert authorize.params["client_id"] == CLIENT_ID
    assert authorize.params["redirect_uri"] == CALLBACK
    assert len(authorize.params["state"]) >= 20
    assert len(authorize.params["nonce"]) >= 20
    assert "openid" in authorize.params["scope"].split()
    callback = browser.at_provider(str(authorize), MAIJA)
    done = browser.app("GET", callback.removeprefix(BASE))
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/municipality/205"
    session_cookie = _set_cookie(done, "yp_session").lower()
    assert "httponly" in session_cookie
    assert "samesite=lax" in session_cookie
    assert 'yp_oidc=""' in _set_cookie(done, "yp_oidc")  # the flow is spent
    assert _sessions(served) == before + 1
    # The provider received the verifier that matches the challenge (it checked it).
    assert len(served.provider.token_requests[-1]["code_verifier"]) >= 43
    home = browser.app("GET", "/?lang=en")
    assert "Signed in: Maija Meikäläinen" in home.text
    assert served.app.pages.site.person(browser.cookies.get("yp_session")).email == MAIJA
    # The callback once more (the code and the flow are spent): refused, no new session.
    again = browser.app("GET", callback.removeprefix(BASE))
    assert again.status_code == 400
    assert _sessions(served) == before + 1
    logged = caplog.text
    assert CLIENT_SECRET not in logged
    assert browser.cookies.get("yp_session") not in logged


@pytest.mark.parametrize(("misbehave", "status", "words"), [
    ("state", 400, "does not belong to this sign-in"),
    ("signature", 400, "token is not valid"),
    ("nonce", 400, "token is not valid"),
    ("audience", 400, "token is not valid"),
    ("expired", 400, "token is not valid"),
    ("deny", 400, "did not accept the sign-in (access_denied)"),
])
def test_a_provider_answer_that_fails_a_check_is_refused_with_a_clear_page(
        served, misbehave, status, words):
    served.provider.misbehave = misbehave
    browser = Browser(served)
    before = _sessions(served)
    refused = browser.sign_in(MAIJA)
    assert refused.status_code == status, refused.text
    assert words in refused.text
    assert "Signing in did not work" in refused.text
    assert "Traceback" not in refused.text
    assert refused.headers["content-language"] == "en"
    assert "yp_session" not in refused.headers.get("set-cookie", "")
    assert _sessions(served) == before
    assert "Signed in" not in browser.app("GET", "/?lang=en").text


def test_the_page_is_in_the_language_the_sign_in_began_in(served):
    served.provider.misbehave = "nonce"
    browser = Browser(served, lang="sv")
    refused = browser.sign_in(MAIJA)
    assert refused.status_code == 400
    assert refused.headers["content-language"] == "sv"
    assert "Inloggningen misslyckades" in refused.text
    assert 'href="/signin?lang=fi"' in refused.text  # the switch leads to the sign-in page


def test_an_unknown_or_unverified_address_gets_a_clear_page_and_no_account(served):
    browser = Browser(served)
    before = _sessions(served)
    unknown = browser.sign_in(STRANGER)
    assert unknown.status_code == 403
    assert f"The address {STRANGER} has not been added to the service." in unknown.text
    unverified = browser.sign_in("unverified@kajaani.fi")
    assert unverified.status_code == 403
    assert "gave no verified email address" in unverified.text
    assert _sessions(served) == before
    code, out, _ = _cli("users", "list")
    assert code == 0
    assert STRANGER not in out


def test_an_entra_style_token_is_matched_by_its_verified_domain(served):
    browser = Browser(served)
    done = browser.sign_in("entra-maija", next_path="/county/18")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/county/18"
    assert served.app.pages.site.person(browser.cookies.get("yp_session")).email == MAIJA
    refused = Browser(served).sign_in("entra-maija-unverified")
    assert refused.status_code == 403
    assert "gave no verified email address" in refused.text


def test_verified_email_reads_the_standard_claim_or_entras():
    assert verified_email({"email": "a@b.fi", "email_verified": True}) == "a@b.fi"
    assert verified_email({"email": "a@b.fi", "email_verified": "true"}) == "a@b.fi"
    assert verified_email({"email": "a@b.fi", "xms_edov": True}) == "a@b.fi"
    assert verified_email({"email": "a@b.fi", "email_verified": False}) is None
    assert verified_email({"email": "a@b.fi"}) is None
    assert verified_email({"email_verified": True}) is None
    assert verified_email({"email": ["a@b.fi"], "email_verified": True}) is None


def test_a_callback_without_its_flow_or_with_a_forged_flow_is_refused(served):
    first = Browser(served)
    callback = first.at_provider(first.to_provider(), MAIJA)
    other = Browser(served)  # another browser: it never pressed the button
    refused = other.app("GET", callback.removeprefix(BASE))
    assert refused.status_code == 400
    assert "started in another browser" in refused.text
    other.cookies.set("yp_oidc", "forged.value", domain="hyte.example.fi")
    forged = other.app("GET", callback.removeprefix(BASE))
    assert forged.status_code == 400
    assert "started in another browser" in forged.text


def test_only_a_local_next_address_is_kept(served):
    browser = Browser(served)
    done = browser.sign_in(MAIJA, next_path="//evil.example/steal")
    assert done.status_code == 303
    assert done.headers["location"] == "/"


def test_without_a_provider_only_the_email_link_is_offered(tmp_path, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("YHDYSPINTA_PUBLIC_URL", BASE)
    for name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "LABEL"):
        monkeypatch.delenv(f"YHDYSPINTA_OIDC_{name}", raising=False)
    from web.server import create

    app = create()
    try:
        browser = Browser(Served(app, None, ""))  # type: ignore[arg-type]
        page = browser.app("GET", "/signin?lang=en")
        assert 'action="/signin"' in page.text
        assert "/signin/oidc" not in page.text
        missing = browser.app("GET", "/signin/oidc")
        assert missing.status_code == 404
    finally:
        app.feeds.engine.dispose()


@pytest.mark.parametrize("issuer", ["closed port", "another issuer"])
def test_an_unreachable_or_misnamed_provider_is_a_clear_page(tmp_path, monkeypatch, issuer,
                                                             provider):
    from tests.servers import free_port

    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("YHDYSPINTA_PUBLIC_URL", BASE)
    # The discovery document at localhost names 127.0.0.1: not the issuer configured.
    monkeypatch.setenv("YHDYSPINTA_OIDC_ISSUER", f"http://127.0.0.1:{free_port()}"
                       if issuer == "closed port"
                       else provider.issuer.replace("127.0.0.1", "localhost"))
    monkeypatch.setenv("YHDYSPINTA_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("YHDYSPINTA_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    from web.server import create

    app = create()
    try:
        browser = Browser(Served(app, None, ""), lang="fi")  # type: ignore[arg-type]
        down = browser.app("GET", "/signin/oidc?next=/county/18")
        assert down.status_code == 502
        assert "Tunnistuspalveluun ei juuri nyt saada yhteyttä" in down.text
        assert 'href="/signin/oidc?next=%2Fcounty%2F18"' in down.text  # try again, same place
        assert "Traceback" not in down.text
    finally:
        app.feeds.engine.dispose()


@pytest.mark.parametrize(("env", "name", "reason"), [
    ({"YHDYSPINTA_OIDC_ISSUER": "https://login.microsoftonline.com/t/v2.0"},
     "YHDYSPINTA_OIDC_CLIENT_SECRET", "go together: set all three or none"),
    ({"YHDYSPINTA_OIDC_ISSUER": "http://idp.example.fi", "YHDYSPINTA_OIDC_CLIENT_ID": "x",
      "YHDYSPINTA_OIDC_CLIENT_SECRET": "s3cret-value"},
     "YHDYSPINTA_OIDC_ISSUER", "must be an https:// issuer address"),
    ({"YHDYSPINTA_OIDC_CLIENT_SECRET": "s3cret-value"},
     "YHDYSPINTA_OIDC_CLIENT_SECRET", "go together: set all three or none"),
])
def test_provider_settings_are_checked_at_start_without_showing_the_secret(
        env, name, reason, monkeypatch, tmp_path):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    for variable in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "LABEL"):
        monkeypatch.delenv(f"YHDYSPINTA_OIDC_{variable}", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, out, err = _cli("users", "list")
    assert code == 1
    assert f"invalid setting {name}: " in err
    assert reason in err
    assert "s3cret-value" not in out + err
    assert "Traceback" not in err
