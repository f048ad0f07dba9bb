"""The administration pages in headless Chromium, in Finnish and Swedish (issue 14.6, 14.5).

A county administrator of North Ostrobothnia (r19) signs in by the console's link, adds a
person and grants them Oulu's coordinator role, uploads a status file, sees the dry run,
confirms it and finds the change in the audit log filtered by party, the last step by
keyboard only. Every administration page passes axe-core's WCAG 2.1 A/AA rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from obligations.catalogue import gettext
from obligations.schema import PartyKind, Role
from obligations.vocabulary import role_label
from tests.browser.conftest import assert_axe_clean as _axe_clean
from tests.browser.test_duty_browser import TODAY, _link_from_console
from tests.integration.conftest import cli_output as _cli
from tests.servers import serving

ADMIN = "anna.alue@pohde.fi"
OULU = "hyte-annual-report-municipality.m564.2026"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    folder = tmp_path_factory.mktemp("admin-browser")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
        patch.delenv("YHDYSPINTA_SMTP_URL", raising=False)
        _cli("users", "add", ADMIN, "--name", "Anna Alue")
        _cli("users", "grant", ADMIN, "--party", "r19", "--role", "county_admin")
        with serving(folder, TODAY) as url:
            yield url, folder / "serve.log", folder


@pytest.mark.parametrize(("locale", "lang", "newcomer", "step", "status"), [
    ("fi-FI", "fi", "uusi.koordinaattori@ouka.fi", "data-compiled", "in_progress"),
    ("sv-FI", "sv", "ny.samordnare@ouka.fi", "board", "in_progress"),
])
def test_a_county_administrator_adds_grants_imports_and_finds_it_in_the_audit_log(
        page: Page, served, lang: str, newcomer: str, step: str, status: str) -> None:
    url, log, folder = served

    def _(key: str, **fields: object) -> str:
        return gettext(key, lang, **fields)  # type: ignore[arg-type]

    page.goto(f"{url}/signin?lang={lang}&next=/admin")
    page.get_by_label(_("web.signin_email")).fill(ADMIN)
    page.get_by_role("button", name=_("web.signin_send")).click()
    page.goto(_link_from_console(log))
    page.get_by_role("button", name=_("web.signin")).click()
    page.wait_for_url("**/admin")
    expect(page.locator("#admin-link")).to_have_text(_("web.admin.title"))
    expect(page.locator("h1")).to_have_text(_("web.admin.title"))
    _axe_clean(page)

    person = page.locator('form[aria-labelledby="add-person"]')
    person.get_by_label(_("web.admin.email")).fill(newcomer)
    person.get_by_label(_("web.admin.name")).fill("Uusi Ihminen")
    person.get_by_role("button", name=_("web.admin.add_person")).click()
    expect(page.locator("#admin-saved")).to_have_text(_("web.admin.saved"))
    grant = page.locator('form[aria-labelledby="grant"]')
    grant.get_by_label(_("web.admin.email")).fill(newcomer)
    grant.get_by_label(_("web.admin.party")).fill("m564")
    grant.get_by_label(_("web.admin.role")).select_option("coordinator")
    grant.get_by_role("button", name=_("web.admin.grant")).click()
    expect(page.locator("#admin-saved")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=newcomer)).to_contain_text(
        "m564 " + role_label(Role.COORDINATOR, PartyKind.MUNICIPALITY, lang))  # type: ignore[arg-type]
    _axe_clean(page)

    page.get_by_role("link", name=_("web.admin.import")).click()
    csv = folder / f"onboarding-{lang}.csv"
    csv.write_text(f"occurrence,step,status,note\n{OULU},{step},{status},\n", encoding="utf-8")
    page.get_by_label(_("web.admin.import_file")).set_input_files(csv)
    page.get_by_role("button", name=_("web.admin.import_preview")).click()
    expect(page.locator("#import-summary")).to_contain_text(
        _("cli.status_import.dry_run", changed=1, unchanged=0))
    expect(page.locator("#import-changes")).to_contain_text(OULU)
    _axe_clean(page)
    page.get_by_role("button", name=_("web.admin.import_confirm")).click()
    expect(page.locator("#import-summary")).to_have_text(
        _("cli.status_import.done", changed=1, unchanged=0))

    page.get_by_role("link", name=_("web.admin.audit")).click()
    party = page.get_by_label(_("web.admin.party"))
    party.focus()
    page.keyboard.type("m564")
    page.keyboard.press("Tab")  # to the person filter
    page.keyboard.type("Anna")
    page.keyboard.press("Enter")  # submits the filter form, from the keyboard alone
    page.wait_for_url("**/admin/audit?**party=m564**")
    row = page.locator("#audit-log tbody tr").filter(has_text=OULU).first
    expect(row).to_contain_text(step)
    expect(row).to_contain_text(_("web.admin.channel.web"))
    expect(row).to_contain_text("Anna Alue")
    _axe_clean(page)
    for section in ("web.admin.contacts", "web.admin.subscribers"):
        page.get_by_role("link", name=_(section)).click()
        expect(page.get_by_role("link", name=_(section))).to_have_attribute(
            "aria-current", "page")
        _axe_clean(page)
