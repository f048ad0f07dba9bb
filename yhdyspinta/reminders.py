"""Reminders from the store: plan today's notices, compose, queue, dispatch; and the CLI.

The one place that wires notify/ to the store and the settings: the CLI and the Prefect
flow both call `plan_reminders`, `queue` and `send`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from calendars.feeds import FeedRenderer
from calendars.workdays import finnish_non_working_days
from notify.compose import Composer, Links, Message
from notify.dispatch import DispatchReport, RetryPolicy, dispatch
from notify.outbox import (
    QueueReport,
    enqueue,
    expire_stale,
    messages_for_day,
    outbox_rows,
    queued_notice_keys,
    retry_failed,
)
from notify.plan import Channel, Contact, Unaddressed, plan_notices
from obligations.catalogue import N_, gettext, ngettext
from obligations.config import Configuration
from obligations.parties import Registry
from obligations.schema import ObligationDefinition
from state.contacts import list_contacts
from state.owners import step_owners
from state.queries import feed_view
from yhdyspinta.publish import PRODID
from yhdyspinta.settings import Settings

if TYPE_CHECKING:
    from yhdyspinta.commands import Context

EXIT_OK = 0
EXIT_UNSENT = 1
LOOK_BACK = timedelta(days=400)
LOOK_AHEAD = timedelta(days=800)
"""Occurrences due this far around today can have steps with a reminder or escalation today."""


@dataclass(frozen=True, slots=True)
class RemindPlan:
    """What today's run would send."""

    today: date
    working_day: bool
    messages: tuple[Message, ...]
    unaddressed: tuple[Unaddressed, ...]
    email_without_server: tuple[str, ...]
    """Contacts with an email address while no SMTP server is configured."""
    already_queued: int = 0
    """Today's notices that an earlier run queued (they are not queued again)."""
    no_email_server: int = 0
    """Today's notices by email not sent because no SMTP server is configured."""


def smtp_url(settings: Settings) -> tuple[str | None, str | None]:
    """The usable SMTP URL (None: no email), and why the configured one is unusable."""
    from state.channels import ChannelConfigError, parse_smtp_url

    if settings.smtp_url is None:
        return None, None
    url = settings.smtp_url.get_secret_value()
    try:
        parse_smtp_url(url)
    except ChannelConfigError as error:
        return None, str(error)
    return url, None


def contacts_for_notices(engine: Engine, settings: Settings) -> tuple[list[Contact], list[str]]:
    """The store's contacts with the channels that can reach them."""
    contacts = []
    unreachable = []
    email_works = smtp_url(settings)[0] is not None
    for row in list_contacts(engine):
        channels: list[Channel] = []
        if row.email:
            # Planned even without a server, so that what cannot go out is counted.
            channels.append(Channel.EMAIL)
            if not email_works:
                unreachable.append(row.name)
        if row.teams:
            channels.append(Channel.TEAMS)
        assert row.id is not None
        contacts.append(Contact(id=row.id, party=row.party, role=row.role, name=row.name,
                                language=row.language, delivery=row.delivery,
                                channels=tuple(channels), email=row.email))
    return contacts, unreachable


def plan_reminders(
    engine: Engine,
    settings: Settings,
    definitions: Sequence[ObligationDefinition],
    registry: Registry,
    configuration: Configuration,
    today: date,
    *,
    obligations: frozenset[str] | None = None,
) -> RemindPlan:
    """Today's messages (of the chosen obligations), leaving out notices queued already."""
    non_working_days = finnish_non_working_days(today.year - 2, today.year + 3)
    if not non_working_days.is_working_day(today):
        return RemindPlan(today, False, (), (), ())
    view = feed_view(engine, start=today - LOOK_BACK, end=today + LOOK_AHEAD, today=today,
                     keep_cancelled_days=0)
    view = [o for o in view if not o.cancelled
            and (obligations is None or o.obligation in obligations)]
    by_id = {d.id: d for d in definitions}
    contacts, unreachable = contacts_for_notices(engine, settings)
    owners = {key: owner.email for key, owner in step_owners(engine).items()}
    notices = plan_notices(view, by_id, contacts, configuration, non_working_days, today,
                           catch_up_days=settings.notify_catch_up_days, owners=owners)
    queued = queued_notice_keys(engine, [n.key for n in notices.notices])
    fresh = [n for n in notices.notices if n.key not in queued]
    no_server = 0
    if unreachable:
        no_server = sum(1 for n in fresh if n.channel is Channel.EMAIL)
        fresh = [n for n in fresh if n.channel is not Channel.EMAIL]
    renderer = FeedRenderer(definitions=by_id, registry=registry,
                            non_working_days=non_working_days, occurrences=view, prodid=PRODID)
    links = Links(public_url=settings.public_url, public_feeds=frozenset(settings.public_feeds),
                  status_page=settings.status_page_url, pages_url=settings.public_url,
                  mark_secret=settings.secret_key.get_secret_value()
                  if settings.secret_key else None,
                  mark_days=settings.mark_done_link_days)
    sent_today = {(recipient, Channel(channel)): count for (recipient, channel), count
                  in messages_for_day(engine, today).items()}
    messages = Composer(renderer, today, links, daily_cap=settings.notify_daily_cap,
                        sent_today=sent_today).compose(fresh)
    return RemindPlan(today, True, tuple(messages), notices.unaddressed, tuple(unreachable),
                      already_queued=len(queued), no_email_server=no_server)


