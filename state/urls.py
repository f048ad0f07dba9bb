"""Which addresses we store and render as links: absolute http(s) only, no password.

`javascript:`, `data:`, `file:` and the like never become a link on a public page; an
address with a password in it is refused, since evidence and feeds are shown to anyone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


def http_url_problem(value: str) -> str | None:
    """Why `value` is not an absolute http(s) address: "scheme", "malformed" or None.

    The reasons name no part of the value: it may hold a password or a token.
    """
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "malformed"
    if parts.scheme.lower() not in ("http", "https"):
        return "scheme"
    if not parts.hostname or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return "malformed"
    return None


def has_password(value: str) -> bool:
    """True if the address carries a password (`https://user:secret@host/`)."""
    try:
        return urlsplit(value).password is not None
    except ValueError:
        return False


def is_http_url(value: object) -> bool:
    """True for an http(s) address fit to be a link (for templates and views)."""
    return isinstance(value, str) and len(value) <= MAX_URL_LENGTH \
        and http_url_problem(value) is None and not has_password(value)
