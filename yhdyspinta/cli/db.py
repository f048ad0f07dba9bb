"""`yhdyspinta db upgrade|status`: the store's schema migrations."""

from __future__ import annotations

import argparse
from typing import Any

from obligations.catalogue import gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, subcommands


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `db upgrade` and `db status`."""
    db = commands.add_parser("db", help=gettext("cli.help.db", lang), parents=[common],
                             description=gettext("cli.help.db", lang))
    actions = subcommands(db, "db_command")
    actions.add_parser("upgrade", help=gettext("cli.help.db_upgrade", lang),
                       parents=[common]).set_defaults(handler=cmd_db_upgrade)
    actions.add_parser("status", help=gettext("cli.help.db_status", lang),
                       parents=[common]).set_defaults(handler=cmd_db_status)


def cmd_db_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    """Bring the database schema to this version's."""
    from app.store import upgrade

    before, after = upgrade(ctx.engine(check_schema=False))
    if before == after:
        print(gettext("cli.db.current", ctx.lang, revision=after), file=ctx.out)
    else:
        print(gettext("cli.db.upgraded", ctx.lang, before=before or "-", after=after), file=ctx.out)
    return EXIT_OK


def cmd_db_status(args: argparse.Namespace, ctx: Context) -> int:
    """Show the database's schema revision and this version's."""
    from app.store import revisions

    current, head = revisions(ctx.engine(check_schema=False))
    print(gettext("cli.db.status", ctx.lang, current=current or "-", head=head), file=ctx.out)
    return EXIT_OK