def queue(engine: Engine, plan: RemindPlan) -> QueueReport:
    """Put the plan's messages in the outbox (notices queued before are skipped)."""
    return enqueue(engine, plan.messages)


def retry_policy(settings: Settings) -> RetryPolicy:
    """The dispatcher's patience, from the settings."""
    return RetryPolicy(max_attempts=settings.notify_max_attempts,
                       base=timedelta(seconds=settings.notify_retry_seconds),
                       lease=timedelta(seconds=settings.notify_lease_seconds))


def send(engine: Engine, settings: Settings, today: date, *, workers: int | None = None,
         wait_seconds: float | None = None) -> DispatchReport:
    """Dispatch the outbox (email only when its server URL is usable)."""
    from notify.transport import AppriseTransport

    transport = AppriseTransport(smtp_url(settings)[0])
    wait = settings.notify_wait_seconds if wait_seconds is None else wait_seconds
    try:
        return dispatch(engine, transport, policy=retry_policy(settings),
                        workers=workers or settings.notify_workers,
                        wait_for_retries=timedelta(seconds=wait), today=today)
    finally:
        transport.close()


# --- CLI -----------------------------------------------------------------------------------


def _recipient(message: Message) -> str:
    """Who a dry run would send to: name, party, role, channel, language (no address)."""
    return f"{message.contact.name} ({message.contact.party} {message.contact.role}, " \
           f"{message.channel.value}, {message.contact.language})"


def cmd_remind(args: argparse.Namespace, ctx: Context) -> int:
    """Queue today's reminders and escalations, and send the outbox."""
    from yhdyspinta.commands import UserError
    from yhdyspinta.store_commands import engine_for

    lang, out = ctx.lang, ctx.out
    today = ctx.today(args.today)
    smtp_problem = smtp_url(ctx.settings)[1]
    definitions = ctx.definitions()
    registry = ctx.registry()
    configuration = ctx.configuration(definitions, registry)
    engine = engine_for(ctx)
    if not args.dry_run:
        expire_stale(engine, today)
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
            print(f"→ {_recipient(message)}: {message.subject}", file=out)
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
    unsent = len(outbox_rows(engine, "pending")) + len(outbox_rows(engine, "sending"))
    if report.failed or unsent:
        print(gettext("cli.remind.unsent", lang, pending=unsent, failed=report.failed), file=out)
    if smtp_problem is not None:
        # Teams went out; email waits until the server's URL is fixed.
        raise UserError(f"YHDYSPINTA_SMTP_URL: {smtp_problem}")
    return EXIT_UNSENT if report.failed or unsent else EXIT_OK


def cmd_outbox_list(args: argparse.Namespace, ctx: Context) -> int:
    """The outbox, newest first: state, attempts, errors (secrets masked)."""
    from yhdyspinta.commands import print_table
    from yhdyspinta.store_commands import _local, engine_for

    rows = outbox_rows(engine_for(ctx), args.state)
    table = [
        (str(row.id), row.state, row.channel, name, str(row.attempts),
         _local(row.sent_at) if row.sent_at else _local(row.next_attempt_at),
         row.key, (row.last_error or "")[:120])
        for row, name in rows[:args.limit]
    ]
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.state"), N_("cli.col.channel"), N_("cli.col.recipient"),
        N_("cli.col.attempts"), N_("cli.col.when"), N_("cli.col.key"), N_("cli.col.error")))
    print_table(headers, table, ctx.out)
    return EXIT_OK


def cmd_outbox_retry(args: argparse.Namespace, ctx: Context) -> int:
    """Queue every failed message again (after fixing what made it fail)."""
    from yhdyspinta.store_commands import engine_for

    count = retry_failed(engine_for(ctx))
    print(ngettext("cli.outbox.retried", "cli.outbox.retried.n", count, ctx.lang, count=count),
          file=ctx.out)
    return EXIT_OK
