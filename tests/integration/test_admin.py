"""The administration pages (issue 14.6 and the upload form of 14.5), on SQLite and
PostgreSQL: the real app in process with a signed-in browser, the same rules as the CLI.

A county administrator of North Ostrobothnia (r19) administers Oulu (m564) and not
Kajaani (m205, county 20); a reader does not get in; a form without its CSRF token is
refused; a bad status file is a 400 naming its line and writes nothing.
"""

from __future__ import annotations

import asyncio
import re

import httpx

from state.audit import audit_trail
from state.people import person_by_email
from tests.integration.conftest import cli_output as _cli
from tests.integration.test_signin import (  # noqa: F401
    BASE,
    MAIJA,
    OULU,
    Browser,
    served,
)

ADMIN = "anna.alue@pohde.fi"
READER = "riku.lukija@oulu.fi"
NEWCOMER = "uusi.ihminen@oulu.fi"
GOOD_CSV = ("occurrence,step,status,note\n"
            f"{OULU},data-compiled,in_progress,\n")
BAD_CSV = ("occurrence,step,status,note\n"
           f"{OULU},data-compiled,in_progress,\n"
           f"{OULU},no-such-step,done,\n")


def _grants(served, email: str) -> frozenset[tuple[str, str]]:  # noqa: F811
    person = person_by_email(served.site.engine, email)
    assert person is not None
    return person.grants


def _setup_once(served) -> None:  # noqa: F811
    if person_by_email(served.site.engine, ADMIN) is None:
        _cli("users", "add", ADMIN, "--name", "Anna Alue")
        _cli("users", "grant", ADMIN, "--party", "r19", "--role", "county_admin")
        _cli("users", "add", READER, "--name", "Riku Lukija")
        _cli("users", "grant", READER, "--party", "m564", "--role", "reader")


def _admin(served) -> Browser:  # noqa: F811
    _setup_once(served)
    browser = Browser(served)
    assert browser.sign_in(ADMIN).status_code == 303
    return browser


def _upload(browser: Browser, text: str, *, csrf: bool = True) -> httpx.Response:
    data = {"csrftoken": browser.csrf()} if csrf else {}
    files = {"file": ("onboarding.csv", text.encode(), "text/csv")}
    return asyncio.run(browser.request("POST", "/admin/import?lang=en", data=data,
                                       files=files))


def test_only_administrators_open_the_pages_and_the_header_links_them(served):  # noqa: F811
    _setup_once(served)
    anonymous = Browser(served)
    assert anonymous.get("/admin?lang=en").status_code == 403
    reader = Browser(served)
    assert reader.sign_in(READER).status_code == 303
    refused = reader.get("/admin?lang=en")
    assert refused.status_code == 403
    assert "for county and national administrators only" in refused.text
    assert 'href="/admin"' not in reader.get("/?lang=en").text
    assert reader.post("/admin", {"action": "grant", "email": READER, "party": "m564",
                                  "role": "coordinator"}).status_code == 403
    assert ("m564", "coordinator") not in _grants(served, READER)
    admin = _admin(served)
    assert 'href="/admin"' in admin.get("/?lang=en").text
    page = admin.get("/admin?lang=en")
    assert page.status_code == 200
    assert READER in page.text
    assert "m564 reader" in page.text
    # Roles in words, in the reader's language; the form keeps the code as its value.
    finnish = admin.get("/admin?lang=fi").text
    assert "m564 lukija" in finnish
    assert '<option value="county_admin">hyvinvointialueen pääkäyttäjä</option>' in finnish
    assert MAIJA not in page.text  # Kajaani's people are not county 19's


def test_a_county_administrator_grants_in_their_county_only(served):  # noqa: F811
    admin = _admin(served)
    added = admin.post("/admin", {"action": "add", "email": NEWCOMER, "name": "Uusi Ihminen"})
    assert added.status_code == 303, added.text
    granted = admin.post("/admin", {"action": "grant", "email": NEWCOMER, "party": "m564",
                                    "role": "coordinator"})
    assert granted.status_code == 303
    assert ("m564", "coordinator") in _grants(served, NEWCOMER)
    other = admin.post("/admin", {"action": "grant", "email": NEWCOMER, "party": "m205",
                                  "role": "coordinator"})
    assert other.status_code == 403
    assert "Your grants do not reach m205" in other.text
    national = admin.post("/admin", {"action": "grant", "email": NEWCOMER, "party": "r19",
                                     "role": "national_admin"})
    assert national.status_code == 403
    bad = admin.post("/admin", {"action": "grant", "email": NEWCOMER, "party": "x1",
                                "role": "coordinator"})
    assert bad.status_code == 400
    assert 'id="f-party" name="party"' in bad.text
    assert 'aria-invalid="true"' in bad.text
    assert _grants(served, NEWCOMER) == {("m564", "coordinator")}
    revoked = admin.post("/admin", {"action": "revoke", "email": NEWCOMER, "party": "m564",
                                    "role": "coordinator"})
    assert revoked.status_code == 303
    assert _grants(served, NEWCOMER) == frozenset()
    entries = [e for e in audit_trail(served.site.engine) if NEWCOMER in (e.new_value or "")]
    assert [(e.action, e.channel) for e in entries] == [
        ("person_added", "web"), ("granted", "web"), ("revoked", "web")]
    assert {e.actor for e in entries} == {f"Anna Alue <{ADMIN}>"}


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(served):  # noqa: F811
    admin = _admin(served)
    refused = admin.post("/admin", {"action": "grant", "email": READER, "party": "m564",
                                    "role": "board"}, csrf=False)
    assert refused.status_code == 403
    assert ("m564", "board") not in _grants(served, READER)
    assert _upload(admin, GOOD_CSV, csrf=False).status_code == 403


