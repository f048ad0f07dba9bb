"""People who sign in, their grants and personal access tokens (issue 14).

Every change goes to the audit log under the actor `by`, with the channel `cli`.
"""

from __future__ import annotations

from sqlalchemy import Engine

from app.errors import AppError
from obligations.catalogue import N_
from obligations.parties import PartyRef, Registry
from state.people import Person
from yhdyspinta import clock


def check_party(registry: Registry, party: str) -> None:
    """A party code of the right form (`m564`, `r19`) that the registry knows."""
    from obligations.errors import UnknownPartyError
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


def add(engine: Engine, email: str, name: str, *, admin: bool, by: str) -> Person:
    """Add a person who may sign in (`admin`: a national administrator)."""
    from state.people import add_person

    return add_person(engine, email, name, admin=admin, now=clock.now(), by=by)


def grant(engine: Engine, email: str, party: str, role: str, *, by: str) -> bool:
    """Grant a role for a party (False: the person had it already)."""
    from state.people import grant as give

    return give(engine, email, party, role, now=clock.now(), by=by)


def revoke(engine: Engine, email: str, party: str, role: str, *, by: str) -> bool:
    """Take a grant away (False: the person did not have it)."""
    from state.people import revoke as take

    return take(engine, email, party, role, now=clock.now(), by=by)


def listed(engine: Engine) -> list[Person]:
    """Everyone who may sign in, with their grants."""
    from state.people import list_people

    return list_people(engine)


def access_token(engine: Engine, email: str, label: str, *, days: int, by: str) -> str:
    """A personal access token for the write API: returned once, only its hash is kept."""
    from state.people import add_access_token

    return add_access_token(engine, email, label, now=clock.now(), days=days, by=by)
