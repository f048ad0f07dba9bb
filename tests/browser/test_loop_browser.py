"""The whole loop a coordinator lives, in headless Chromium, in Finnish, Swedish and English.

A real store behind `yhdyspinta serve`, a real SMTP server and a real OpenID Connect
provider (tests/oidc_provider.py), all on 127.0.0.1. For each language: `remind` sends the
coordinator her reminder → the step link is taken from the email as received → she signs
in through the provider → on the duty page she records the council's decision with its
minutes (the keyboard only) and then publishing → the county page shows the duty
complete → the feed (parsed with icalendar) shows the event done → the next reminder day
sends nothing for it, although a dry run before said it would have. Every page of ours
visited passes axe-core's WCAG 2.1 A/AA rules.

Then the refusals a browser meets: another municipality's step, a form without its CSRF
token, two people editing one step, an expired mark-done link and a `javascript:` minutes
address.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import icalendar
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from obligations.catalogue import gettext
from obligations.lang import Lang
from obligations.parties import load_registry
from state.marklinks import make_link
from tests.browser.conftest import axe_violations, format_violations
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from tests.receivers import ReceivedMail, SmtpServer
from tests.servers import serving
from yhdyspinta.cli import main

TODAY = "2026-12-01"  # 30 days before the reports' 31.12.2026: a reminder day
OBLIGATION = "hyte-annual-report-municipality"
SECRET = "a-test-secret-key-that-signs-the-links-0123456789"
MINUTES = "https://www.example.fi/poytakirjat/kv-2026-11-23"
PEKKA = "pekka@kajaani.fi"
LABEL = "Kainuu (Entra ID)"


@dataclass(frozen=True)
class Coordinator:
    """A coordinator, her municipality and the next reminder day her test checks."""

    lang: Lang
    email: str
    name: str
    municipality: str
    locale: str
    next_reminder: str

    @property
    def report(self) -> str:
        return f"{OBLIGATION}.m{self.municipality}.2026"


# Each language checks its own later reminder day (14, 7 → 23.12 and 1 day before), so a
# run for one coordinator cannot have sent another's notice before her test marks it done.
COORDINATORS = {
    "fi": Coordinator("fi", "maija.meikalainen@kajaani.fi", "Maija Meikäläinen", "205",
                      "fi-FI", "2026-12-17"),
    "sv": Coordinator("sv", "sara.samordnare@vaasa.fi", "Sara Samordnare", "905", "sv-FI",
                      "2026-12-23"),
    "en": Coordinator("en", "olli.oululainen@ouka.fi", "Olli Oululainen", "564", "en-GB",
                      "2026-12-30"),
}
MAIJA = COORDINATORS["fi"]
# The names the shipped definition gives the report and its last step.
REPORT_NAMES = {"fi": "Vuosittainen hyvinvointiraportti kunnanvaltuustolle",
                "sv": "Årlig välfärdsrapport till kommunfullmäktige",
                "en": "Annual wellbeing and health report to the municipal council"}
STEP_NAMES = {"published": {"fi": "Julkaistu", "sv": "Publicerad", "en": "Published"}}


@dataclass
class Loop:
    url: str
    smtp: SmtpServer
    provider: Provider

    def cli(self, *argv: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        code = main([*argv, "--lang", "en"], out=out, err=err)
        assert (code, err.getvalue()) == (0, ""), out.getvalue()
        return out.getvalue()

    def mails(self, to: str) -> list[ReceivedMail]:
        return [m for m in self.smtp.sink.received if to in m.envelope_to]


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    folder = tmp_path_factory.mktemp("loop")
    smtp = SmtpServer()
    smtp.start()
    with running_provider("http://127.0.0.1/unknown-yet") as provider, \
            pytest.MonkeyPatch.context() as patch:
        env = {"YHDYSPINTA_SECRET_KEY": SECRET, "YHDYSPINTA_SMTP_URL": smtp.url(),
               "YHDYSPINTA_OIDC_ISSUER": provider.issuer,
               "YHDYSPINTA_OIDC_CLIENT_ID": CLIENT_ID,
               "YHDYSPINTA_OIDC_CLIENT_SECRET": CLIENT_SECRET,
               "YHDYSPINTA_OIDC_LABEL": LABEL,
               "YHDYSPINTA_PUBLIC_FEEDS": '["pair-*"]', "YHDYSPINTA_POLL_SECONDS": "0"}
        patch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
        patch.setenv("YHDYSPINTA_NOTIFY_WAIT_SECONDS", "0")
        for name, value in env.items():
            patch.setenv(name, value)
        with serving(folder, TODAY, env) as url:
            patch.setenv("YHDYSPINTA_PUBLIC_URL", url)
            provider.client.redirect_uris = [f"{url}/signin/oidc/callback"]
            ready = Loop(url, smtp, provider)
            rows = ["party,role,name,email,teams,language,delivery"]
            for person in (*COORDINATORS.values(),):
                provider.add_user(person.email, person.name)
                ready.cli("users", "add", person.email, "--name", person.name)
                ready.cli("users", "grant", person.email, "--party",
                          f"m{person.municipality}", "--role", "coordinator")
                rows.append(f"{person.municipality},coordinator,{person.name},{person.email},"
                            f",{person.lang},digest")
                # Mid-term: the report's first three steps are already done.
                for step in ("data-compiled", "responsible-body", "board"):
                    ready.cli("step", "set", person.report, step, "done", "--by", "onboarding")
            provider.add_user(PEKKA, "Pekka Puheenjohtaja")
            ready.cli("users", "add", PEKKA, "--name", "Pekka Puheenjohtaja")
            ready.cli("users", "grant", PEKKA, "--party", "m205", "--role", "coordinator")
            contacts = folder / "contacts.csv"
            contacts.write_text("\n".join(rows) + "\n", encoding="utf-8")
            ready.cli("contacts", "import", str(contacts))
            ready.cli("remind", "--today", TODAY)
            yield ready
        assert CLIENT_SECRET not in (folder / "serve.log").read_text()
    smtp.stop()


def _told(dry_run: str, who: Coordinator, step: str) -> list[str]:
    """The lines of a dry run of `remind` that would tell `who` of her report's step."""
    blocks = re.split(r"^(?=→ )", dry_run, flags=re.MULTILINE)
    lines = [line for b in blocks if b.startswith(f"→ {who.name} (") for line in b.splitlines()]
    report, named = f"{REPORT_NAMES[who.lang]} 2026 – ", f" / {STEP_NAMES[step][who.lang]} ("
    return [line for line in lines if report in line and named in line]


