"""Signed one-click "mark done" links carried by reminder emails.

A link names one step of one duty, the recipient's address, the step's revision when the
message was written and the last day it may be used; an HMAC-SHA256 (256 bits) with the
server's secret (`YHDYSPINTA_SECRET_KEY`) signs all of it, so nothing is stored and
nothing can be changed without the key. Opening a link changes nothing: it shows a
confirmation form whose POST (CSRF-checked) marks the step done as the recipient.

Single use: the revision bound into the link moves when the step changes, so once the
step is done (or changed by anyone) the same link is refused as "already used". Without
a secret key no link is made (a random key per server start would break every link
mailed before a restart). A token is a credential: never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date, timedelta

PURPOSE = b"yhdyspinta mark-done link v1\x00"
"""Kept apart from any other use of the same secret (the CSRF cookie)."""
MAX_TOKEN = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkLink:
    """What a valid link asks for; by keyword only, so no two strings of it trade places."""

    occurrence_id: str
    step: str
    email: str
    revision: int
    expires: date
    """The last day the link may be used."""


class MarkLinkError(Exception):
    """A link that cannot be used: `reason` is "tampered" or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"mark-done link {reason}")
        self.reason = reason


def _mac(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), PURPOSE + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, link: MarkLink) -> str:
    """The link's token: the payload and its HMAC, URL-safe."""
    payload = json.dumps([link.occurrence_id, link.step, link.email.lower(), link.revision,
                          link.expires.isoformat()], separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}"


def make_link(secret: str, occurrence_id: str, step: str, email: str, revision: int,
              today: date, days: int) -> str:
    """A token valid from `today` for `days` days (the last one included)."""
    return sign(secret, MarkLink(occurrence_id=occurrence_id, step=step, email=email.lower(),
                                 revision=revision, expires=today + timedelta(days=days)))


def verify(secret: str, token: str, today: date) -> MarkLink:
    """The link a token stands for; MarkLinkError if it was changed or is too old."""
    if not token or len(token) > MAX_TOKEN or token.count(".") != 1:
        raise MarkLinkError("tampered")
    body, mac = token.split(".")
    try:
        payload = _unb64(body)
        given = _unb64(mac)
    except (ValueError, TypeError):
        raise MarkLinkError("tampered") from None
    if not hmac.compare_digest(given, _mac(secret, payload)):
        raise MarkLinkError("tampered")
    try:
        occurrence_id, step, email, revision, expires = json.loads(payload)
        link = MarkLink(occurrence_id=str(occurrence_id), step=str(step), email=str(email),
                        revision=int(revision), expires=date.fromisoformat(expires))
    except (ValueError, TypeError):
        raise MarkLinkError("tampered") from None
    if link.expires < today:
        raise MarkLinkError("expired")
    return link
