"""The dispatcher: claim due messages, send each, mark each at once; retry with backoff.

A failed channel never blocks the others: every message is its own attempt. A receiver
that asks to wait (HTTP 429 with Retry-After) gets the message again after that time, not
before, and the attempt is not counted as a failure. With
`workers` > 1 that many messages are sent at once (one claim per worker), so a crash can
repeat at most `workers` messages (those between acceptance and mark); with 1, at most one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from notify.outbox import Claimed, claim, mark_deferred, mark_failed, mark_sent, next_attempt
from notify.transport import SendResult
from yhdyspinta.clock import now as real_now


class Sender(Protocol):
    """What the dispatcher needs of a transport."""

    def send(self, claimed: Claimed) -> SendResult:
        """One attempt at one message."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a message is tried again."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    """Wait after the first failure; doubled after each further one ..."""
    ceiling: timedelta = timedelta(hours=1)
    """... up to this."""
    lease: timedelta = timedelta(minutes=5)
    """A claimed message whose dispatcher has not marked it in this time is taken again."""

    def retry_at(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failed attempts (None: give up)."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.base * (2 ** (attempts - 1)), self.ceiling)
        retry: datetime = now + delay
        return retry


@dataclass
class DispatchReport:
    """What one dispatch run did, counted in messages (not attempts)."""

    sent: int = 0
    failed: int = 0
    """Messages given up on (kept with their error)."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(message key, error) of each failed attempt, secrets masked."""
    deferred: int = 0
    """Attempts the receiver put off (HTTP 429 with Retry-After): neither sent nor failed."""
    waiting: set[str] = field(default_factory=set)
    """Keys of messages whose last attempt in this run failed or was put off and that will be
    tried again."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def retrying(self) -> int:
        """Messages left for a later attempt (one that failed, then went, is not counted)."""
        return len(self.waiting)


def dispatch(
    engine: Engine,
    sender: Sender,
    *,
    policy: RetryPolicy = RetryPolicy(),
    workers: int = 1,
    wait_for_retries: timedelta = timedelta(0),
    clock: Callable[[], datetime] = real_now,
    sleep: Callable[[float], None] = time.sleep,
    today: date | None = None,
) -> DispatchReport:
    """Send everything due; retry for up to `wait_for_retries`, then leave the rest pending.

    With `today`, nothing written for an earlier day goes out (see `outbox.expire_stale`).
    """
    report = DispatchReport()
    give_up_waiting = clock() + wait_for_retries
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        while True:
            batch = claim(engine, limit=workers, lease=policy.lease, now=clock(), today=today)
            if not batch:
                upcoming = next_attempt(engine)
                if upcoming is None or upcoming > give_up_waiting:
                    break
                sleep(max(0.0, (upcoming - clock()).total_seconds()) + 0.01)
                continue
            if pool is None:
                for claimed in batch:
                    _attempt(engine, sender, claimed, policy, clock, report)
            else:
                list(pool.map(lambda c: _attempt(engine, sender, c, policy, clock, report),
                              batch))
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return report


def _attempt(engine: Engine, sender: Sender, claimed: Claimed, policy: RetryPolicy,
             clock: Callable[[], datetime], report: DispatchReport) -> None:
    try:
        result = sender.send(claimed)
    except Exception as error:
        # Only the type: an exception's text may quote a URL with its secrets.
        result = SendResult(False, f"unexpected {type(error).__name__} while sending")
    if result.ok:
        mark_sent(engine, claimed, clock())
        with report.lock:
            report.sent += 1
            report.waiting.discard(claimed.key)
        return
    if result.retry_after is not None:
        # Asked to wait: again after that time, not before; the attempt does not count.
        until = clock() + timedelta(seconds=result.retry_after)
        if mark_deferred(engine, claimed, until):
            with report.lock:
                report.deferred += 1
                report.waiting.add(claimed.key)
        return
    problem = result.error or "failed"
    retry_at = None if result.permanent else policy.retry_at(claimed.attempts, clock())
    if not mark_failed(engine, claimed, problem, retry_at=retry_at):
        return  # another dispatcher took it over (our lease ran out): its outcome stands
    with report.lock:
        report.errors.append((claimed.key, problem))
        if retry_at is None:
            report.failed += 1
            report.waiting.discard(claimed.key)
        else:
            report.waiting.add(claimed.key)
