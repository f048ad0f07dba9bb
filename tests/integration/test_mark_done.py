"""The one-click "mark done" link of reminder emails (issue 14.4), in process, on SQLite and
PostgreSQL: nothing changes on a GET, the POST needs its CSRF token, the link is bound to
its step, revision, recipient and last day, and every refusal is a clear page."""

from __future__ import annotations

import base64
import re
from datetime import date, timedelta

from state.audit import AuditEntry, audit_trail
from state.marklinks import make_link
from tests.integration.test_signin import MAIJA, REPORT, TODAY, Browser, served  # noqa: F401

DAY = date.fromisoformat(TODAY)


def _link(app, step: str, email: str = MAIJA, revision: int = 0, today: date = DAY,
          days: int = 14) -> str:
    token = make_link(app.site.secret_key, REPORT, step, email, revision, today, days)
    return f"/mark-done?t={token}&lang=en"


def _audit(app, step: str) -> list[AuditEntry]:
    return [a for a in audit_trail(app.site.engine, REPORT) if a.step == step]


def test_the_link_confirms_first_and_marks_done_once_as_its_recipient(served):  # noqa: F811
    browser = Browser(served)
    link = _link(served, "data-compiled")
    shown = browser.get(link)
    assert shown.status_code == 200, shown.text
    assert "Mark the step done" in shown.text
    assert MAIJA in shown.text
    assert _audit(served, "data-compiled") == []  # the GET changed nothing
    token = re.search(r'name="t" value="([^"]+)"', shown.text)
    assert token is not None
    refused = browser.post("/mark-done", {"t": token.group(1)}, csrf=False)
    assert refused.status_code == 403
    assert _audit(served, "data-compiled") == []
    done = browser.post("/mark-done", {"t": token.group(1)})
    assert done.status_code == 303
    assert done.headers["location"] == f"/duty/{REPORT}?saved=data-compiled#step-data-compiled"
    (entry,) = _audit(served, "data-compiled")
    assert (entry.actor, entry.new_value, entry.channel) == (
        f"Maija Meikäläinen <{MAIJA}>", "done", "email")
    again = browser.post("/mark-done", {"t": token.group(1)})
    assert again.status_code == 200
    assert "already marked done" in again.text
    assert len(_audit(served, "data-compiled")) == 1


def test_an_expired_a_tampered_and_a_stranger_s_link_are_clear_pages(served):  # noqa: F811
    browser = Browser(served)
    expired = browser.get(_link(served, "board", today=DAY - timedelta(days=15)))
    assert expired.status_code == 410
    assert "This mark-done link has expired" in expired.text
    assert "Traceback" not in expired.text
    body, mac = make_link(served.site.secret_key, REPORT, "board", MAIJA, 0, DAY, 14).split(".")
    payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).replace(b'"board"',
                                                                              b'"council"')
    forged = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    tampered = browser.get(f"/mark-done?t={forged}.{mac}")
    assert tampered.status_code == 400
    assert "is not valid" in tampered.text
    other_key = make_link("another-secret", REPORT, "board", MAIJA, 0, DAY, 14)
    assert browser.get(f"/mark-done?t={other_key}").status_code == 400
    stranger = browser.get(_link(served, "board", email="someone@elsewhere.fi"))
    assert stranger.status_code == 403
    assert "no longer a contact for this step" in stranger.text
    assert 'name="t"' not in stranger.text
    assert _audit(served, "board") == []


def test_a_step_changed_since_the_message_or_not_ready_is_refused(served):  # noqa: F811
    browser = Browser(served)
    changed = browser.get(_link(served, "responsible-body", revision=3))
    assert changed.status_code == 409
    assert "was changed after the message was sent" in changed.text
    early = browser.get(_link(served, "published"))
    assert early.status_code == 200
    token = re.search(r'name="t" value="([^"]+)"', early.text)
    assert token is not None
    refused = browser.post("/mark-done", {"t": token.group(1)})
    assert refused.status_code == 409
    assert "cannot be done before" in refused.text
    assert _audit(served, "published") == []
