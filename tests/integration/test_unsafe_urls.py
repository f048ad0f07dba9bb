"""Only http(s) addresses are stored and rendered as links; no command prints a secret."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest

OCCURRENCE = "hyte-annual-report-municipality.m205.2026"
SECRET = "s3cret-pw"


@pytest.fixture
def cli(cli):
    """The shared CLI, with the annual report synced."""
    assert cli("sync", "--today", "2026-11-28", "--obligation",
               "hyte-annual-report-municipality")[0] == 0
    return cli


@pytest.mark.parametrize(("url", "reason"), [
    pytest.param("javascript:alert(document.cookie)",
                 "only http:// or https:// addresses are kept", id="javascript"),
    pytest.param("JaVaScRiPt:alert(1)", "only http:// or https:// addresses are kept",
                 id="javascript-mixed-case"),
    pytest.param("data:text/html,<script>alert(1)</script>",
                 "only http:// or https:// addresses are kept", id="data"),
    pytest.param("file:///etc/passwd", "only http:// or https:// addresses are kept", id="file"),
    pytest.param("//evil.example/minutes", "only http:// or https:// addresses are kept",
                 id="scheme-relative"),
    pytest.param("https://", "not a valid http(s) address", id="no-host"),
    pytest.param("https://kajaani.fi:80x/kv", "not a valid http(s) address", id="bad-port"),
    pytest.param("https://kajaani.fi/kv\nSet-Cookie: x", "not a valid http(s) address",
                 id="line-break"),
    pytest.param(f"https://clerk:{SECRET}@kajaani.fi/kv",
                 "an address with a password is not kept (it would be shown)", id="password"),
    pytest.param("https://kajaani.fi/" + "a" * 2000, "longer than 2000 characters", id="long"),
])
def test_unsafe_evidence_is_refused_and_nothing_stored(cli, url, reason):
    code, out, err = cli("step", "set", OCCURRENCE, "data-compiled", "done", "--evidence", url,
                         "--by", "Maija")
    assert (code, out) == (1, "")
    assert err.splitlines() == [f"yhdyspinta: error: --evidence: {reason}"]
    assert SECRET not in err
    code, out, _ = cli("audit", OCCURRENCE, "--format", "json")
    assert (code, json.loads(out)) == (0, [])  # not even the status changed


def test_refusal_in_finnish(cli):
    code, _, err = cli("step", "set", OCCURRENCE, "data-compiled", "done", "--evidence",
                       "javascript:alert(1)", "--by", "Maija", lang="fi")
    assert (code, err) == (1, "yhdyspinta: virhe: --evidence: vain http://- tai "
                              "https://-osoitteet tallennetaan\n")


def test_http_evidence_is_kept(cli):
    code, _, err = cli("step", "set", OCCURRENCE, "data-compiled", "done", "--evidence",
                       "http://www.kajaani.fi/kv?x=1#p", "--by", "Maija")
    assert (code, err) == (0, "")


def test_a_stored_unsafe_link_is_never_rendered_as_one(cli, database_url, monkeypatch):
    """Rows written before the check (or by hand) are shown as text, not as links."""
    from sqlmodel import Session

    from state.db import make_engine
    from state.models import EvidenceRow

    engine = make_engine(database_url)
    with Session(engine) as session:
        session.add(EvidenceRow(occurrence_id=OCCURRENCE, step="council",
                                url="javascript:alert(1)", decided_by="Valtuusto",
                                recorded_at=datetime(2026, 11, 20, tzinfo=UTC),
                                recorded_by="x"))
        session.commit()
    engine.dispose()
    monkeypatch.setenv("YHDYSPINTA_TODAY", "2026-11-28")
    from web.server import create

    app = create()

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get(path)

    try:
        page = asyncio.run(get("/municipality/205?lang=en"))
        api = asyncio.run(get(f"/api/v1/occurrences/{OCCURRENCE}"))
    finally:
        app.feeds.engine.dispose()
    assert page.status_code == 200
    assert "Valtuusto" in page.text
    assert "javascript:" not in page.text
    assert api.status_code == 200
    assert [e["url"] for e in api.json()["evidence"]] == [None]


@pytest.mark.parametrize("email", [
    pytest.param(f"mailtos://hyte:{SECRET}@smtp.example.fi", id="apprise-url"),
    pytest.param(f"hyte:{SECRET}@smtp.example.fi", id="user-password"),
    pytest.param(f"https://hyte:{SECRET}@example.fi/x@y.fi", id="https-url"),
])
def test_a_url_with_a_password_in_the_email_column_is_refused(cli, tmp_path, email):
    path = tmp_path / "contacts.csv"
    path.write_text("party,role,name,email,teams,language,delivery\n"
                    f"564,coordinator,Anna,{email},,fi,digest\n", encoding="utf-8")
    code, out, err = cli("contacts", "import", str(path))
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 2
    assert err.startswith(f"yhdyspinta: error: {path}:2: email: ")
    assert SECRET not in err
    code, out, _ = cli("contacts", "list")
    assert (code, len(out.splitlines())) == (0, 2)  # nothing imported
