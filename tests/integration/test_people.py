"""People, grants, sessions, sign-in links and access tokens in the store (issue 14)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from state.db import ensure_schema
from state.errors import StateError
from state.models import AuditRow, SigninLinkRow, WebSessionRow
from state.people import (
    LinkError,
    RateLimitedError,
    add_access_token,
    add_person,
    ask_signin_link,
    check_signin_link,
    end_session,
    grant,
    list_people,
    person_for_token,
    revoke,
    secret_hash,
    session_person,
    use_signin_link,
)

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def store(engine):
    ensure_schema(engine)
    return engine


def test_people_and_grants_are_audited(store):
    person = add_person(store, " Maija@Kajaani.FI ", "Maija", admin=False, now=NOW, by="cli")
    assert person.email == "maija@kajaani.fi"
    with pytest.raises(StateError, match="already"):
        add_person(store, "maija@kajaani.fi", "Maija", admin=False, now=NOW, by="cli")
    assert grant(store, "maija@kajaani.fi", "m205", "coordinator", now=NOW, by="cli")
    assert not grant(store, "maija@kajaani.fi", "m205", "coordinator", now=NOW, by="cli")
    assert grant(store, "maija@kajaani.fi", "r20", "council", now=NOW, by="cli")
    with pytest.raises(StateError, match="party code"):
        grant(store, "maija@kajaani.fi", "kajaani", "coordinator", now=NOW, by="cli")
    with pytest.raises(StateError, match="not a role"):
        grant(store, "maija@kajaani.fi", "m205", "boss", now=NOW, by="cli")
    with pytest.raises(StateError, match="no person"):
        grant(store, "nobody@kajaani.fi", "m205", "coordinator", now=NOW, by="cli")
    [listed] = list_people(store)
    assert listed.grants == {("m205", "coordinator"), ("r20", "council")}
    assert listed.may_change("m205", "board", "18")
    assert listed.may_change("r20", "council", "18")
    assert not listed.may_change("r20", "board", "18")
    assert not listed.may_change("m578", "board", "18")
    assert revoke(store, "maija@kajaani.fi", "m205", "coordinator", now=NOW, by="cli")
    assert not revoke(store, "maija@kajaani.fi", "m205", "coordinator", now=NOW, by="cli")
    from sqlmodel import Session, select

    with Session(store) as session:
        actions = [a.action for a in session.exec(select(AuditRow)).all()]
    assert actions == ["person_added", "granted", "granted", "revoked"]


def test_access_tokens_are_hashed_expire_and_work(store):
    add_person(store, "maija@kajaani.fi", "Maija", admin=False, now=NOW, by="cli")
    token = add_access_token(store, "maija@kajaani.fi", "script", now=NOW, days=30, by="cli")
    assert len(token) >= 43  # 256 bits
    found = person_for_token(store, token, NOW + HOUR)
    assert found is not None
    assert found.email == "maija@kajaani.fi"
    assert person_for_token(store, token, NOW + timedelta(days=31)) is None
    assert person_for_token(store, token + "x", NOW) is None
    assert person_for_token(store, "", NOW) is None


def test_signin_link_once_then_session_idle_absolute_and_logout(store):
    add_person(store, "maija@kajaani.fi", "Maija", admin=False, now=NOW, by="cli")
    asked = ask_signin_link(store, "MAIJA@kajaani.fi", "127.0.0.1", now=NOW)
    assert asked is not None
    token, _person = asked
    assert ask_signin_link(store, "nobody@kajaani.fi", "127.0.0.1", now=NOW) is None
    assert check_signin_link(store, token, now=NOW) == "maija@kajaani.fi"
    from sqlmodel import Session, select

    with Session(store) as session:
        stored = [r.token_hash for r in session.exec(select(SigninLinkRow)).all()]
    assert secret_hash(token) in stored
    assert token not in stored
    session_id, _ = use_signin_link(store, token, now=NOW, lifetime=12 * HOUR)
    with pytest.raises(LinkError) as used:
        use_signin_link(store, token, now=NOW, lifetime=12 * HOUR)
    assert used.value.reason == "used"
    with Session(store) as session:
        [row] = session.exec(select(WebSessionRow)).all()
    assert row.id_hash == secret_hash(session_id)
    idle = 2 * HOUR
    assert session_person(store, session_id, now=NOW + HOUR, idle=idle) is not None
    assert session_person(store, session_id, now=NOW + HOUR + idle - timedelta(minutes=1),
                          idle=idle) is not None  # the visit at +1 h moved the idle clock
    assert session_person(store, session_id, now=NOW + 6 * HOUR, idle=idle) is None  # idle
    again, _ = use_signin_link(store, ask_signin_link(store, "maija@kajaani.fi", "c", now=NOW)[0],  # type: ignore[index]
                               now=NOW, lifetime=12 * HOUR)
    for hour in range(1, 12):
        assert session_person(store, again, now=NOW + hour * HOUR, idle=idle) is not None
    assert session_person(store, again, now=NOW + 12 * HOUR, idle=idle) is None  # absolute
    third, _ = use_signin_link(store, ask_signin_link(store, "maija@kajaani.fi", "d", now=NOW)[0],  # type: ignore[index]
                               now=NOW, lifetime=12 * HOUR)
    end_session(store, third, now=NOW)
    assert session_person(store, third, now=NOW, idle=idle) is None


def test_expired_link_and_rate_limits(store):
    add_person(store, "maija@kajaani.fi", "Maija", admin=False, now=NOW, by="cli")
    asked = ask_signin_link(store, "maija@kajaani.fi", "a", now=NOW)
    assert asked is not None
    with pytest.raises(LinkError) as expired:
        check_signin_link(store, asked[0], now=NOW + timedelta(minutes=15))
    assert expired.value.reason == "expired"
    with pytest.raises(LinkError):
        check_signin_link(store, "not-a-link", now=NOW)
    ask_signin_link(store, "maija@kajaani.fi", "b", now=NOW)
    ask_signin_link(store, "maija@kajaani.fi", "c", now=NOW)
    with pytest.raises(RateLimitedError):  # three per address in 15 minutes
        ask_signin_link(store, "maija@kajaani.fi", "d", now=NOW)
    assert ask_signin_link(store, "maija@kajaani.fi", "d", now=NOW + timedelta(minutes=16))
    for number in range(10):
        ask_signin_link(store, f"x{number}@example.fi", "e", now=NOW)
    with pytest.raises(RateLimitedError):  # ten per client in 15 minutes
        ask_signin_link(store, "y@example.fi", "e", now=NOW)


def _run(*argv: str) -> tuple[int, str, str]:
    import io

    from yhdyspinta.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--lang", "en"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_users_cli_adds_grants_lists_tokens_and_refuses_in_one_line(database_url, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
    assert _run("users", "add", "Maija@Kajaani.fi", "--name", "Maija M") == (
        0, "Added maija@kajaani.fi (Maija M).\n", "")
    assert _run("users", "add", "root@example.fi", "--name", "Root", "--admin")[0] == 0
    assert _run("users", "grant", "maija@kajaani.fi", "--party", "m205", "--role",
                "coordinator")[1] == "maija@kajaani.fi: granted coordinator for m205.\n"
    for argv, message in [
            (("add", "maija@kajaani.fi", "--name", "M"), "already a person"),
            (("grant", "maija@kajaani.fi", "--party", "m999", "--role", "board"),
             "no party m999"),
            (("grant", "maija@kajaani.fi", "--party", "kajaani", "--role", "board"),
             "not a party code"),
            (("grant", "maija@kajaani.fi", "--party", "m205", "--role", "boss"),
             "boss is not a role"),
            (("grant", "nobody@kajaani.fi", "--party", "m205", "--role", "board"),
             "no person nobody@kajaani.fi"),
            (("token", "not-an-address", "--name", "x"), "not an email address")]:
        code, out, err = _run("users", *argv)
        assert code == 1
        assert message in err
        assert err.count("\n") == 1
    with pytest.raises(SystemExit) as usage:  # argparse: --name is required
        _run("users", "token", "maija@kajaani.fi")
    assert usage.value.code == 2
    code, out, _ = _run("users", "list")
    assert "maija@kajaani.fi  Maija M  m205 coordinator" in out
    assert "administrator" in out
    code, out, _ = _run("users", "token", "maija@kajaani.fi", "--name", "script", "--days", "7")
    token = out.splitlines()[1]
    from state.db import make_engine

    engine = make_engine(database_url)
    try:
        person = person_for_token(engine, token, datetime.now(UTC))
        assert person is not None
        assert person.email == "maija@kajaani.fi"
        assert _run("users", "revoke", "maija@kajaani.fi", "--party", "m205", "--role",
                    "coordinator")[0] == 0
        from sqlmodel import Session, select

        with Session(engine) as session:
            audit = session.exec(select(AuditRow)).all()
        assert [(a.action, a.channel) for a in audit] == [
            ("person_added", "cli"), ("person_added", "cli"), ("granted", "cli"),
            ("token_added", "cli"), ("revoked", "cli")]
        assert all(token not in (a.new_value or "") for a in audit)
    finally:
        engine.dispose()