def _axe_clean(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def _tab_to(page: Page, target: Locator, limit: int = 400) -> None:
    """Tab (the keyboard only) until `target` has the focus."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with Tab")


def _type_date(page: Page, field: Locator, day: date) -> None:
    """Type a date into a date field, in whichever order the browser's locale shows it."""
    for order in ("%m%d%Y", "%d%m%Y", "%Y%m%d"):
        _tab_to(page, field)
        page.keyboard.type(day.strftime(order))
        if field.input_value() == day.isoformat():
            return
        page.keyboard.press("Shift+Tab")  # back to the first part, and start again
        for _ in range(3):
            page.keyboard.press("Backspace")
            page.keyboard.press("Tab")
    raise AssertionError(f"the date field did not take {day}")


def _sign_in(page: Page, loop: Loop, email: str) -> None:
    """From a page with the sign-in link, through the provider, with the keyboard only."""
    link = page.locator("a[href^='/signin?']").first
    _tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/signin\?"))
    _axe_clean(page)
    button = page.locator("a[href^='/signin/oidc']")
    expect(button).to_contain_text(LABEL)
    _tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(loop.provider.issuer) + "/authorize"))
    page.get_by_label("Account").focus()
    page.keyboard.type(email)
    page.keyboard.press("Enter")


def _record(page: Page, step: str, status: str = "done", **evidence: str) -> None:
    """Fill one step's form with the keyboard and send it."""
    form = page.locator(f"#step-{step} form.step-form")
    select = form.locator("select[name=status]")
    _tab_to(page, select)
    for _ in range(5):
        if select.input_value() == status:
            break
        page.keyboard.press("ArrowDown")
    assert select.input_value() == status
    for name, value in evidence.items():
        field = form.locator(f"[name={name}]")
        if name == "decided_on":
            _type_date(page, field, date.fromisoformat(value))
        else:
            _tab_to(page, field)
            page.keyboard.type(value)
    _tab_to(page, form.locator("button[type=submit]"))
    page.keyboard.press("Enter")


