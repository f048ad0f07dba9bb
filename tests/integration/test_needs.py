""""What needs me" (issue 14.3) on the municipality and county pages, on SQLite and
PostgreSQL: late, due this month and waiting on someone else, for the person signed in
only."""

from __future__ import annotations

import re

from state.owners import set_owner
from tests.integration.test_signin import MAIJA, PEKKA, Browser, served  # noqa: F401

BUDGET = "municipal-budget.m205.2027"


def _group(page: str, group: str) -> list[str]:
    """The links of one list of the "what needs me" section."""
    section = page.split('id="needs"', 1)[1].split("</section>", 1)[0]
    part = section.split(f'id="{group}"', 1)[1].split("<h3", 1)[0]
    return re.findall(r'<a href="([^"]+)"', part)


def test_the_party_pages_lead_with_what_needs_the_person_signed_in(served):  # noqa: F811
    assert 'id="needs"' not in Browser(served).get("/municipality/205?lang=en").text
    maija = Browser(served)
    assert maija.sign_in(MAIJA).status_code == 303
    page = maija.get("/municipality/205?lang=en").text
    assert page.index('id="needs"') < page.index('id="subscribe-heading"')
    late = _group(page, "needs-late")
    tax_rates = f"/duty/{BUDGET}?step=tax-rates#step-tax-rates"
    assert tax_rates in late  # due 17.11.2026, today is 28.11.2026
    assert all("m205" in link or ".r" in link for link in late)
    waiting = _group(page, "needs-waiting")
    assert tax_rates not in waiting
    # The county's steps of a joint negotiation come before Kajaani's: they wait on it.
    assert any(".r20." in link for link in waiting)
    # Pekka owns the tax rates now: Maija's next step there waits on him.
    set_owner(served.site.engine, BUDGET, "tax-rates", PEKKA, by="test",
              now=served.site.now(), channel="cli")
    page = maija.get("/municipality/205?lang=en").text
    assert tax_rates not in _group(page, "needs-late")
    assert f"/duty/{BUDGET}?step=tax-rates-notified#step-tax-rates-notified" in _group(
        page, "needs-late")
    assert tax_rates in _group(page, "needs-waiting")
    assert "Owner: Pekka Puheenjohtaja" in page
    county = maija.get("/county/20?lang=en").text
    assert tax_rates in _group(county, "needs-waiting")
    # Pekka sees what he owns among his late steps.
    pekka = Browser(served)
    assert pekka.sign_in(PEKKA).status_code == 303
    assert tax_rates in _group(pekka.get("/municipality/205?lang=en").text, "needs-late")