def test_a_bad_status_file_names_its_line_and_imports_nothing(served):  # noqa: F811
    admin = _admin(served)
    before = len(audit_trail(served.site.engine))
    answer = _upload(admin, BAD_CSV)
    assert answer.status_code == 400
    assert "onboarding.csv:3: step:" in answer.text
    assert len(audit_trail(served.site.engine)) == before
    kajaani = _upload(admin, "occurrence,step,status\n"
                      "hyte-annual-report-municipality.m205.2026,data-compiled,in_progress\n")
    assert kajaani.status_code == 400
    assert "onboarding.csv:2: occurrence:" in kajaani.text
    assert len(audit_trail(served.site.engine)) == before


def test_the_upload_previews_then_applies_all_audited_with_channel_web(served):  # noqa: F811
    admin = _admin(served)
    before = len(audit_trail(served.site.engine, OULU))
    preview = _upload(admin, GOOD_CSV)
    assert preview.status_code == 200, preview.text
    assert "Dry run: would change 1" in preview.text
    assert len(audit_trail(served.site.engine, OULU)) == before  # a preview writes nothing
    csv = re.search(r'name="csv" value="([^"]*)"', preview.text)
    assert csv is not None
    import html

    confirmed = admin.post("/admin/import?lang=en", {
        "confirm": "1", "source": "onboarding.csv", "csv": html.unescape(csv.group(1))})
    assert confirmed.status_code == 200
    assert "Imported: changed 1" in confirmed.text
    (entry,) = audit_trail(served.site.engine, OULU)[before:]
    assert (entry.step, entry.new_value, entry.channel) == ("data-compiled", "in_progress", "web")
    log = admin.get("/admin/audit?lang=en&party=m564&channel=web")
    assert log.status_code == 200
    assert OULU in log.text
    assert "<td>verkkosivu</td>" in admin.get("/admin/audit?lang=fi&party=m564&channel=web").text
    assert admin.get("/admin/audit?lang=en&party=m205").status_code == 403
    bad = admin.get("/admin/audit?lang=en&from=yesterday")
    assert bad.status_code == 400
    assert "Parameter from: YYYY-MM-DD" in bad.text


def test_subscribers_show_their_key_once_and_stay_in_the_county(served):  # noqa: F811
    admin = _admin(served)
    added = admin.post("/admin/subscribers?lang=en", {"action": "add", "name": "Oulu board",
                                                      "feeds": "pair-564"})
    assert added.status_code == 200, added.text
    url = re.search(rf"{BASE}/feeds/([^/]+)/pair-564\.en\.ics", added.text)
    assert url is not None
    listed = admin.get("/admin/subscribers?lang=en")
    assert "Oulu board" in listed.text
    assert url.group(1) not in listed.text
    national = admin.post("/admin/subscribers?lang=en", {
        "action": "add", "name": "Everyone", "feeds": "obligation-municipal-budget"})
    assert national.status_code == 403
    unknown = admin.post("/admin/subscribers?lang=en", {"action": "add", "name": "X",
                                                        "feeds": "no-such-feed"})
    assert unknown.status_code == 400
    assert 'id="f-feeds"' in unknown.text
    number = re.search(r'name="id" value="(\d+)"', listed.text)
    assert number is not None
    assert admin.post("/admin/subscribers", {"action": "revoke",
                                             "id": number.group(1)}).status_code == 303
    assert served.site.viewer(url.group(1)) is None


def test_contacts_are_checked_as_an_import_and_kept_to_the_county(served):  # noqa: F811
    admin = _admin(served)
    bad = admin.post("/admin/contacts?lang=en", {
        "action": "add", "party": "m564", "role": "coordinator", "name": "Olga",
        "email": "not-an-address", "language": "fi", "delivery": "digest"})
    assert bad.status_code == 400
    assert "email:" in bad.text
    assert 'id="f-email"' in bad.text
    other = admin.post("/admin/contacts?lang=en", {
        "action": "add", "party": "m205", "role": "coordinator", "name": "Olga",
        "email": "olga@kajaani.fi", "language": "fi", "delivery": "digest"})
    assert other.status_code == 403
    good = admin.post("/admin/contacts?lang=en", {
        "action": "add", "party": "m564", "role": "coordinator", "name": "Olga Oulu",
        "email": "olga@ouka.fi", "language": "fi", "delivery": "digest"})
    assert good.status_code == 303, good.text
    page = admin.get("/admin/contacts?lang=en")
    assert "olga@ouka.fi" in page.text
    number = re.search(r'name="id" value="(\d+)"', page.text)
    assert number is not None
    assert admin.post("/admin/contacts", {"action": "remove",
                                          "id": number.group(1)}).status_code == 303
    assert "olga@ouka.fi" not in admin.get("/admin/contacts?lang=en").text
