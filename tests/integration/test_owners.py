"""An owner per step (issue 14.3), on SQLite and PostgreSQL: chosen on the duty page among
the people granted for the step, audited, shown only to people signed in, and the first
to be reminded."""

from __future__ import annotations

import io
import re

from state.audit import audit_trail
from state.owners import set_owner, step_owners
from tests.integration.conftest import cli_output as _cli
from tests.integration.test_signin import (  # noqa: F401
    MAIJA,
    PEKKA,
    REPORT,
    Browser,
    served,
)
from yhdyspinta.cli import main

OWNER_FORM = f"/duty/{REPORT}/owner"


def _signed_in(app, email: str) -> Browser:
    browser = Browser(app)
    assert browser.sign_in(email).status_code == 303
    return browser


def test_the_owner_is_chosen_among_the_people_granted_and_shown_to_them_only(served):  # noqa: F811
    _cli("users", "add", "olli@oulu.fi", "--name", "Olli Oululainen")
    _cli("users", "grant", "olli@oulu.fi", "--party", "m564", "--role", "coordinator")
    maija = _signed_in(served, MAIJA)
    page = maija.get(f"/duty/{REPORT}?lang=en")
    council = page.text.split('id="step-council"', 1)[1].split("</section>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"', council.split('name="owner"', 1)[1]
                         .split("</select>", 1)[0])
    assert options == ["", MAIJA, PEKKA]  # no owner, then the people granted, by name
    assert "olli@oulu.fi" not in council
    saved = maija.post(OWNER_FORM, {"step": "council", "owner": PEKKA})
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("#step-council")
    assert step_owners(served.site.engine, [REPORT])[(REPORT, "council")].email == PEKKA
    (entry,) = [a for a in audit_trail(served.site.engine, REPORT) if a.action == "owner"]
    assert (entry.step, entry.new_value, entry.channel) == ("council", PEKKA, "web")
    shown = maija.get(f"/duty/{REPORT}?lang=en")
    assert "Owner: Pekka Puheenjohtaja" in shown.text
    # Someone not granted for the step cannot be made its owner.
    refused = maija.post(OWNER_FORM, {"step": "council", "owner": "olli@oulu.fi"})
    assert refused.status_code == 400
    assert "it must be someone granted for this step" in refused.text
    assert step_owners(served.site.engine, [REPORT])[(REPORT, "council")].email == PEKKA
    # Olli may not choose owners in Kajaani; a reader without a session sees no names.
    olli = _signed_in(served, "olli@oulu.fi")
    assert olli.post(OWNER_FORM, {"step": "council", "owner": "olli@oulu.fi"}
                     ).status_code == 403
    public = Browser(served).get(f"/duty/{REPORT}?lang=en")
    assert "Pekka" not in public.text
    assert PEKKA not in public.text
    # Clearing the owner.
    assert maija.post(OWNER_FORM, {"step": "council", "owner": ""}).status_code == 303
    assert (REPORT, "council") not in step_owners(served.site.engine, [REPORT])


def test_reminders_go_to_the_owner_first(served, tmp_path):  # noqa: F811
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("party,role,name,email,teams,language,delivery\n"
                        "205,council,Kaisa Sihteeri,kaisa@kajaani.fi,,en,digest\n"
                        f"205,coordinator,Pekka Puheenjohtaja,{PEKKA},,en,digest\n",
                        encoding="utf-8")
    _cli("contacts", "import", str(contacts))

    def council_reminded_to() -> list[str]:
        out, err = io.StringIO(), io.StringIO()
        assert main(["remind", "--dry-run", "--today", "2026-12-01", "--lang", "en"],
                    out=out, err=err) == 0, err.getvalue()
        found, who = [], ""
        for line in out.getvalue().splitlines():
            if line.startswith("→ "):
                who = line[2:].split(" (", 1)[0]
            elif line.strip().startswith("Reminders: Annual wellbeing and health report") \
                    and "/ Handled by the municipal council" in line:
                found.append(who)
        return found

    assert council_reminded_to() == ["Kaisa Sihteeri"]
    set_owner(served.site.engine, REPORT, "council", PEKKA, by="test", now=served.site.now(),
              channel="cli")
    assert council_reminded_to() == ["Pekka Puheenjohtaja"]
    set_owner(served.site.engine, REPORT, "council", None, by="test", now=served.site.now(),
              channel="cli")
    assert council_reminded_to() == ["Kaisa Sihteeri"]