@pytest.mark.parametrize("lang", list(COORDINATORS))
def test_from_the_reminder_to_done_in_every_language(browser: Browser, loop: Loop, lang: str):
    who = COORDINATORS[lang]
    context = browser.new_context(locale=who.locale, timezone_id="Europe/Helsinki")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        _loop(page, loop, who)
    finally:
        context.close()


def _loop(page: Page, loop: Loop, who: Coordinator) -> None:
    lang, report = who.lang, who.report
    region = load_registry().municipality(who.municipality).region_code
    mail = loop.mails(who.email)[0]  # today's (another test may have run a later day)
    text = mail.part("text/plain").replace("\r\n", "\n")
    step_link = f"{loop.url}/duty/{report}?step=council&lang={lang}#step-council"
    assert step_link in text
    county = f"{loop.url}/county/{region}?obligation={OBLIGATION}&term_year=all&lang={lang}"
    page.goto(county)
    row = page.locator(f"tr:has(th a[href='/municipality/{who.municipality}'])")
    expect(row.locator(".cell-complete")).to_have_count(0)

    # The link from the email: the duty page, read-only until she signs in.
    page.goto(step_link)
    expect(page.locator("#step-council")).to_be_visible()
    expect(page.locator("form.step-form")).to_have_count(0)
    _axe_clean(page)
    _sign_in(page, loop, who.email)
    page.wait_for_url(f"**/duty/{report}*")
    expect(page.locator(".account")).to_contain_text(who.name)
    _axe_clean(page)

    # The council's decision with its minutes, then publishing: the keyboard only.
    _record(page, "council", url=MINUTES, decided_by="Valtuusto", decided_on="2026-11-23",
            section="87")
    page.wait_for_url(re.compile(re.escape(f"/duty/{report}?saved=council")))
    expect(page.get_by_role("status")).to_have_text(gettext("web.duty_saved", lang))
    expect(page.locator(f".evidence a[href='{MINUTES}']")).to_have_count(1)
    _axe_clean(page)
    told = _told(loop.cli("remind", "--dry-run", "--today", who.next_reminder), who, "published")
    assert told, "publishing is still open: the next reminder day would remind it"
    _record(page, "published")
    page.wait_for_url(re.compile(re.escape(f"/duty/{report}?saved=published")))
    _axe_clean(page)

    # The county page shows the duty complete, in her language.
    page.goto(county)
    cell = row.locator(".cell-complete")
    expect(cell).to_have_count(1)
    expect(cell).to_contain_text(gettext("web.state.complete", lang))
    _axe_clean(page)

    # The feed: the event is done, its checklist ticked, no alarm left.
    with urllib.request.urlopen(f"{loop.url}/public/pair-{who.municipality}.{lang}.ics",
                                timeout=10) as answer:
        feed = icalendar.Calendar.from_ical(answer.read())
    (event,) = [e for e in feed.walk("VEVENT") if str(e["UID"]) == f"{report}@yhdyspinta.fi"]
    assert str(event["SUMMARY"]).startswith(gettext("feed.done", lang))
    description = str(event["DESCRIPTION"])
    assert "[ ]" not in description
    assert description.count("[x]") == 5
    assert not event.walk("VALARM")

    # The next reminder day says nothing of it any more.
    before = len(loop.mails(who.email))
    assert _told(loop.cli("remind", "--dry-run", "--today", who.next_reminder), who,
                 "published") == []
    loop.cli("remind", "--today", who.next_reminder)
    assert all(f"/duty/{report}" not in m.part("text/plain")
               for m in loop.mails(who.email)[before:])


