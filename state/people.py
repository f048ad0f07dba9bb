"""People, their grants, web sessions, sign-in links and personal access tokens.

Every secret (session id, sign-in link, access token) is `secrets.token_urlsafe(32)` —
256 bits — handed out once and stored only as its SHA-256; a lookup is by that hash and
the stored hash is compared again with `hmac.compare_digest`. Secrets are never logged.
Changes of people and grants go to the audit log (occurrence id "", channel given).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from obligations.catalogue import N_
from obligations.parties import PartyRef
from state.db import write_session
from state.errors import StateError
from state.models import (
    AccessTokenRow,
    AuditRow,
    GrantRow,
    PersonRow,
    SigninLinkRow,
    WebSessionRow,
)

ADMIN_ROLES = ("coordinator", "county_admin", "national_admin", "reader")
"""Grant roles beside the step roles of `obligations.schema.Role`."""
STEP_ROLES = ("preparer", "responsible_body", "multisector_group", "board", "council",
              "auditor", "audit_committee", "finance_office", "council_secretary",
              "communications", "top_management", "elected_leadership", "experts")
GRANT_ROLES = (*ADMIN_ROLES, *STEP_ROLES)
LINK_LIFETIME = timedelta(minutes=15)
LINKS_PER_ADDRESS = 3
"""Sign-in links one address may ask for within `LINK_LIFETIME`."""
LINKS_PER_CLIENT = 10
"""Sign-in links one client may ask for within `LINK_LIFETIME`, whatever the addresses."""
_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_PARTY = re.compile(r"^(m\d{3}|r\d{2})$")


def secret_hash(value: str) -> str:
    """The SHA-256 (hex) under which a secret is stored."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_secret() -> str:
    """A fresh secret of 256 bits, URL-safe."""
    return secrets.token_urlsafe(32)


def normal_email(email: str) -> str:
    """An address as stored (trimmed, lower-case); a bad one raises StateError."""
    email = email.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise StateError(f"{email[:80]!r} is not an email address", N_("cli.error.bad_email"),
                         email=email[:80])
    return email


def check_grant(party: str, role: str) -> None:
    """Refuse a party code or role that no grant can have."""
    if not _PARTY.match(party):
        raise StateError(f"{party[:40]!r} is not a party code (m564 for a municipality, "
                         "r19 for a county)", N_("cli.error.bad_party"), party=party[:40])
    if role not in GRANT_ROLES:
        raise StateError(f"{role[:40]!r} is not a role; roles: {', '.join(GRANT_ROLES)}",
                         N_("cli.error.bad_role"), role=role[:40], roles=", ".join(GRANT_ROLES))


@dataclass(frozen=True, slots=True)
class Person:
    """Someone signed in, with what their grants cover."""

    id: int
    email: str
    name: str
    is_admin: bool
    grants: frozenset[tuple[str, str]]
    """(party, role) pairs."""

    @property
    def label(self) -> str:
        """Who made a change, as the audit log names them."""
        return f"{self.name} <{self.email}>"

    def may_change(self, party: str, role: str, region: str | None) -> bool:
        """True if a step of `party` (m564/r19) for `role` is the person's to change.

        A national administrator: every step. A county administrator: the steps of their
        county and its municipalities (`region` is the duty's county code). A coordinator:
        every step of their party. A step role: that role's steps of their party.
        """
        if self.is_admin or any(r == "national_admin" for _, r in self.grants):
            return True
        if region is not None and (PartyRef.of_county(region).key, "county_admin") in self.grants:
            return True
        return (party, "coordinator") in self.grants or (party, role) in self.grants


def _person(session: Session, row: PersonRow) -> Person:
    assert row.id is not None
    grants = session.execute(select(GrantRow.party, GrantRow.role)  # type: ignore[call-overload]
                             .where(GrantRow.person_id == row.id)).all()
    return Person(row.id, row.email, row.name, row.is_admin,
                  frozenset((str(p), str(r)) for p, r in grants))


def _find(session: Session, email: str) -> PersonRow | None:
    found: PersonRow | None = session.execute(
        select(PersonRow).where(PersonRow.email == normal_email(email))  # type: ignore[arg-type]
    ).scalar_one_or_none()
    return found


def _known(session: Session, email: str) -> PersonRow:
    row = _find(session, email)
    if row is None:
        raise StateError(f"no person {email.strip().lower()[:80]!r} (add them with "
                         "`yhdyspinta users add`)", N_("cli.error.unknown_person"),
                         email=email.strip().lower()[:80])
    return row


