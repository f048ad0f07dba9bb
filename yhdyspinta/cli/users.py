"""`yhdyspinta users`: people who sign in, their grants and personal access tokens.

Every change goes to the audit log with the channel `cli` (the actor is the system user).
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, positive, print_table, subcommands


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `users add|grant|revoke|list|token` (issue 14)."""
    users = commands.add_parser("users", help=gettext("cli.help.users", lang), parents=[common],
                                description=gettext("cli.help.users", lang))
    actions = subcommands(users, "users_command")
    add = actions.add_parser("add", help=gettext("cli.help.users_add", lang), parents=[common])
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--name", required=True, metavar="NAME",
                     help=gettext("cli.help.users_name", lang))
    add.add_argument("--admin", action="store_true", help=gettext("cli.help.users_admin", lang))
    add.set_defaults(handler=cmd_users_add)
    for action, about, handler in (("grant", N_("cli.help.users_grant"), cmd_users_grant),
                                   ("revoke", N_("cli.help.users_revoke"), cmd_users_revoke)):
        change = actions.add_parser(action, help=gettext(about, lang), parents=[common])
        change.add_argument("email", metavar="EMAIL")
        change.add_argument("--party", required=True, metavar="CODE",
                            help=gettext("cli.help.users_party", lang))
        change.add_argument("--role", required=True, metavar="ROLE",
                            help=gettext("cli.help.users_role", lang))
        change.set_defaults(handler=handler)
    actions.add_parser("list", help=gettext("cli.help.users_list", lang), parents=[common]
                       ).set_defaults(handler=cmd_users_list)
    token = actions.add_parser("token", help=gettext("cli.help.users_token", lang),
                               parents=[common])
    token.add_argument("email", metavar="EMAIL")
    token.add_argument("--name", required=True, metavar="LABEL",
                       help=gettext("cli.help.users_label", lang))
    token.add_argument("--days", type=positive(lang), default=90, metavar="DAYS",
                       help=gettext("cli.help.users_days", lang))
    token.set_defaults(handler=cmd_users_token)


def _by() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def cmd_users_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add a person who may sign in (with --admin: a national administrator)."""
    from app.people import add

    person = add(ctx.engine(), args.email, args.name, admin=args.admin, by=_by())
    print(gettext("cli.users.added", ctx.lang, email=person.email, name=person.name), file=ctx.out)
    return EXIT_OK


def cmd_users_grant(args: argparse.Namespace, ctx: Context) -> int:
    """Grant a role for a party."""
    from app.people import check_party, check_role, grant

    check_role(args.party, args.role)
    check_party(ctx.registry(), args.party)
    done = grant(ctx.engine(), args.email, args.party, args.role, by=_by())
    return _said(ctx, args, N_("cli.users.granted") if done else N_("cli.users.had"))


def cmd_users_revoke(args: argparse.Namespace, ctx: Context) -> int:
    """Take a grant away."""
    from app.people import revoke

    done = revoke(ctx.engine(), args.email, args.party, args.role, by=_by())
    return _said(ctx, args, N_("cli.users.revoked") if done else N_("cli.users.not_had"))


def _said(ctx: Context, args: argparse.Namespace, key: str) -> int:
    """Say what a grant or revoke did (or found already so), naming email, party and role."""
    print(gettext(key, ctx.lang, email=args.email.strip().lower(), party=args.party,
                  role=args.role), file=ctx.out)
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace, ctx: Context) -> int:
    """Everyone who may sign in, with their grants."""
    from app.people import listed

    headers = tuple(gettext(key, ctx.lang) for key in (
        N_("cli.col.email"), N_("cli.col.name"), N_("cli.col.grants")))
    rows = []
    for person in listed(ctx.engine()):
        grants = [f"{party} {role}" for party, role in sorted(person.grants)]
        if person.is_admin:
            grants.insert(0, gettext("cli.users.admin", ctx.lang))
        rows.append((person.email, person.name, ", ".join(grants)))
    print_table(headers, rows, ctx.out)
    return EXIT_OK


def cmd_users_token(args: argparse.Namespace, ctx: Context) -> int:
    """A personal access token for the write API, printed once (only its hash is kept)."""
    from app.people import access_token

    token = access_token(ctx.engine(), args.email, args.name, days=args.days, by=_by())
    print(gettext("cli.users.token", ctx.lang, label=args.name, email=args.email.strip().lower(),
            days=args.days), file=ctx.out)
    print(token, file=ctx.out)
    return EXIT_OK
