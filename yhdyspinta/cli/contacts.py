"""`yhdyspinta contacts import|list`: contacts by party and role."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, UserError, print_table, subcommands


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `contacts import` and `contacts list`."""
    contacts = commands.add_parser("contacts", help=gettext("cli.help.contacts", lang),
                                   parents=[common],
                                   description=gettext("cli.help.contacts", lang))
    actions = subcommands(contacts, "contacts_command")
    contacts_import = actions.add_parser(
        "import", help=gettext("cli.help.contacts_import", lang), parents=[common],
        description=gettext("cli.help.contacts_import", lang))
    contacts_import.add_argument("file", type=Path, metavar="FILE.csv")
    contacts_import.set_defaults(handler=cmd_contacts_import)
    actions.add_parser("list", help=gettext("cli.help.contacts_list", lang), parents=[common]
                       ).set_defaults(handler=cmd_contacts_list)


def cmd_contacts_import(args: argparse.Namespace, ctx: Context) -> int:
    """Import contacts from a CSV file: all rows valid, or nothing imported."""
    from app.contacts import import_rows, parse

    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UserError(f"{path}: {reason}") from None
    contacts = parse(text, str(path), ctx.registry())
    report = import_rows(ctx.engine(), contacts)
    print(gettext("cli.contacts.imported", ctx.lang, added=report.added, updated=report.updated,
            unchanged=report.unchanged), file=ctx.out)
    return EXIT_OK


def cmd_contacts_list(args: argparse.Namespace, ctx: Context) -> int:
    """List contacts; Teams addresses are secrets and shown only as set or not."""
    from app.contacts import listed, shown_email

    rows: Sequence[Sequence[str]] = [
        (c.party, c.role, c.name, shown_email(c.email), "✓" if c.teams else "", c.language,
         c.delivery)
        for c in listed(ctx.engine())
    ]
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.party"), N_("cli.col.role"), N_("cli.col.name"), N_("cli.col.email"),
        N_("cli.col.teams"), N_("cli.col.language"), N_("cli.col.delivery")))
    print_table(headers, rows, ctx.out)
    return EXIT_OK