def _audit(session: Session, now: datetime, by: str, action: str, value: str,
           channel: str) -> None:
    session.add(AuditRow(at=now, actor=by, occurrence_id="", step=None, action=action,
                         old_value=None, new_value=value, channel=channel))


def add_person(engine: Engine, email: str, name: str, *, admin: bool, now: datetime,
               by: str, channel: str = "cli") -> Person:
    """Add someone who may sign in (an existing address raises StateError)."""
    email = normal_email(email)
    name = name.strip()
    if not name or len(name) > 200:
        raise StateError("give the person's name (--name NAME, at most 200 characters)",
                         N_("cli.error.bad_name"))
    with write_session(engine) as session:
        if _find(session, email) is not None:
            raise StateError(f"{email!r} is already a person", N_("cli.error.person_exists"),
                             email=email)
        row = PersonRow(email=email, name=name, is_admin=admin, created_at=now)
        session.add(row)
        session.flush()
        _audit(session, now, by, "person_added",
               f"{email} ({name}){' national administrator' if admin else ''}", channel)
        return _person(session, row)


def _grant_row(session: Session, person: PersonRow, party: str, role: str) -> GrantRow | None:
    return session.execute(select(GrantRow).where(
        GrantRow.person_id == person.id, GrantRow.party == party,  # type: ignore[arg-type]
        GrantRow.role == role)).scalar_one_or_none()  # type: ignore[arg-type]


def grant(engine: Engine, email: str, party: str, role: str, *, now: datetime, by: str,
          channel: str = "cli") -> bool:
    """Grant a role for a party; False if the person had it already."""
    check_grant(party, role)
    with write_session(engine) as session:
        person = _known(session, email)
        if _grant_row(session, person, party, role) is not None:
            return False
        assert person.id is not None
        session.add(GrantRow(person_id=person.id, party=party, role=role, created_at=now))
        _audit(session, now, by, "granted", f"{person.email} {party} {role}", channel)
    return True


def revoke(engine: Engine, email: str, party: str, role: str, *, now: datetime, by: str,
           channel: str = "cli") -> bool:
    """Take a grant away; False if the person did not have it."""
    check_grant(party, role)
    with write_session(engine) as session:
        person = _known(session, email)
        row = _grant_row(session, person, party, role)
        if row is None:
            return False
        session.delete(row)
        _audit(session, now, by, "revoked", f"{person.email} {party} {role}", channel)
    return True


def list_people(engine: Engine) -> list[Person]:
    """Everyone, by email, with their grants."""
    with Session(engine) as session:
        rows = session.execute(select(PersonRow).order_by(PersonRow.email)).scalars().all()
        return [_person(session, row) for row in rows]


def person_by_email(engine: Engine, email: str) -> Person | None:
    """The person with this address, if any."""
    with Session(engine) as session:
        row = _find(session, email)
        return _person(session, row) if row is not None else None


# --- personal access tokens -----------------------------------------------------------

def add_access_token(engine: Engine, email: str, label: str, *, now: datetime, days: int,
                     by: str, channel: str = "cli") -> str:
    """A new personal access token for the person (returned once, stored hashed)."""
    label = label.strip()
    if not label or len(label) > 200:
        raise StateError("give the token a name (--name LABEL)", N_("cli.error.bad_label"))
    token = new_secret()
    with write_session(engine) as session:
        person = _known(session, email)
        assert person.id is not None
        session.add(AccessTokenRow(token_hash=secret_hash(token), person_id=person.id,
                                   label=label, created_at=now,
                                   expires_at=now + timedelta(days=days)))
        _audit(session, now, by, "token_added",
               f"{person.email} {label!r} until {(now + timedelta(days=days)).date()}", channel)
    return token


def person_for_token(engine: Engine, token: str, now: datetime) -> Person | None:
    """The person a valid (known, unexpired, unrevoked) access token belongs to."""
    if not token or len(token) > 200:
        return None
    digest = secret_hash(token)
    with Session(engine) as session:
        row = session.execute(select(AccessTokenRow).where(
            AccessTokenRow.token_hash == digest)).scalar_one_or_none()  # type: ignore[arg-type]
        if row is None or not hmac.compare_digest(row.token_hash, digest) \
                or row.revoked_at is not None or _aware(row.expires_at) <= now:
            return None
        person = session.get(PersonRow, row.person_id)
        return _person(session, person) if person is not None else None


# --- sign-in links --------------------------------------------------------------------

class RateLimitedError(StateError):
    """Too many sign-in links asked for one address or from one client."""


