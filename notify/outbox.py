"""The outbox in the status store: queue messages once, claim, send, mark.

Queueing is one transaction: a message and the notices it carries (`outbox_item`, unique
by key) go in together or not at all, and a notice already queued is never queued again.

A dispatcher claims a message (state `sending`, with a lease), sends it outside any
transaction, then marks it sent or schedules a retry with backoff. A dispatcher killed
after claiming leaves the message `sending`; once the lease runs out another run takes it
again. Only a kill between the receiver accepting and the mark being written repeats a
message: at most the messages in flight at that moment (one per sending worker).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, delete, func, or_, select, update
from sqlmodel import Session, col

from calendars.ics import utc
from notify.compose import Message
from state.db import Serialised, write_session
from state.models import (
    ContactRow,
    OutboxItemRow,
    OutboxRow,
    OutboxState,
    StepStatus,
    StepStatusRow,
)
from yhdyspinta import clock


@dataclass(frozen=True, slots=True)
class QueueReport:
    """How many messages and notices were queued, and how many notices were queued before."""

    messages: int
    notices: int
    already_queued: int


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed message: what to send, to whom (the contact's row, secrets included)."""

    id: int
    key: str
    channel: str
    payload: str
    attempts: int
    email: str | None
    teams: str | None
    contact_name: str
    claimed_at: datetime


def queued_notice_keys(engine: Engine, keys: Sequence[str]) -> set[str]:
    """Which of `keys` are in the outbox already."""
    found: set[str] = set()
    with Session(engine) as session:
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            found.update(session.execute(
                select(col(OutboxItemRow.key)).where(col(OutboxItemRow.key).in_(chunk))
            ).scalars())
    return found


def messages_for_day(engine: Engine, day: date) -> dict[tuple[int, str], int]:
    """Messages queued for `day` per (recipient, channel), whatever became of them.

    A message's key names the day it was written for (`…|email|2026-12-01` for one notice,
    `digest|c7|email|2026-12-01|…` for a digest).
    """
    stamp = day.isoformat()
    counts: dict[tuple[int, str], int] = {}
    with Session(engine) as session:
        rows = session.execute(
            select(col(OutboxRow.recipient), col(OutboxRow.channel), col(OutboxRow.key))
            .where(col(OutboxRow.key).contains(stamp))).all()
    for recipient, channel, key in rows:
        if stamp in key.split("|"):
            counts[(recipient, channel)] = counts.get((recipient, channel), 0) + 1
    return counts


def enqueue(engine: Engine, messages: Sequence[Message], now: datetime | None = None,
            ) -> QueueReport:
    """Queue the messages whose notices are not queued yet, all in one transaction."""
    moment = now or clock.now()
    added_messages = added_notices = skipped = 0
    with write_session(engine, Serialised.QUEUE) as session:
        all_keys = [key for message in messages for key in message.notice_keys]
        known: set[str] = set()
        for start in range(0, len(all_keys), 500):
            chunk = all_keys[start:start + 500]
            known.update(session.execute(
                select(col(OutboxItemRow.key)).where(col(OutboxItemRow.key).in_(chunk))
            ).scalars())
        message_keys = set(session.execute(
            select(col(OutboxRow.key)).where(col(OutboxRow.key).in_([m.key for m in messages]))
        ).scalars()) if messages else set()
        for message in messages:
            fresh = [key for key in message.notice_keys if key not in known]
            skipped += len(message.notice_keys) - len(fresh)
            if not fresh or message.key in message_keys:
                # Every notice went out already (or this very message is queued): a
                # re-run adds nothing. A digest with some new notices is a new message.
                continue
            row = OutboxRow(key=message.key, channel=message.channel.value,
                            recipient=message.contact.id, payload=message.payload(),
                            state=OutboxState.PENDING.value, attempts=0,
                            next_attempt_at=moment, created_at=moment)
            session.add(row)
            session.flush()
            assert row.id is not None
            for key in fresh:
                occurrence_id, step = key.split("|", 2)[:2]
                session.add(OutboxItemRow(key=key, outbox_id=row.id,
                                          occurrence_id=occurrence_id, step=step))
                known.add(key)
            added_messages += 1
            added_notices += len(fresh)
    return QueueReport(added_messages, added_notices, skipped)


def expire_stale(engine: Engine, today: date) -> int:
    """Unsent messages written for an earlier day become obsolete; their notices are freed.

    A message says "3 days to go" for the day it was written: sent a day later it is wrong.
    Freeing its notices lets the next planning (which catches up on missed reminders)
    queue them again in a message written for its own day.
    """
    with write_session(engine) as session:
        rows = list(session.execute(
            select(OutboxRow).where(col(OutboxRow.state).in_(
                [OutboxState.PENDING.value, OutboxState.SENDING.value]))
            .with_for_update(skip_locked=True)).scalars())
        stale = [row for row in rows if _is_stale(row, today)]
        _retire(session, stale, today)
    return len(stale)


def _is_stale(row: OutboxRow, today: date) -> bool:
    day = json.loads(row.payload).get("day")
    return day is not None and date.fromisoformat(day) < today


def _retire(session: Session, rows: Sequence[OutboxRow], today: date) -> None:
    ids = [row.id for row in rows if row.id is not None]
    if not ids:
        return
    session.execute(delete(OutboxItemRow).where(col(OutboxItemRow.outbox_id).in_(ids)))
    for row in rows:
        row.state = OutboxState.OBSOLETE.value
        row.last_error = f"written for {json.loads(row.payload)['day']}, not sent on " \
                         f"{today.isoformat()}"


