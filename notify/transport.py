"""Sending one claimed message: email over SMTP (`notify/smtp.py`), Teams over HTTPS.

Teams: apprise still parses and checks the workflow address (`state/channels.py`), and the
card goes out in the very request apprise's workflows plugin would make (same URL, query
and JSON envelope), but we post it ourselves with `http.client`. apprise's plugin returns
only true or false: the status code reaches its log text, and the response's headers
(`Retry-After`) reach nothing, so a 429 could not be told from a failure nor its wait
honoured. Overriding the plugin's `send` would have copied it all the same, with apprise's
own blocking throttle on top. Posting ourselves also lets a 4xx other than 408 and 429
(a rejected card, a deleted workflow, a wrong signature) be given up at once.

Pacing (`TeamsPacer`): at most `teams_posts_per_second` posts to one workflow address,
across every sending thread; a 429 with `Retry-After` holds that address, so no post goes
to it before the time given (the messages wait in the outbox, see `SendResult.retry_after`).

Email: errors are kept with every secret of the URL masked.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import mimetypes
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from notify.outbox import Claimed
from notify.smtp import SmtpRefusedError, SmtpSender, SmtpServerConfig, build_message
from state.channels import (
    ChannelConfigError,
    mask,
    parse_smtp_url,
    parse_teams_url,
    secrets_of,
)

TEAMS_POSTS_PER_SECOND = 1.0
"""Default pace per workflow address: below Teams' documented limit for incoming webhooks
(4 requests a second), since a workflow posts into one channel, and a day's burst of a few
cards per contact then takes seconds, not a 429."""

MAX_RETRY_AFTER_SECONDS = 86_400.0
"""A longer `Retry-After` is read as a day: the message is written for today anyway."""


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one attempt."""

    ok: bool
    error: str | None = None
    permanent: bool = False
    """True when retrying cannot help (no SMTP configured, an unusable address)."""
    retry_after: float | None = None
    """The receiver asked to be left alone this many seconds (HTTP 429 with `Retry-After`):
    not a failure; the message is tried again then, not before, without using an attempt."""


def _quiet_apprise() -> None:
    """Apprise's warnings go into each result's captured log, not onto stderr."""
    logger = logging.getLogger("apprise")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A `Retry-After` header in seconds (RFC 9110: delay-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, (when - now).total_seconds()), MAX_RETRY_AFTER_SECONDS)


class TeamsPacer:
    """At most `per_second` posts to each workflow address; 429s put an address on hold.

    Thread-safe: a sender reserves its slot under the lock and sleeps outside it, so a
    worker waits at most (workers / per_second) seconds for its turn.
    """

    def __init__(self, per_second: float = TEAMS_POSTS_PER_SECOND, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not per_second > 0:
            raise ValueError("per_second must be positive")
        self.gap = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next: dict[tuple[object, ...], float] = {}
        self._hold: dict[tuple[object, ...], float] = {}
        self._lock = threading.Lock()

    def turn(self, address: tuple[object, ...]) -> float | None:
        """Wait for this address's next slot (None), or say how long it is still on hold.

        On hold, nothing may be posted to it: the seconds left are returned at once.
        """
        with self._lock:
            now = self._clock()
            held = self._hold.get(address, 0.0) - now
            if held > 0:
                return held
            slot = max(now, self._next.get(address, now))
            self._next[address] = slot + self.gap
        if slot > now:
            self._sleep(slot - now)
        return None

    def hold(self, address: tuple[object, ...], seconds: float) -> None:
        """Nothing goes to `address` for `seconds` (it answered 429 with Retry-After)."""
        with self._lock:
            until = self._clock() + seconds
            self._hold[address] = max(self._hold.get(address, 0.0), until)


class AppriseTransport:
    """Sends claimed messages; safe to call from several threads at once."""

    def __init__(self, smtp_url: str | None, *,
                 teams_posts_per_second: float = TEAMS_POSTS_PER_SECOND) -> None:
        _quiet_apprise()
        # The `.ics` attachment's type, known even where /etc/mime.types lacks it; filled
        # here, before any worker thread (the table is filled lazily, not thread-safely).
        mimetypes.add_type("text/calendar", ".ics")
        parsed = parse_smtp_url(smtp_url) if smtp_url else None
        self._secrets = secrets_of(parsed) if parsed else set()
        self._smtp = SmtpSender(SmtpServerConfig.from_apprise(parsed)) if parsed else None
        self._pacer = TeamsPacer(teams_posts_per_second)

    def close(self) -> None:
        """End the SMTP connections kept open for the run."""
        if self._smtp is not None:
            self._smtp.close()

    def send(self, claimed: Claimed) -> SendResult:
        """One attempt; never raises for a delivery problem."""
        payload = json.loads(claimed.payload)
        try:
            if claimed.channel == "email":
                return self._email(claimed, payload)
            if claimed.channel == "teams":
                return self._teams(claimed, payload)
        except ChannelConfigError as error:
            return SendResult(False, str(error), permanent=True)
        except Exception as error:
            secrets = set(self._secrets)
            if claimed.teams:
                secrets |= {part for part in claimed.teams.replace("?", "/").split("/")
                            if len(part) >= 8}
            return SendResult(False, mask(f"{type(error).__name__}: {error}", secrets))
        return SendResult(False, f"unknown channel {claimed.channel!r}", permanent=True)

    def _email(self, claimed: Claimed, payload: dict[str, Any]) -> SendResult:
        from email.headerregistry import Address

        if self._smtp is None:
            return SendResult(False, "no SMTP server configured (YHDYSPINTA_SMTP_URL)",
                              permanent=True)
        if not claimed.email:
            return SendResult(False, f"{claimed.contact_name} has no email address",
                              permanent=True)
        try:
            to = str(Address(display_name=claimed.contact_name, addr_spec=claimed.email))
        except (ValueError, IndexError):
            return SendResult(False, f"{claimed.contact_name} has an unusable email address",
                              permanent=True)
        ics = payload["ics"].encode() if payload.get("ics") else None
        message = build_message(self._smtp.config, to=to, subject=payload["subject"],
                                text=payload["text"], html=payload["html"], ics=ics,
                                headers={"X-Yhdyspinta-Key": claimed.key[:200],
                                         "Auto-Submitted": "auto-generated"})
        try:
            self._smtp.send(message)
        except SmtpRefusedError as error:
            return SendResult(False, mask(str(error), self._secrets), permanent=error.permanent)
        except OSError as error:
            return SendResult(False, mask(f"the SMTP server could not be reached or stalled "
                                          f"({type(error).__name__}: {error})", self._secrets))
        return SendResult(True)

    def _teams(self, claimed: Claimed, payload: dict[str, Any]) -> SendResult:
        if not claimed.teams:
            return SendResult(False, f"{claimed.contact_name} has no Teams address",
                              permanent=True)
        parsed = parse_teams_url(claimed.teams)
        workflow = TeamsWorkflow.from_parsed(parsed)
        held = self._pacer.turn(workflow.address)
        if held is not None:
            return SendResult(False, retry_after=held)
        result = workflow.post(card_envelope(payload["card"]))
        if result.retry_after is not None:
            self._pacer.hold(workflow.address, result.retry_after)
        if result.error:
            return SendResult(False, mask(result.error, secrets_of(parsed)),
                              permanent=result.permanent, retry_after=result.retry_after)
        return result


def card_envelope(card: dict[str, Any]) -> dict[str, Any]:
    """The message a Teams workflow takes: our Adaptive Card as its one attachment.

    The envelope apprise's workflows plugin sends; `notify.compose.MAX_POST_BYTES` counts it.
    """
    return {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive",
        "contentUrl": None, "content": card}]}


