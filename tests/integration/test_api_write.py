"""The write API's owners and its reads (issue 14.3 and 14.7), and `step owner` on the CLI.

The real app in process over httpx, the real store (SQLite and PostgreSQL): a step's
owner is read and chosen through `PATCH /api/v1/occurrences/{id}/steps/{step}` with the
same rule as the duty page, a token without a grant for the step reads nothing of it,
and the ETag covers the owner as well as the status.
"""

from __future__ import annotations

import io

import pytest

from state.audit import audit_trail
from state.owners import step_owners
from tests.integration.conftest import cli_output as _cli
from tests.integration.test_signin import (  # noqa: F401
    MAIJA,
    OULU,
    PEKKA,
    REPORT,
    _api,
    served,
)
from yhdyspinta.cli import main

OLLI = "olli@oulu.fi"
COUNCIL = f"/api/v1/occurrences/{REPORT}/steps/council"


def _token(email: str) -> str:
    return _cli("users", "token", email, "--name", "api test").splitlines()[1]


def _olli() -> str:
    _cli("users", "add", OLLI, "--name", "Olli Oululainen")
    _cli("users", "grant", OLLI, "--party", "m564", "--role", "coordinator")
    return _token(OLLI)


def test_a_step_is_read_only_with_a_grant_for_it_and_its_owner_only_then(served):  # noqa: F811
    olli, maija = _olli(), _token(MAIJA)
    # Olli coordinates Oulu: Kajaani's step (and its owner, personal data) is not his to read.
    denied = _api(served, "GET", COUNCIL, olli)
    assert (denied.status_code, denied.json()["parameter"]) == (403, "step")
    assert PEKKA not in denied.text
    assert MAIJA not in denied.text
    assert _api(served, "GET", f"/api/v1/occurrences/{OULU}/steps/council", olli
                ).status_code == 200
    read = _api(served, "GET", COUNCIL, maija)
    assert read.status_code == 200
    body = read.json()
    assert body["owner"] is None
    assert [c["email"] for c in body["owner_candidates"]] == [MAIJA, PEKKA]  # by name
    assert read.headers["etag"] == f'"rev-{body["revision"]}"'
    # The public read of the same duty still names nobody.
    public = _api(served, "GET", f"/api/v1/occurrences/{REPORT}")
    assert public.status_code == 200
    assert "@" not in public.text


def test_the_owner_is_chosen_through_the_api_with_the_pages_rule(served):  # noqa: F811
    maija = _token(MAIJA)
    if OLLI not in _cli("users", "list"):
        _olli()
    etag = _api(served, "GET", COUNCIL, maija).headers["etag"]
    # Someone not granted for the step is refused, and a status in the same body is not
    # written either (one transaction).
    refused = _api(served, "PATCH", COUNCIL, maija, headers={"if-match": etag},
                   json={"status": "in_progress", "owner": OLLI})
    assert (refused.status_code, refused.json()["parameter"]) == (400, "owner")
    unchanged = _api(served, "GET", COUNCIL, maija)
    assert (unchanged.json()["status"], unchanged.headers["etag"]) == ("not_started", etag)
    chosen = _api(served, "PATCH", COUNCIL, maija, headers={"if-match": etag},
                  json={"owner": PEKKA.upper()})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["owner"] == {"email": PEKKA, "name": "Pekka Puheenjohtaja"}
    assert chosen.json()["status"] == "not_started"
    assert chosen.headers["etag"] != etag
    assert PEKKA not in chosen.headers["etag"]
    assert step_owners(served.site.engine, [REPORT])[(REPORT, "council")].email == PEKKA
    # The owner is part of the step: a status written against the ETag read before is stale.
    stale = _api(served, "PATCH", COUNCIL, maija, headers={"if-match": etag},
                 json={"status": "in_progress"})
    assert (stale.status_code, stale.json()["parameter"]) == (412, "If-Match")
    both = _api(served, "PATCH", COUNCIL, maija, headers={"if-match": chosen.headers["etag"]},
                json={"status": "in_progress", "note": "on the agenda", "owner": MAIJA})
    assert both.status_code == 200, both.text
    assert (both.json()["status"], both.json()["owner"]["email"]) == ("in_progress", MAIJA)
    cleared = _api(served, "PATCH", COUNCIL, maija, json={"owner": None})
    assert (cleared.status_code, cleared.json()["owner"]) == (200, None)
    assert (REPORT, "council") not in step_owners(served.site.engine, [REPORT])
    owners = [(a.new_value, a.channel) for a in audit_trail(served.site.engine, REPORT)
              if a.action == "owner" and a.step == "council"]
    assert owners == [(PEKKA, "api"), (MAIJA, "api"), (None, "api")]
    # Bad bodies name what is wrong, and nothing is written.
    for body, parameter in (({}, "body"), ({"note": "why"}, "note"),
                            ({"evidence": {"url": "https://x.fi/"}}, "evidence"),
                            ({"owner": 5}, "owner")):
        answer = _api(served, "PATCH", COUNCIL, maija, json=body)
        assert (answer.status_code, answer.json()["parameter"]) == (400, parameter), body
    # Another municipality's step: neither its status nor its owner.
    other = _api(served, "PATCH", f"/api/v1/occurrences/{OULU}/steps/council", maija,
                 json={"owner": MAIJA})
    assert other.status_code == 403


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--lang", "en"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_step_owner_on_the_command_line(served):  # noqa: F811
    if OLLI not in _cli("users", "list"):
        _olli()
    set_line = _cli("step", "owner", REPORT, "board", PEKKA, "--by", "Anna Admin")
    assert set_line.strip() == f"{REPORT} / board: owner Pekka Puheenjohtaja <{PEKKA}>"
    assert step_owners(served.site.engine, [REPORT])[(REPORT, "board")].email == PEKKA
    code, out, err = _run("step", "owner", REPORT, "board", OLLI, "--by", "Anna Admin")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert OLLI in err
    assert "Traceback" not in err
    code, _, err = _run("step", "owner", REPORT, "nothing", PEKKA, "--by", "Anna Admin")
    assert code == 1
    assert "nothing" in err
    assert err.count("\n") == 1
    for malformed in ((), (PEKKA, "--clear")):  # neither an address nor --clear, or both
        with pytest.raises(SystemExit) as usage:
            _run("step", "owner", REPORT, "board", *malformed, "--by", "Anna Admin")
        assert usage.value.code == 2
    cleared = _cli("step", "owner", REPORT, "board", "--clear", "--by", "Anna Admin")
    assert cleared.strip() == f"{REPORT} / board: no owner"
    assert (REPORT, "board") not in step_owners(served.site.engine, [REPORT])
    entries = [(a.actor, a.new_value, a.channel) for a in audit_trail(served.site.engine, REPORT)
               if a.action == "owner" and a.step == "board"]
    assert entries == [("Anna Admin", PEKKA, "cli"), ("Anna Admin", None, "cli")]
