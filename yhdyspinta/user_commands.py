"""`yhdyspinta users`: people who sign in, their grants and personal access tokens.

Every change goes to the audit log with the channel `cli` (the actor is the system user).
"""

from __future__ import annotations

import argparse
import getpass

from obligations.catalogue import N_, gettext
from yhdyspinta import clock
from yhdyspinta.commands import Context, UserError, print_table
from yhdyspinta.store_commands import engine_for

EXIT_OK = 0


def _by() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _check_party(ctx: Context, party: str) -> None:
    """A party code that the registry knows (m564, r19)."""
    from obligations.errors import UnknownPartyError
    from obligations.parties import PartyRef
    from state.people import check_grant

    check_grant(party, "reader")  # the code's form, with its one-line error
    registry = ctx.registry()
    ref = PartyRef.parse(party)
    try:
        if ref.is_municipality:
            registry.municipality(ref.code)
        elif ref.code not in {r.code for r in registry.regions}:
            raise UnknownPartyError("region", ref.code)
    except UnknownPartyError:
        raise UserError(gettext("cli.error.unknown_party_code", ctx.lang, party=party)) from None


def cmd_users_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add a person who may sign in (with --admin: a national administrator)."""
    from state.people import add_person

    person = add_person(engine_for(ctx), args.email, args.name, admin=args.admin,
                        now=clock.now(), by=_by())
    print(gettext("cli.users.added", ctx.lang, email=person.email, name=person.name), file=ctx.out)
    return EXIT_OK


def cmd_users_grant(args: argparse.Namespace, ctx: Context) -> int:
    """Grant a role for a party."""
    from state.people import check_grant, grant

    check_grant(args.party, args.role)
    _check_party(ctx, args.party)
    done = grant(engine_for(ctx), args.email, args.party, args.role, now=clock.now(), by=_by())
    key = N_("cli.users.granted") if done else N_("cli.users.had")
    print(gettext(key, ctx.lang, email=args.email.strip().lower(), party=args.party,
                  role=args.role), file=ctx.out)
    return EXIT_OK


def cmd_users_revoke(args: argparse.Namespace, ctx: Context) -> int:
    """Take a grant away."""
    from state.people import revoke

    done = revoke(engine_for(ctx), args.email, args.party, args.role, now=clock.now(), by=_by())
    key = N_("cli.users.revoked") if done else N_("cli.users.not_had")
    print(gettext(key, ctx.lang, email=args.email.strip().lower(), party=args.party,
                  role=args.role), file=ctx.out)
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace, ctx: Context) -> int:
    """Everyone who may sign in, with their grants."""
    from state.people import list_people

    headers = tuple(gettext(key, ctx.lang) for key in (
        N_("cli.col.email"), N_("cli.col.name"), N_("cli.col.grants")))
    rows = []
    for person in list_people(engine_for(ctx)):
        grants = [f"{party} {role}" for party, role in sorted(person.grants)]
        if person.is_admin:
            grants.insert(0, gettext("cli.users.admin", ctx.lang))
        rows.append((person.email, person.name, ", ".join(grants)))
    print_table(headers, rows, ctx.out)
    return EXIT_OK


def cmd_users_token(args: argparse.Namespace, ctx: Context) -> int:
    """A personal access token for the write API, printed once (only its hash is kept)."""
    from state.people import add_access_token

    token = add_access_token(engine_for(ctx), args.email, args.name, now=clock.now(),
                             days=args.days, by=_by())
    print(gettext("cli.users.token", ctx.lang, label=args.name, email=args.email.strip().lower(),
            days=args.days), file=ctx.out)
    print(token, file=ctx.out)
    return EXIT_OK