def claim(engine: Engine, *, limit: int, lease: timedelta, now: datetime | None = None,
          today: date | None = None) -> list[Claimed]:
    """Take up to `limit` messages that are due (or whose dispatcher's lease ran out).

    With `today`, a message written for an earlier day is retired instead (`expire_stale`).
    """
    moment = now or clock.now()
    due = or_(
        (col(OutboxRow.state) == OutboxState.PENDING.value)
        & (col(OutboxRow.next_attempt_at) <= moment),
        (col(OutboxRow.state) == OutboxState.SENDING.value)
        & (col(OutboxRow.claimed_at) <= moment - lease),
    )
    with write_session(engine) as session:
        rows = list(session.execute(
            select(OutboxRow).where(due)
            .order_by(OutboxRow.next_attempt_at, OutboxRow.id)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars())
        if today is not None:
            stale = [row for row in rows if _is_stale(row, today)]
            _retire(session, stale, today)
            rows = [row for row in rows if row not in stale]
        closed = _closed_messages(session, [row.id for row in rows if row.id is not None])
        claimed = []
        for row in rows:
            if row.id in closed:
                # Every step it reminds of was closed since it was queued: say nothing.
                row.state = OutboxState.OBSOLETE.value
                continue
            row.state = OutboxState.SENDING.value
            row.claimed_at = moment
            row.attempts += 1
            contact = session.get(ContactRow, row.recipient)
            assert row.id is not None
            claimed.append(Claimed(
                id=row.id, key=row.key, channel=row.channel, payload=row.payload,
                attempts=row.attempts, email=contact.email if contact else None,
                teams=contact.teams if contact else None,
                contact_name=contact.name if contact else "?", claimed_at=moment))
    return claimed


def _closed_messages(session: Session, message_ids: list[int]) -> set[int]:
    """Messages all of whose notices are about steps now done, waived or not applicable."""
    if not message_ids:
        return set()
    items = session.execute(
        select(col(OutboxItemRow.outbox_id), col(StepStatusRow.status))
        .join(StepStatusRow, (col(StepStatusRow.occurrence_id) == col(
            OutboxItemRow.occurrence_id)) & (col(StepStatusRow.step) == col(OutboxItemRow.step)),
              isouter=True)
        .where(col(OutboxItemRow.outbox_id).in_(message_ids))).all()
    open_ids = {outbox_id for outbox_id, status in items
                if status is None or not StepStatus(status).closed}
    return {outbox_id for outbox_id, _ in items} - open_ids


def mark_sent(engine: Engine, claimed: Claimed, now: datetime | None = None) -> None:
    """The receiver accepted the message: it is sent, whoever holds the claim now."""
    with write_session(engine) as session:
        session.execute(update(OutboxRow).where(col(OutboxRow.id) == claimed.id)
                        .values(state=OutboxState.SENT.value, sent_at=now or clock.now(),
                                last_error=None))


def mark_failed(engine: Engine, claimed: Claimed, error: str, *, retry_at: datetime | None,
                ) -> bool:
    """The attempt failed: try again at `retry_at`, or give up (None) keeping the error.

    Only under the caller's own claim: if the lease ran out and another dispatcher took the
    message (and perhaps sent it), this failure must not put it back in the queue.
    """
    values: dict[str, object] = {"last_error": error[:2000]}
    if retry_at is None:
        values["state"] = OutboxState.FAILED.value
    else:
        values.update(state=OutboxState.PENDING.value, next_attempt_at=retry_at)
    with write_session(engine) as session:
        result = session.execute(
            update(OutboxRow).where(col(OutboxRow.id) == claimed.id,
                                    col(OutboxRow.state) == OutboxState.SENDING.value,
                                    col(OutboxRow.claimed_at) == claimed.claimed_at)
            .values(**values))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_deferred(engine: Engine, claimed: Claimed, until: datetime) -> bool:
    """The receiver asked us to wait (HTTP 429 with Retry-After): try again at `until`.

    Not a failure: the attempt is given back and the last error is left as it was. Only
    under the caller's own claim, as `mark_failed`.
    """
    with write_session(engine) as session:
        result = session.execute(
            update(OutboxRow).where(col(OutboxRow.id) == claimed.id,
                                    col(OutboxRow.state) == OutboxState.SENDING.value,
                                    col(OutboxRow.claimed_at) == claimed.claimed_at)
            .values(state=OutboxState.PENDING.value, next_attempt_at=until,
                    attempts=max(0, claimed.attempts - 1)))
        return bool(result.rowcount)  # type: ignore[attr-defined]


def next_attempt(engine: Engine) -> datetime | None:
    """When the earliest pending message is due (None when nothing is pending)."""
    with Session(engine) as session:
        value = session.execute(
            select(func.min(OutboxRow.next_attempt_at))
            .where(col(OutboxRow.state) == OutboxState.PENDING.value)
        ).scalar_one_or_none()
    return utc(value) if value is not None else None


def retry_failed(engine: Engine, now: datetime | None = None) -> int:
    """Put every failed message back in the queue (after the cause is fixed)."""
    with write_session(engine) as session:
        result = session.execute(
            update(OutboxRow).where(OutboxRow.state == OutboxState.FAILED.value)  # type: ignore[arg-type]
            .values(state=OutboxState.PENDING.value, attempts=0,
                    next_attempt_at=now or clock.now()))
        return int(result.rowcount)  # type: ignore[attr-defined]


def outbox_rows(engine: Engine, state: str | None = None) -> list[tuple[OutboxRow, str]]:
    """Messages (newest first) with their recipient's name."""
    with Session(engine) as session:
        statement = select(OutboxRow, col(ContactRow.name)).join(
            ContactRow, col(ContactRow.id) == col(OutboxRow.recipient))
        if state is not None:
            statement = statement.where(OutboxRow.state == state)  # type: ignore[arg-type]
        statement = statement.order_by(col(OutboxRow.id).desc())
        return [(row, name) for row, name in session.execute(statement).all()]
