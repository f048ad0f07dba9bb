"""Reminders from the store: plan today's notices, compose, queue, dispatch.

The one place that wires notify/ to the store and the settings: `yhdyspinta remind` and
the Prefect flows both call `plan_reminders`, `queue` (or `queue_reminders`) and `send`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine

from app.inputs import Inputs
from app.publish import PRODID
from calendars.feeds import FeedRenderer
from calendars.workdays import finnish_non_working_days
from notify.compose import Composer, Links, Message
from notify.dispatch import DispatchReport, RetryPolicy, dispatch
from notify.outbox import (
    QueueReport,
    enqueue,
    expire_stale,
    messages_for_day,
    queued_notice_keys,
)
from notify.plan import Channel, Contact, Unaddressed, plan_notices
from obligations.config import Configuration
from obligations.parties import Registry
from obligations.schema import ObligationDefinition
from state.contacts import list_contacts
from state.models import OutboxRow
from state.owners import step_owners
from state.queries import feed_view
from yhdyspinta.settings import Settings

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
                     keep_cancelled_days=0, non_working_days=non_working_days,
                     tracked_from=configuration.tracked_from)
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
                            non_working_days=non_working_days, occurrences=view, prodid=PRODID,
                            parties=configuration.parties(registry))
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


def recipient(message: Message) -> str:
    """Who a message goes to: name, party, role, channel, language (never the address)."""
    return f"{message.contact.name} ({message.contact.party} {message.contact.role}, " \
           f"{message.channel.value}, {message.contact.language})"


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

    transport = AppriseTransport(smtp_url(settings)[0],
                                 teams_posts_per_second=settings.teams_posts_per_second)
    wait = settings.notify_wait_seconds if wait_seconds is None else wait_seconds
    try:
        return dispatch(engine, transport, policy=retry_policy(settings),
                        workers=workers or settings.notify_workers,
                        wait_for_retries=timedelta(seconds=wait), today=today)
    finally:
        transport.close()


def queue_reminders(engine: Engine, inputs: Inputs, today: date,
                    obligations: frozenset[str] | None = None) -> dict[str, int]:
    """Retire stale messages, plan today's notices (of the chosen obligations), queue them."""
    expire_stale(engine, today)
    plan = plan_reminders(engine, inputs.settings, inputs.definitions, inputs.registry,
                          inputs.configuration, today, obligations=obligations)
    if not plan.working_day:
        return {"working_day": 0, "messages": 0, "notices": 0, "already_queued": 0,
                "unaddressed": 0, "no_email_server": 0}
    report = queue(engine, plan)
    return {"working_day": 1, "messages": report.messages, "notices": report.notices,
            "already_queued": plan.already_queued + report.already_queued,
            "unaddressed": len(plan.unaddressed), "no_email_server": plan.no_email_server}


def retire_stale(engine: Engine, today: date) -> int:
    """Retire unsent messages written for an earlier day (their "days to go" is wrong)."""
    return expire_stale(engine, today)


def outbox(engine: Engine, state: str | None = None) -> list[tuple[OutboxRow, str]]:
    """The outbox, newest first, with each message's recipient name."""
    from notify.outbox import outbox_rows

    return outbox_rows(engine, state)


def unsent_count(engine: Engine) -> int:
    """Messages still pending or being sent (a retry is waiting, or a sender holds them)."""
    return len(outbox(engine, "pending")) + len(outbox(engine, "sending"))


def retry_failed(engine: Engine) -> int:
    """Queue every failed message again; returns how many."""
    from notify.outbox import retry_failed as retry

    return retry(engine)
