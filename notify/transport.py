"""Sending one claimed message: email over SMTP (`notify/smtp.py`), Teams through apprise.

Why a fresh plugin and Apprise object per Teams message: apprise throttles every send of one
plugin object by seconds (its `request_rate_per_sec`), and the first send of a new one
is not throttled. Parsing the configured URLs is done once; building a plugin from the
parsed values costs microseconds.

Reading apprise's answer: `AppriseResult` is true only on success; NOMATCH (no service
took the message) is a configuration error, never a success. Errors are kept from
apprise's own captured log lines, with every secret of the URLs masked.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from dataclasses import dataclass
from functools import cache
from typing import Any

from notify.outbox import Claimed
from notify.smtp import SmtpRefusedError, SmtpSender, SmtpServerConfig, build_message
from state.channels import (
    ChannelConfigError,
    mask,
    parse_smtp_url,
    parse_teams_url,
    secrets_of,
)


@dataclass(frozen=True, slots=True)
class SendResult:
    """What happened to one attempt."""

    ok: bool
    error: str | None = None
    permanent: bool = False
    """True when retrying cannot help (no SMTP configured, an unusable address)."""


def _quiet_apprise() -> None:
    """Apprise's warnings go into each result's captured log, not onto stderr."""
    logger = logging.getLogger("apprise")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


class AppriseTransport:
    """Sends claimed messages; safe to call from several threads at once."""

    def __init__(self, smtp_url: str | None) -> None:
        _quiet_apprise()
        # apprise checks an attachment's type against `mimetypes`, which fills its table
        # lazily and not thread-safely; fill it here, before any worker thread, with .ics
        # known even where /etc/mime.types lacks it.
        mimetypes.add_type("text/calendar", ".ics")
        parsed = parse_smtp_url(smtp_url) if smtp_url else None
        self._secrets = secrets_of(parsed) if parsed else set()
        self._smtp = SmtpSender(SmtpServerConfig.from_apprise(parsed)) if parsed else None

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
        plugin = _card_plugin(parsed, payload["card"])
        return self._notify(plugin, payload["text"], payload["subject"], "text", None,
                            secrets_of(parsed))

    def _notify(self, plugin: Any, body: str, title: str, body_format: str,
                attach: Any, secrets: set[str]) -> SendResult:
        from apprise import Apprise
        from apprise.result import AppriseResultStatus

        apobj = Apprise()
        if not apobj.add(plugin):
            return SendResult(False, "apprise did not accept the channel", permanent=True)
        result = apobj.notify(body=body, title=title, body_format=body_format, attach=attach,
                              log_level=logging.WARNING)
        if result.status == AppriseResultStatus.NOMATCH:
            return SendResult(False, "apprise found no service to send to", permanent=True)
        if bool(result) and result.status == AppriseResultStatus.SUCCESS:
            return SendResult(True)
        lines = [entry.message for entry in result.logs()]
        detail = "; ".join(dict.fromkeys(lines)) or f"apprise answered {result.status.name}"
        return SendResult(False, mask(detail, secrets))


def _card_plugin(parsed: dict[str, Any], card: dict[str, Any]) -> Any:
    """A workflows plugin that posts our Adaptive Card instead of apprise's generic one."""
    plugin = _card_class()(**parsed)
    plugin.card = card
    return plugin


@cache
def _card_class() -> type:
    from apprise.plugins.workflows import NotifyWorkflows

    class CardWorkflows(NotifyWorkflows):
        card: dict[str, Any] = {}  # noqa: RUF012 (set per instance)

        def gen_payload(self, body: str, title: str = "", notify_type: Any = None,
                        **kwargs: Any) -> dict[str, Any]:
            return {"type": "message", "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None, "content": self.card}]}

    return CardWorkflows
