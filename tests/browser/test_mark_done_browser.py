"""From a real reminder email to a step marked done, in headless Chromium (issue 14.4).

`yhdyspinta remind` sends Kajaani's coordinator her digest through a real SMTP server on
127.0.0.1; the links are taken from the email as received. The step link opens the duty
page at the step (signing in returns there); the one-click "mark done" link opens a
confirmation page (nothing changes on the GET), whose button, reached with the keyboard,
marks the step done as the recipient, audited with the channel `email`. The link then
changes nothing; a tampered one is a clear page; the next reminder days say nothing more
of the step while the other steps are still reminded.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from state.audit import audit_trail
from state.db import make_engine
from tests.browser.conftest import assert_axe_clean as _axe_clean
from tests.receivers import ReceivedMail, SmtpServer
from tests.servers import serving
from yhdyspinta.cli import main

TODAY = "2026-12-01"  # 30 days before the report's 31.12.2026: a reminder day
REPORT = "hyte-annual-report-municipality.m205.2026"
MAIJA = "maija.meikalainen@kajaani.fi"
SECRET = "a-test-secret-key-that-signs-the-links-0123456789"
DATA_STEP = "Task: Data compiled by area and population group"
BOARD_STEP = "Task: Handled by the municipal board"


class Setup:
    def __init__(self, url: str, smtp: SmtpServer, database_url: str) -> None:
        self.url, self.smtp, self.database_url = url, smtp, database_url

    def cli(self, *argv: str) -> str:
        out, err = io.StringIO(), io.StringIO()
        code = main([*argv, "--lang", "en"], out=out, err=err)
        assert (code, err.getvalue()) == (0, ""), out.getvalue()
        return out.getvalue()

    def mails(self) -> list[ReceivedMail]:
        return [m for m in self.smtp.sink.received if MAIJA in m.envelope_to]


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 that keeps what it accepts."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Setup]:
    folder = tmp_path_factory.mktemp("mark-done")
    env = {"YHDYSPINTA_SECRET_KEY": SECRET, "YHDYSPINTA_SMTP_URL": smtp.url()}
    with serving(folder, TODAY, env) as url, pytest.MonkeyPatch.context() as patch:
        database_url = f"sqlite:///{folder / 'store.db'}"
        patch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
        patch.setenv("YHDYSPINTA_PUBLIC_URL", url)
        patch.setenv("YHDYSPINTA_NOTIFY_WAIT_SECONDS", "0")
        for name, value in env.items():
            patch.setenv(name, value)
        contacts = folder / "contacts.csv"
        contacts.write_text("party,role,name,email,teams,language,delivery\n"
                            f"205,coordinator,Maija Meikäläinen,{MAIJA},,en,digest\n",
                            encoding="utf-8")
        ready = Setup(url, smtp, database_url)
        ready.cli("contacts", "import", str(contacts))
        ready.cli("remind", "--today", TODAY)
        yield ready


def _links(text: str, step_line: str) -> tuple[str, str]:
    """The step's form and its mark-done link, as the email's text part gives them."""
    found = re.search(re.escape(step_line) + r"\n(?:    .*\n)*?    Record it on the duty's page: "
                      r"(\S+)\n    Mark done with one click: (\S+)\n", text)
    assert found, text
    return found.group(1), found.group(2)


def test_a_reminder_email_leads_to_the_step_and_marks_it_done_in_one_click(
        setup: Setup, page: Page):
    (mail,) = setup.mails()
    text = mail.part("text/plain").replace("\r\n", "\n")
    form_link, done_link = _links(text, DATA_STEP)
    assert form_link == (f"{setup.url}/duty/{REPORT}?step=data-compiled&lang=en"
                         "#step-data-compiled")
    assert f'href="{done_link.replace("&", "&amp;")}"' in mail.part("text/html")
    assert SECRET not in mail.message.as_string()

    # The step link: the duty page at the step; signing in comes back to the step.
    page.goto(form_link)
    expect(page.locator("#step-data-compiled")).to_be_visible()
    sign_in = page.get_by_role("link", name="Sign in", exact=True).last
    next_path = parse_qs(urlsplit(str(sign_in.get_attribute("href"))).query)["next"][0]
    assert unquote(next_path) == f"/duty/{REPORT}#step-data-compiled"

    # The one-click link opens a confirmation; opening it changed nothing.
    page.goto(done_link)
    expect(page.locator("h1")).to_have_text("Mark the step done")
    expect(page.locator("main")).to_contain_text(MAIJA)
    _axe_clean(page)
    assert "data-compiled" not in setup.cli("audit", REPORT)
    # Keyboard only: Tab to the button, Enter.
    button = page.get_by_role("button", name="Mark done")
    for _ in range(40):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("the Mark done button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/duty/{REPORT}?saved=data-compiled*")
    expect(page.get_by_role("status")).to_have_text("Saved.")
    # The tick is decoration (aria-hidden); what is read out is "Status: done".
    expect(page.locator("#step-data-compiled")).to_contain_text(re.compile(r"Status: (✓ )?done"))
    _axe_clean(page)
    engine = make_engine(setup.database_url)
    (entry,) = [a for a in audit_trail(engine, REPORT) if a.step == "data-compiled"]
    engine.dispose()
    assert (entry.actor, entry.new_value, entry.channel) == (
        f"Maija Meikäläinen <{MAIJA}>", "done", "email")

    # The same link again changes nothing and says so.
    page.goto(done_link)
    expect(page.get_by_role("status")).to_contain_text("already marked done")
    expect(page.get_by_role("button", name="Mark done")).to_have_count(0)

    # A link that was changed is a clear page, not a traceback.
    token = parse_qs(urlsplit(done_link).query)["t"][0]
    forged = done_link.replace(token, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))
    answer = page.goto(forged)
    assert answer is not None
    assert answer.status == 400
    expect(page.locator("#error-message")).to_contain_text("not valid")
    _axe_clean(page)

    # The next day nothing goes out; on the next reminder day (14 days before) the other
    # steps are reminded and the done one is not.
    setup.cli("remind", "--today", "2026-12-02")
    assert len(setup.mails()) == 1
    setup.cli("remind", "--today", "2026-12-17")
    later = setup.mails()[-1].part("text/plain")
    assert len(setup.mails()) == 2
    assert BOARD_STEP in later
    assert DATA_STEP not in later
