"""Signing in by email link, sessions, CSRF, and recording steps on the duty page (issue 14).

The real app in process over httpx (cookies kept as a browser keeps them), the real store
(SQLite and PostgreSQL) and a real SMTP server on 127.0.0.1 that receives the links.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.integration.conftest import _fresh_postgres
from tests.integration.conftest import cli_output as _cli
from tests.receivers import SmtpServer
from yhdyspinta import clock

TODAY = "2026-11-28"
REPORT = "hyte-annual-report-municipality.m205.2026"
OULU = "hyte-annual-report-municipality.m564.2026"
BASE = "https://hyte.example.fi"
MAIJA = "maija.meikalainen@kajaani.fi"
PEKKA = "pekka@kajaani.fi"


@dataclass
class Served:
    app: Any
    smtp: SmtpServer

    @property
    def site(self) -> Any:
        return self.app.pages.site

    def links(self, to: str) -> list[str]:
        found = []
        for mail in self.smtp.sink.received:
            if mail.message["To"] == to:
                found += re.findall(r"https://\S+/signin/link\?\S+", mail.part("text/plain"))
        return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
           postgres_url: str) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("signin")
    database_url = f"sqlite:///{folder / 'store.db'}" if request.param == "sqlite" \
        else _fresh_postgres(postgres_url)
    smtp = SmtpServer()
    smtp.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
        patch.setenv("YHDYSPINTA_TODAY", TODAY)
        patch.setenv("YHDYSPINTA_PUBLIC_URL", BASE)
        patch.setenv("YHDYSPINTA_POLL_SECONDS", "0")
        patch.setenv("YHDYSPINTA_SMTP_URL", smtp.url())
        # The tests sign the same people in many times; the limits have a test of their own.
        patch.setattr("state.people.LINKS_PER_ADDRESS", 1000)
        _cli("sync", "--today", TODAY)
        _cli("users", "add", MAIJA, "--name", "Maija Meikäläinen")
        _cli("users", "grant", MAIJA, "--party", "m205", "--role", "coordinator")
        _cli("users", "add", PEKKA, "--name", "Pekka Puheenjohtaja")
        _cli("users", "grant", PEKKA, "--party", "m205", "--role", "coordinator")
        from web.server import create

        app = create()
        try:
            yield Served(app, smtp)
        finally:
            app.feeds.engine.dispose()
            smtp.stop()


class Browser:
    """One browser: its cookies kept between requests, as a real one keeps them."""

    def __init__(self, served: Served, client: str = "127.0.0.1") -> None:
        self.served = served
        self.transport = httpx.ASGITransport(app=served.app, client=(client, 50000))
        self.cookies = httpx.Cookies()

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async with httpx.AsyncClient(transport=self.transport, base_url=BASE,
                                     cookies=self.cookies,
                                     headers={"accept-language": "en"}) as client:
            answer = await client.request(method, path, **kwargs)
            self.cookies = client.cookies
            return answer

    def get(self, path: str) -> httpx.Response:
        return asyncio.run(self.request("GET", path))

    def post(self, path: str, data: dict[str, str], *, csrf: bool = True) -> httpx.Response:
        if csrf:
            data = {"csrftoken": self.csrf(), **data}
        return asyncio.run(self.request("POST", path, data=data))

    def csrf(self) -> str:
        token = self.cookies.get("csrftoken")
        if token is None:
            self.get("/signin")
            token = self.cookies.get("csrftoken")
        assert token
        return token

    def sign_in(self, email: str) -> httpx.Response:
        before = len(self.served.links(email))
        sent = self.post("/signin", {"email": email, "next": "/municipality/205"})
        assert sent.status_code == 200, sent.text
        links = self.served.links(email)
        assert len(links) == before + 1
        link = links[-1].replace(BASE, "")
        confirm = self.get(link)
        assert confirm.status_code == 200
        token = re.search(r'name="token" value="([^"]+)"', confirm.text)
        assert token is not None
        return self.post("/signin/link", {"token": token.group(1), "next": "/municipality/205"})


def _set_cookie(answer: httpx.Response, name: str) -> str:
    return next(h for h in answer.headers.get_list("set-cookie") if h.startswith(f"{name}="))


def test_email_link_signs_in_once_and_signing_out_ends_the_session(served):
    browser = Browser(served)
    asked = browser.get("/signin?lang=en")
    assert asked.status_code == 200
    assert 'name="csrftoken"' in asked.text
    before = len(served.links(MAIJA))
    sent = browser.post("/signin", {"email": MAIJA.upper()})
    assert "a sign-in link is on its way" in sent.text
    [link] = served.links(MAIJA)[before:]
    assert "lang=en" in link
    path = link.replace(BASE, "")
    # Opening the link (as a mail scanner would) changes nothing: the link still works.
    for _ in range(2):
        confirm = browser.get(path)
        assert confirm.status_code == 200
        assert "yp_session" not in confirm.headers.get("set-cookie", "")
        assert f"Sign in as {MAIJA}." in confirm.text
    token = re.search(r'name="token" value="([^"]+)"', confirm.text).group(1)  # type: ignore[union-attr]
    started = browser.post("/signin/link", {"token": token, "next": "/municipality/205"})
    assert started.status_code == 303
    assert started.headers["location"] == "/municipality/205"
    cookie = _set_cookie(started, "yp_session").lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=lax" in cookie
    page = browser.get("/municipality/205?lang=en")
    assert "Signed in: Maija Meikäläinen" in page.text
    assert page.headers["cache-control"] == "private, no-store"
    again = browser.post("/signin/link", {"token": token})
    assert again.status_code == 410
    assert "already been used" in again.text
    # Signing out without the form's CSRF token is refused; with it, the session ends.
    refused = browser.post("/signout", {}, csrf=False)
    assert refused.status_code == 403
    assert "Signed in: Maija" in browser.get("/?lang=en").text
    session_id = browser.cookies.get("yp_session")
    out = browser.post("/signout", {})
    assert out.status_code == 303
    assert "Signed in" not in browser.get("/?lang=en").text
    assert served.site.person(session_id) is None  # ended in the store, not just forgotten


def test_unknown_address_looks_the_same_and_gets_nothing(served):
    browser = Browser(served, "10.0.0.2")
    count = len(served.smtp.sink.received)
    sent = browser.post("/signin", {"email": "nobody@example.fi"})
    assert sent.status_code == 200
    assert "nobody@example.fi" in sent.text
    assert len(served.smtp.sink.received) == count
    bad = browser.post("/signin", {"email": "not an address"})
    assert bad.status_code == 400


def test_expired_or_forged_link_is_a_clear_page(served):
    browser = Browser(served, "10.0.0.3")
    browser.post("/signin", {"email": PEKKA})
    link = served.links(PEKKA)[-1].replace(BASE, "")
    later = clock.now() + timedelta(minutes=16)
    served.site.now = lambda: later
    try:
        expired = browser.get(link + "&lang=en")
    finally:
        served.site.now = clock.now
    assert expired.status_code == 410
    assert "This sign-in link has expired. Ask for a new one." in expired.text
    forged = browser.get("/signin/link?token=forged&lang=en")
    assert forged.status_code == 400
    assert "not valid" in forged.text


def test_sessions_end_when_idle_and_after_their_lifetime(served):
    browser = Browser(served, "10.0.0.4")
    assert browser.sign_in(PEKKA).status_code == 303
    session_id = browser.cookies.get("yp_session")
    start = clock.now()

    def at(moment: datetime) -> Any:
        served.site.now = lambda: moment
        return served.site.person(session_id)

    try:
        for hour in range(1, 12):  # a visit every hour keeps it alive ...
            assert at(start + timedelta(hours=hour)) is not None
        assert at(start + timedelta(hours=12, minutes=1)) is None  # ... until its lifetime
    finally:
        served.site.now = clock.now
    other = Browser(served, "10.0.0.5")
    other.sign_in(MAIJA)
    idle_id = other.cookies.get("yp_session")
    served.site.now = lambda: start + served.site.session_idle + timedelta(minutes=2)
    try:
        assert served.site.person(idle_id) is None
    finally:
        served.site.now = clock.now


def test_sign_in_links_are_rate_limited_per_address_and_per_client(served, monkeypatch):
    monkeypatch.setattr("state.people.LINKS_PER_ADDRESS", 3)
    browser = Browser(served, "10.0.0.6")
    for _ in range(3):
        assert browser.post("/signin", {"email": "ratelimit@example.fi"}).status_code == 200
    limited = browser.post("/signin", {"email": "ratelimit@example.fi"})
    assert limited.status_code == 429
    many = Browser(served, "10.0.0.7")
    for number in range(10):
        many.post("/signin", {"email": f"r{number}@example.fi"})
    assert many.post("/signin", {"email": "r99@example.fi"}).status_code == 429


def _form(page: httpx.Response, step: str) -> dict[str, str]:
    """The hidden fields of a step's form on the duty page."""
    part = page.text.split(f'id="step-{step}"', 1)[1].split("</section>", 1)[0]
    revision = re.search(r'name="revision" value="(\d+)"', part)
    assert revision is not None, f"no form for {step}"
    return {"step": step, "revision": revision.group(1)}


