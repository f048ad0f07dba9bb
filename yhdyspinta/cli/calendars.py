"""`yhdyspinta calendars export` and `yhdyspinta subscribers`: feeds as files, and readers.

Subscribers are who may read the private feeds.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import (
    EXIT_OK,
    Context,
    UserError,
    add_today,
    command,
    local_time,
    print_table,
    subcommands,
)


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `calendars export`."""
    calendars = command(commands, "calendars", N_("cli.help.calendars"), common, lang)
    export = command(subcommands(calendars, "calendars_command"), "export",
                     N_("cli.help.calendars_export"), common, lang)
    export.add_argument("outdir", type=Path, metavar="OUTDIR")
    add_today(export, lang)
    export.add_argument("--region", metavar="CODE", help=gettext("cli.help.region", lang))
    export.set_defaults(handler=cmd_calendars_export)


def register_subscribers(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `subscribers add|list|revoke`."""
    subscribers = commands.add_parser("subscribers", help=gettext("cli.help.subscribers", lang),
                                      parents=[common],
                                      description=gettext("cli.help.subscribers", lang))
    actions = subcommands(subscribers, "subscribers_command")
    add = actions.add_parser("add", help=gettext("cli.help.subscribers_add", lang),
                             parents=[common],
                             description=gettext("cli.help.subscribers_add", lang))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--feed", action="append", metavar="FEED",
                     help=gettext("cli.help.feed", lang))
    add.add_argument("--all", action="store_true", help=gettext("cli.help.all_feeds", lang))
    add.set_defaults(handler=cmd_subscribers_add)
    actions.add_parser("list", help=gettext("cli.help.subscribers_list", lang), parents=[common]
                       ).set_defaults(handler=cmd_subscribers_list)
    revoke = actions.add_parser("revoke", help=gettext("cli.help.subscribers_revoke", lang),
                                parents=[common])
    revoke.add_argument("id", type=int, metavar="ID")
    revoke.set_defaults(handler=cmd_subscribers_revoke)


def cmd_calendars_export(args: argparse.Namespace, ctx: Context) -> int:
    """Write every feed (every language) and an index to OUTDIR for static hosting."""
    from app.publish import export_feeds
    from yhdyspinta.cli.plan import sync_store

    try:  # before the sync: a folder that cannot be written is one line, at once
        args.outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{args.outdir}: {error.strerror}") from None
    today = ctx.today(args.today)
    engine, inputs = sync_store(ctx, today)
    try:
        report = export_feeds(engine, inputs, args.outdir, today, args.region)
    except OSError as error:
        raise UserError(f"{args.outdir}: {error.strerror}") from None
    print(gettext("cli.calendars.exported", ctx.lang, feeds=report.feeds, files=report.files,
            folder=args.outdir / "feeds"), file=ctx.out)
    return EXIT_OK


def cmd_subscribers_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add a subscriber; its token is shown once, in the printed addresses, and never again."""
    from app.subscribers import add

    registry = ctx.registry()
    definitions = ctx.definitions()
    added = add(ctx.engine(), registry, definitions, args.name, args.feed or [],
                every_feed=args.all)
    print(gettext("cli.subscribers.added", ctx.lang, id=added.id, name=args.name),
          file=ctx.out)
    from calendars.urls import Urls

    urls = Urls(ctx.settings.public_url)
    for feed in added.feeds[:50 if args.all else None]:
        https = urls.feed(feed, token=added.token)
        print(f"  {https}", file=ctx.out)
        print(f"  {Urls.webcal(https)}", file=ctx.out)
    return EXIT_OK


def cmd_subscribers_list(args: argparse.Namespace, ctx: Context) -> int:
    """List subscribers (never their tokens)."""
    from app.subscribers import listed

    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.name"), N_("cli.col.feeds"), N_("cli.col.created"),
        N_("cli.col.revoked")))
    print_table(headers, [
        (str(r.id), r.name, r.feeds, local_time(r.created_at),
         local_time(r.revoked_at) if r.revoked_at else "") for r in listed(ctx.engine())
    ], ctx.out)
    return EXIT_OK


def cmd_subscribers_revoke(args: argparse.Namespace, ctx: Context) -> int:
    """Revoke a subscriber's token: its addresses answer 404 from the next poll on."""
    from app.subscribers import revoke

    revoke(ctx.engine(), args.id)
    print(gettext("cli.subscribers.revoked", ctx.lang, id=args.id), file=ctx.out)
    return EXIT_OK