def _signed_in(browser: Browser, loop: Loop, email: str, report: str) -> Page:
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Helsinki")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{loop.url}/duty/{report}?lang=en")
    _sign_in(page, loop, email)
    page.wait_for_url(f"**/duty/{report}*")
    return page


def test_the_refusals_a_browser_meets(browser: Browser, loop: Loop):
    report = f"{OBLIGATION}.m205.2025"
    maija = _signed_in(browser, loop, MAIJA.email, report)
    pekka = _signed_in(browser, loop, PEKKA, report)
    try:
        # Another municipality's duty: read-only, and a forged POST is a 403.
        other = COORDINATORS["sv"].report
        maija.goto(f"{loop.url}/duty/{other}?lang=en")
        expect(maija.locator("form.step-form")).to_have_count(0)
        expect(maija.locator("#step-council")).to_contain_text(
            "Your grants do not cover this step.")
        _axe_clean(maija)
        csrf = next(c["value"] for c in maija.context.cookies() if c["name"] == "csrftoken")
        forged = maija.request.post(f"{loop.url}/duty/{other}", form={
            "csrftoken": csrf, "step": "council", "revision": "0", "status": "done"})
        assert forged.status == 403

        # A form without its CSRF token: refused with a page saying why.
        maija.goto(f"{loop.url}/duty/{report}?lang=en")
        maija.locator("#step-data-compiled form.step-form input[name=csrftoken]").evaluate(
            "input => input.remove()")
        _record(maija, "data-compiled", "in_progress")
        expect(maija.locator("main")).to_contain_text("The form expired or came from elsewhere")
        _axe_clean(maija)

        # Two people on one step: the second sees the conflict, with both versions.
        maija.goto(f"{loop.url}/duty/{report}?lang=en")
        pekka.goto(f"{loop.url}/duty/{report}?lang=en")
        _record(maija, "data-compiled", "in_progress", note="on the board's list 1.12.")
        expect(maija.get_by_role("status")).to_have_text("Saved.")
        _record(pekka, "data-compiled", "waived", note="not ours")
        expect(pekka.locator("main")).to_contain_text("Someone changed this step meanwhile")
        expect(pekka.locator("main")).to_contain_text("on the board's list 1.12.")
        expect(pekka.locator("main")).to_contain_text("not ours")
        expect(pekka.locator("main")).to_contain_text("Maija Meikäläinen")
        _axe_clean(pekka)

        # A `javascript:` minutes address is refused and never becomes a link.
        maija.goto(f"{loop.url}/duty/{report}?lang=en")
        _record(maija, "data-compiled", "done", url="javascript:alert(1)")
        expect(maija.locator("main")).to_contain_text("must start with http:// or https://")
        _axe_clean(maija)
        maija.goto(f"{loop.url}/duty/{report}?lang=en")
        expect(maija.locator("a[href^='javascript:']")).to_have_count(0)

        # An expired mark-done link: a clear page, nothing marked.
        token = make_link(SECRET, report, "board", MAIJA.email, 0, date(2026, 11, 1), 14)
        answer = maija.goto(f"{loop.url}/mark-done?t={token}&lang=en")
        assert answer is not None
        assert answer.status == 410
        expect(maija.locator("main")).to_contain_text("This mark-done link has expired")
        _axe_clean(maija)
        audit = json.loads(loop.cli("audit", report, "--format", "json"))
        assert [a for a in audit if a["step"] == "board"] == []
    finally:
        maija.context.close()
        pekka.context.close()