def test_a_coordinator_records_a_decision_with_its_minutes(served):
    browser = Browser(served, "10.1.0.1")
    browser.sign_in(MAIJA)
    page = browser.get(f"/duty/{REPORT}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    minutes = "https://www.kajaani.fi/poytakirjat/hyvinvointikertomus-2026"
    saved = browser.post(f"/duty/{REPORT}", {
        **_form(page, "data-compiled"), "status": "done", "url": minutes,
        "decided_by": "Kajaanin kaupunginhallitus", "decided_on": "2026-11-23",
        "section": "312", "note": ""})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("#step-data-compiled")
    municipality = browser.get("/municipality/205")
    assert minutes in municipality.text
    assert "Kajaanin kaupunginhallitus" in municipality.text
    table = browser.get("/county/20.csv?term_year=all").text
    row = next(line for line in table.splitlines() if REPORT in line)
    assert ",1," in row  # one step done
    from sqlmodel import Session, select

    from state.models import AuditRow

    with Session(served.site.engine) as session:
        audit = session.exec(select(AuditRow).where(AuditRow.occurrence_id == REPORT)).all()
    assert {(a.action, a.actor, a.channel) for a in audit} == {
        ("status", f"Maija Meikäläinen <{MAIJA}>", "web"),
        ("evidence", f"Maija Meikäläinen <{MAIJA}>", "web")}
    # The predecessor rule holds on the web too; an override needs its reason.
    page = browser.get(f"/duty/{REPORT}")
    early = browser.post(f"/duty/{REPORT}", {**_form(page, "council"), "status": "done"})
    assert early.status_code == 409
    assert "cannot be done before" in early.text
    no_reason = browser.post(f"/duty/{REPORT}", {**_form(page, "council"), "status": "done",
                                                 "force": "1"})
    assert no_reason.status_code == 400
    forced = browser.post(f"/duty/{REPORT}", {**_form(page, "council"), "status": "done",
                                              "force": "1", "note": "decided on 16.11."})
    assert forced.status_code == 303


def test_denials_other_party_no_csrf_anonymous_and_javascript_url(served):
    browser = Browser(served, "10.1.0.2")
    anonymous = browser.get(f"/duty/{REPORT}")
    assert anonymous.status_code == 200
    assert 'name="revision"' not in anonymous.text  # read-only
    assert "Sign in to change" in anonymous.text
    refused = browser.post(f"/duty/{REPORT}", {"step": "board", "revision": "0",
                                               "status": "done"}, csrf=False)
    assert refused.status_code == 403
    browser.sign_in(PEKKA)
    oulu = browser.get(f"/duty/{OULU}")
    assert oulu.status_code == 200
    assert 'name="revision"' not in oulu.text
    assert "Your grants do not cover this step." in oulu.text
    other = browser.post(f"/duty/{OULU}", {"step": "data-compiled", "revision": "0",
                                           "status": "done"})
    assert other.status_code == 403
    page = browser.get(f"/duty/{REPORT}")
    no_csrf = browser.post(f"/duty/{REPORT}", {**_form(page, "board"), "status": "done"},
                           csrf=False)
    assert no_csrf.status_code == 403
    assert "The form expired or came from elsewhere" in no_csrf.text
    script = browser.post(f"/duty/{REPORT}", {**_form(page, "board"), "status": "in_progress",
                                              "url": "javascript:alert(1)"})
    assert script.status_code == 400
    assert "must start with http:// or https://" in script.text
    assert "javascript:alert" not in browser.get("/municipality/205").text
    waived = browser.post(f"/duty/{REPORT}", {**_form(page, "board"), "status": "waived"})
    assert waived.status_code == 400
    assert browser.get(f"/duty/{REPORT}").text.count("javascript:") == 0


def test_two_people_editing_one_step_the_second_sees_the_conflict(served):
    first, second = Browser(served, "10.1.0.3"), Browser(served, "10.1.0.4")
    first.sign_in(MAIJA)
    second.sign_in(PEKKA)
    seen_first = _form(first.get(f"/duty/{REPORT}"), "responsible-body")
    seen_second = _form(second.get(f"/duty/{REPORT}"), "responsible-body")
    assert seen_first == seen_second
    done = first.post(f"/duty/{REPORT}", {**seen_first, "status": "in_progress",
                                          "note": "on the board's list 1.12."})
    assert done.status_code == 303
    stale = second.post(f"/duty/{REPORT}", {**seen_second, "status": "not_applicable",
                                            "note": "not ours"})
    assert stale.status_code == 409
    assert "Someone changed this step meanwhile" in stale.text
    assert "on the board&#39;s list 1.12." in stale.text  # the current version ...
    assert "not ours" in stale.text  # ... and theirs
    assert "Maija Meikäläinen" in stale.text
    current = _form(second.get(f"/duty/{REPORT}"), "responsible-body")
    assert int(current["revision"]) == int(seen_second["revision"]) + 1


def _api(served: Served, method: str, path: str, token: str | None = None,
         **kwargs: Any) -> httpx.Response:
    headers = dict(kwargs.pop("headers", {}))
    if token is not None:
        headers["authorization"] = f"Bearer {token}"

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=served.app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            return await client.request(method, path, headers=headers, **kwargs)

    return asyncio.run(call())


def test_the_write_api_with_a_personal_access_token(served):
    token = _cli("users", "token", MAIJA, "--name", "test script").splitlines()[1]
    step = f"/api/v1/occurrences/{REPORT}/steps/board"
    assert _api(served, "GET", step).status_code == 401
    unknown = _api(served, "GET", step, "not-a-token")
    assert unknown.status_code == 401
    assert unknown.json()["parameter"] == "Authorization"
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    read = _api(served, "GET", step, token)
    assert read.status_code == 200
    assert read.json()["may_change"] is True
    etag = read.headers["etag"]
    body = {"status": "done", "note": "approved", "force": True,
            "evidence": {"url": "https://www.kajaani.fi/ptk/kh-2026-11-23", "decided_by":
                         "Kajaanin kaupunginhallitus", "decided_on": "2026-11-23",
                         "section": "310"}}
    script = _api(served, "PATCH", step, token, headers={"if-match": etag},
                  json={**body, "evidence": {"url": "javascript:alert(1)"}})
    assert (script.status_code, script.json()["parameter"]) == (400, "evidence.url")
    bad = _api(served, "PATCH", step, token, json={"status": "finished"})
    assert (bad.status_code, bad.json()["parameter"]) == (400, "status")
    waived = _api(served, "PATCH", step, token, json={"status": "waived"})
    assert (waived.status_code, waived.json()["parameter"]) == (400, "note")
    not_json = _api(served, "PATCH", step, token, content=b"status=done",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert not_json.status_code == 415
    done = _api(served, "PATCH", step, token, headers={"if-match": etag}, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["evidence"][-1]["url"] == "https://www.kajaani.fi/ptk/kh-2026-11-23"
    assert done.headers["etag"] != etag
    stale = _api(served, "PATCH", step, token, headers={"if-match": etag},
                 json={"status": "in_progress"})
    assert (stale.status_code, stale.json()["parameter"]) == (412, "If-Match")
    oulu = _api(served, "PATCH", f"/api/v1/occurrences/{OULU}/steps/data-compiled", token,
                json={"status": "done"})
    assert oulu.status_code == 403
    missing = _api(served, "GET", f"/api/v1/occurrences/{REPORT}/steps/nothing", token)
    assert (missing.status_code, missing.json()["parameter"]) == (404, "step")
    from sqlmodel import Session, select

    from state.models import AuditRow

    with Session(served.site.engine) as session:
        channels = {a.channel for a in session.exec(select(AuditRow).where(
            AuditRow.occurrence_id == REPORT, AuditRow.step == "board")).all()}
    assert "api" in channels


def test_a_fresh_browser_cannot_be_signed_in_by_another_site(served):
    """Login CSRF: the confirmation POST needs the form's token even with no cookie yet."""
    attacker = Browser(served, "10.2.0.1")
    attacker.post("/signin", {"email": PEKKA})
    link = served.links(PEKKA)[-1]
    token = re.search(r"token=([^&]+)", link).group(1)  # type: ignore[union-attr]
    victim = Browser(served, "10.2.0.2")
    forged = victim.post("/signin/link", {"token": token}, csrf=False)
    assert forged.status_code == 403
    assert "yp_session" not in forged.headers.get("set-cookie", "")
