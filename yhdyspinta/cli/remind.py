"""`yhdyspinta remind` and `yhdyspinta outbox`: today's reminders, and the queue they go by."""

from __future__ import annotations

import argparse
from typing import Any

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from yhdyspinta.cli.common import (
    EXIT_OK,
    Context,
    UserError,
    add_today,
    local_time,
    non_negative,
    positive,
    print_table,
    subcommands,
)

EXIT_UNSENT = 1


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `remind` and `outbox list|retry`."""
    remind = commands.add_parser("remind", help=gettext("cli.help.remind", lang), parents=[common],
                                 description=gettext("cli.help.remind", lang))
    remind.add_argument("--dry-run", action="store_true", help=gettext("cli.help.dry_run", lang))
    add_today(remind, lang)
    remind.add_argument("--workers", type=positive(lang), metavar="N",
                        help=gettext("cli.help.workers", lang))
    remind.add_argument("--wait", type=non_negative(lang), metavar="SECONDS",
                        help=gettext("cli.help.wait", lang))
    remind.set_defaults(handler=cmd_remind)

    outbox = commands.add_parser("outbox", help=gettext("cli.help.outbox", lang), parents=[common],
                                 description=gettext("cli.help.outbox", lang))
    actions = subcommands(outbox, "outbox_command")
    outbox_list = actions.add_parser("list", help=gettext("cli.help.outbox_list", lang),
                                     parents=[common])
    outbox_list.add_argument("--state", choices=("pending", "sending", "sent", "failed"),
                             help=gettext("cli.help.outbox_state", lang))
    outbox_list.add_argument("--limit", type=positive(lang), default=50, metavar="N",
                             help=gettext("cli.help.limit", lang))
    outbox_list.set_defaults(handler=cmd_outbox_list)
    actions.add_parser("retry", help=gettext("cli.help.outbox_retry", lang), parents=[common]
                       ).set_defaults(handler=cmd_outbox_retry)


def cmd_remind(args: argparse.Namespace, ctx: Context) -> int:
    """Queue today's reminders and escalations, and send the outbox."""
    from app.reminders import (
        plan_reminders,
        queue,
        recipient,
        retire_stale,
        send,
        smtp_url,
        unsent_count,
    )

    lang, out = ctx.lang, ctx.out
    today = ctx.today(args.today)
    smtp_problem = smtp_url(ctx.settings)[1]
    definitions = ctx.definitions()
    registry = ctx.registry()
    configuration = ctx.configuration(definitions, registry)
    engine = ctx.engine()
    if not args.dry_run:
        retire_stale(engine, today)
    plan = plan_reminders(engine, ctx.settings, definitions, registry, configuration, today)
    if not plan.working_day:
        print(gettext("cli.remind.non_working_day", lang, today=today.isoformat()), file=out)
        return EXIT_OK
    if smtp_problem is None:
        for name in plan.email_without_server:
            print(gettext("cli.remind.no_smtp", lang, name=name), file=out)
    if plan.no_email_server:
        print(ngettext("cli.remind.no_email_server", "cli.remind.no_email_server.n",
                       plan.no_email_server, lang, count=plan.no_email_server), file=out)
    if plan.unaddressed:
        parties = sorted({p for missing in plan.unaddressed for p in missing.parties})
        shown = " ".join(parties[:12]) + (" …" if len(parties) > 12 else "")
        print(ngettext("cli.remind.unaddressed", "cli.remind.unaddressed.n", len(plan.unaddressed),
                       lang, count=len(plan.unaddressed), parties=len(parties),
                shown=shown), file=out)
    if args.dry_run:
        for message in plan.messages:
            print(f"→ {recipient(message)}: {message.subject}", file=out)
            for line in message.summary:
                print(f"    {line}", file=out)
        print(ngettext("cli.remind.dry_run", "cli.remind.dry_run.n", len(plan.messages), lang,
                       count=len(plan.messages)), file=out)
        return EXIT_OK
    queued = queue(engine, plan)
    print(gettext("cli.remind.queued", lang, messages=queued.messages, notices=queued.notices,
            already=plan.already_queued + queued.already_queued), file=out)
    report = send(engine, ctx.settings, today, workers=args.workers, wait_seconds=args.wait)
    for message_key, problem in report.errors:
        print(gettext("cli.remind.error", lang, message=message_key, error=problem), file=out)
    print(gettext("cli.remind.sent", lang, sent=report.sent, retrying=report.retrying,
            failed=report.failed), file=out)
    unsent = unsent_count(engine)
    if report.failed or unsent:
        print(gettext("cli.remind.unsent", lang, pending=unsent, failed=report.failed), file=out)
    if smtp_problem is not None:
        # Teams went out; email waits until the server's URL is fixed.
        raise UserError(f"YHDYSPINTA_SMTP_URL: {smtp_problem}")
    return EXIT_UNSENT if report.failed or unsent else EXIT_OK


def cmd_outbox_list(args: argparse.Namespace, ctx: Context) -> int:
    """The outbox, newest first: state, attempts, errors (secrets masked)."""
    from app.reminders import outbox

    table = [
        (str(row.id), row.state, row.channel, name, str(row.attempts),
         local_time(row.sent_at) if row.sent_at else local_time(row.next_attempt_at),
         row.key, (row.last_error or "")[:120])
        for row, name in outbox(ctx.engine(), args.state)[:args.limit]
    ]
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.state"), N_("cli.col.channel"), N_("cli.col.recipient"),
        N_("cli.col.attempts"), N_("cli.col.when"), N_("cli.col.key"), N_("cli.col.error")))
    print_table(headers, table, ctx.out)
    return EXIT_OK


def cmd_outbox_retry(args: argparse.Namespace, ctx: Context) -> int:
    """Queue every failed message again (after fixing what made it fail)."""
    from app.reminders import retry_failed

    count = retry_failed(ctx.engine())
    print(ngettext("cli.outbox.retried", "cli.outbox.retried.n", count, ctx.lang, count=count),
          file=ctx.out)
    return EXIT_OK
