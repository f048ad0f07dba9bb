"""People who sign in, their grants and personal access tokens (issue 14).

Every change goes to the audit log under the actor `by`, with the channel `cli` (the
administration pages pass `web`). Who may administer whom is decided here once
(`administered`, `check_may_grant`), for the pages and any later caller alike.
"""

from __future__ import annotations

from sqlalchemy import Engine

from app.errors import AppError
from obligations.catalogue import N_
from obligations.errors import UnknownPartyError
from obligations.parties import PartyRef, Registry
from state.people import Person
from yhdyspinta import clock


def check_party(registry: Registry, party: str) -> None:
    """A party code of the right form (`m564`, `r19`) that the registry knows."""
    from state.people import check_grant

    check_grant(party, "reader")  # the code's form, with its one-line error
    ref = PartyRef.parse(party)
    try:
        if ref.is_municipality:
            registry.municipality(ref.code)
        elif ref.code not in {r.code for r in registry.regions}:
            raise UnknownPartyError("region", ref.code)
    except UnknownPartyError:
        raise AppError(N_("cli.error.unknown_party_code"), party=party) from None


def check_role(party: str, role: str) -> None:
    """A grant's party code and role of the right form."""
    from state.people import check_grant

    check_grant(party, role)


def add(engine: Engine, email: str, name: str, *, admin: bool, by: str,
        channel: str = "cli") -> Person:
    """Add a person who may sign in (`admin`: a national administrator)."""
    from state.people import add_person

    return add_person(engine, email, name, admin=admin, now=clock.now(), by=by,
                      channel=channel)


def grant(engine: Engine, email: str, party: str, role: str, *, by: str,
          channel: str = "cli") -> bool:
    """Grant a role for a party (False: the person had it already)."""
    from state.people import grant as give

    return give(engine, email, party, role, now=clock.now(), by=by, channel=channel)


def revoke(engine: Engine, email: str, party: str, role: str, *, by: str,
           channel: str = "cli") -> bool:
    """Take a grant away (False: the person did not have it)."""
    from state.people import revoke as take

    return take(engine, email, party, role, now=clock.now(), by=by, channel=channel)


class NotAllowedError(AppError):
    """The signed-in administrator's grants do not reach this party or role."""


def is_national_admin(person: Person) -> bool:
    """A national administrator: the `--admin` flag or a `national_admin` grant."""
    return person.is_admin or any(role == "national_admin" for _, role in person.grants)


def administered(person: Person, registry: Registry) -> frozenset[str] | None:
    """The parties (`m564`, `r19`) a person administers; None means every party.

    A national administrator: all. A county administrator of `r19`: the county and its
    municipalities. Anyone else: none (an empty set).
    """
    if is_national_admin(person):
        return None
    parties: set[str] = set()
    for party, role in person.grants:
        if role == "county_admin" and party.startswith("r"):
            code = PartyRef.parse(party).code
            parties.add(party)
            try:
                members = registry.members(code)
            except UnknownPartyError:  # a grant of a county the registry no longer has
                continue
            parties.update(PartyRef.of_municipality(m.code).key for m in members)
    return frozenset(parties)


def is_administrator(person: Person | None, registry: Registry) -> bool:
    """True for a national administrator or a county administrator."""
    if person is None:
        return False
    scope = administered(person, registry)
    return scope is None or bool(scope)


def check_may_grant(person: Person, party: str, role: str, registry: Registry) -> None:
    """Refuse a grant or revocation the administrator may not make (NotAllowedError).

    A county administrator grants only parties of their county, and never `national_admin`.
    """
    check_role(party, role)
    check_party(registry, party)
    scope = administered(person, registry)
    if scope is None:
        return
    if role == "national_admin" or party not in scope:
        raise NotAllowedError(N_("web.admin.not_yours"), party=party)


def check_may_add(person: Person, *, admin: bool, registry: Registry) -> None:
    """Only a national administrator adds another national administrator."""
    if not is_administrator(person, registry) or (
            admin and administered(person, registry) is not None):
        raise NotAllowedError(N_("web.admin.not_yours"), party="national_admin")


def listed(engine: Engine) -> list[Person]:
    """Everyone who may sign in, with their grants."""
    from state.people import list_people

    return list_people(engine)


def access_token(engine: Engine, email: str, label: str, *, days: int, by: str) -> str:
    """A personal access token for the write API: returned once, only its hash is kept."""
    from state.people import add_access_token

    return add_access_token(engine, email, label, now=clock.now(), days=days, by=by)