@dataclass(frozen=True, slots=True)
class TeamsWorkflow:
    """Where and how to post to one workflow, as apprise's workflows plugin reads the URL."""

    host: str
    port: int | None
    path: str
    query: str
    context: ssl.SSLContext
    timeout: float

    @property
    def address(self) -> tuple[object, ...]:
        """What identifies the workflow for pacing (kept in memory only: holds secrets)."""
        return (self.host, self.port, self.path)

    @classmethod
    def from_parsed(cls, parsed: dict[str, Any]) -> TeamsWorkflow:
        """From `state.channels.parse_teams_url`: apprise's plugin checks every part."""
        plugin = _workflows_class()(**parsed)
        prefix = "/powerautomate/automations/direct" if plugin.power_automate else ""
        if prefix and plugin.routing_id:
            prefix += f"/cu/{plugin.routing_id}"
        query = urlencode({"api-version": plugin.api_version, "sp": "/triggers/manual/run",
                           "sv": "1.0", "sig": plugin.signature})
        return cls(host=plugin.host, port=plugin.port or None,
                   path=f"{prefix}/workflows/{plugin.workflow}/triggers/manual/paths/invoke",
                   query=query,
                   context=_verified_context() if plugin.verify_certificate
                   else _unverified_context(),
                   timeout=max(float(plugin.socket_connect_timeout),
                               float(plugin.socket_read_timeout), 1.0))

    def post(self, message: dict[str, Any]) -> SendResult:
        """One POST of `message`; the error text may hold secrets (the caller masks it)."""
        connection = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                 context=self.context)
        body = json.dumps(message).encode()
        try:
            connection.request("POST", f"{self.path}?{self.query}", body=body, headers={
                "User-Agent": "Yhdyspinta", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read(65536)
            status, reason = response.status, response.reason
            retry_after = response.getheader("Retry-After")
        except (OSError, http.client.HTTPException) as error:
            return SendResult(False, f"the Teams workflow could not be reached or stalled "
                                     f"({type(error).__name__}: {error})")
        finally:
            connection.close()
        if 200 <= status < 300:
            return SendResult(True)
        problem = f"Teams answered {status} {reason} (error={status})"
        if status == 429:
            wait = retry_after_seconds(retry_after, datetime.now(UTC))
            if wait is not None:
                return SendResult(False, problem, retry_after=wait)
        permanent = 400 <= status < 500 and status not in (408, 429)
        return SendResult(False, problem, permanent=permanent)


@cache
def _verified_context() -> ssl.SSLContext:
    """One context for every post: the certificate store is read once."""
    return ssl.create_default_context()


@cache
def _unverified_context() -> ssl.SSLContext:
    """For a workflow address with `verify=no` (a test receiver with its own certificate)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@cache
def _workflows_class() -> type:
    from apprise.plugins.workflows import NotifyWorkflows

    return NotifyWorkflows