class LinkError(StateError):
    """A sign-in link that cannot be used: `reason` is unknown, used or expired."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"sign-in link {reason}")
        self.reason = reason


def ask_signin_link(engine: Engine, email: str, client: str, *,
                    now: datetime) -> tuple[str, Person] | None:
    """A sign-in link token for a known address (None for an unknown one).

    Every request is recorded, known address or not, so that the limits per address and
    per client hold without telling which addresses are known.
    """
    email = normal_email(email)
    client_hash = secret_hash(client)
    since = now - LINK_LIFETIME
    token = new_secret()
    with write_session(engine) as session:
        by_address = session.execute(select(func.count()).select_from(SigninLinkRow).where(
            SigninLinkRow.email == email, SigninLinkRow.created_at > since)).scalar_one()  # type: ignore[arg-type]
        by_client = session.execute(select(func.count()).select_from(SigninLinkRow).where(
            SigninLinkRow.client == client_hash,  # type: ignore[arg-type]
            SigninLinkRow.created_at > since)).scalar_one()  # type: ignore[arg-type]
        if by_address >= LINKS_PER_ADDRESS or by_client >= LINKS_PER_CLIENT:
            raise RateLimitedError("too many sign-in links asked for; wait 15 minutes")
        session.add(SigninLinkRow(token_hash=secret_hash(token), email=email,
                                  client=client_hash, created_at=now,
                                  expires_at=now + LINK_LIFETIME))
        row = _find(session, email)
        if row is None:
            return None
        return token, _person(session, row)


def check_signin_link(engine: Engine, token: str, *, now: datetime) -> str:
    """The address a usable link is for; LinkError otherwise. Changes nothing."""
    with Session(engine) as session:
        return _usable_link(session, token, now).email


def _usable_link(session: Session, token: str, now: datetime) -> SigninLinkRow:
    digest = secret_hash(token) if token and len(token) <= 200 else ""
    row = session.get(SigninLinkRow, digest) if digest else None
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise LinkError("unknown")
    if row.used_at is not None:
        raise LinkError("used")
    if _aware(row.expires_at) <= now:
        raise LinkError("expired")
    return row


def use_signin_link(engine: Engine, token: str, *, now: datetime,
                    lifetime: timedelta) -> tuple[str, Person]:
    """Spend a link (once) and start a session: (session id, person)."""
    with write_session(engine) as session:
        link = _usable_link(session, token, now)
        link.used_at = now
        row = _find(session, link.email)
        if row is None:
            raise LinkError("unknown")
        person = _person(session, row)
    return start_session(engine, person, now=now, lifetime=lifetime), person


# --- sessions -------------------------------------------------------------------------

def start_session(engine: Engine, person: Person, *, now: datetime,
                  lifetime: timedelta) -> str:
    """A new session for the person; its id is returned once (for the cookie)."""
    session_id = new_secret()
    with write_session(engine) as session:
        session.add(WebSessionRow(id_hash=secret_hash(session_id), person_id=person.id,
                                  created_at=now, last_seen_at=now,
                                  expires_at=now + lifetime))
        _audit(session, now, person.label, "signed_in", person.email, "web")
    return session_id


def session_person(engine: Engine, session_id: str | None, *, now: datetime,
                   idle: timedelta) -> Person | None:
    """The person of a live session (not ended, not past its absolute or idle timeout).

    `last_seen_at` is moved on at most once a minute, so reading pages seldom writes.
    """
    if not session_id or len(session_id) > 200:
        return None
    digest = secret_hash(session_id)
    with Session(engine) as session:
        row = session.get(WebSessionRow, digest)
        if row is None or not hmac.compare_digest(row.id_hash, digest) \
                or row.ended_at is not None or _aware(row.expires_at) <= now \
                or _aware(row.last_seen_at) + idle <= now:
            return None
        person_row = session.get(PersonRow, row.person_id)
        if person_row is None:
            return None
        person = _person(session, person_row)
        stale = _aware(row.last_seen_at) + timedelta(minutes=1) <= now
    if stale:
        with write_session(engine) as session:
            live = session.get(WebSessionRow, digest)
            if live is not None:
                live.last_seen_at = now
    return person


def end_session(engine: Engine, session_id: str | None, *, now: datetime) -> None:
    """Sign out: the session is ended for good."""
    if not session_id or len(session_id) > 200:
        return
    with write_session(engine) as session:
        row = session.get(WebSessionRow, secret_hash(session_id))
        if row is not None and row.ended_at is None:
            row.ended_at = now


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back naive (they were stored in UTC)."""
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
