"""Channel addresses as apprise URLs: checked when configured or imported, never shown.

In `state/` because a contact's Teams address is checked when it enters the store
(`state/contacts.py`) and `notify/` sends to what the store holds: both need these rules,
and `state/` must not import `notify/`.

Email goes through the sending server of `YHDYSPINTA_SMTP_URL` (`mailto://` or
`mailtos://`); Teams through a workflow address (`workflows://…`, or the https address
Power Automate gives, which apprise turns into the same). The old `msteams://` connectors
were retired by Microsoft and are refused.
"""

from __future__ import annotations

from typing import Any


class ChannelConfigError(ValueError):
    """A channel URL apprise cannot use (unknown scheme, malformed, wrong service)."""


def secrets_of(parsed: dict[str, Any]) -> set[str]:
    """The parts of a parsed URL that must never be shown, as written and as decoded."""
    from urllib.parse import quote, unquote

    values = {parsed.get("password"), parsed.get("user"), parsed.get("signature"),
              parsed.get("workflow")}
    found = set()
    for value in values:
        if isinstance(value, str) and len(value) >= 3:
            found |= {value, unquote(value), quote(unquote(value), safe="")}
    return found


def mask(text: str, secrets: set[str]) -> str:
    """`text` with every secret replaced by asterisks."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def parse_smtp_url(url: str) -> dict[str, Any]:
    """The parsed form of the sending server's `mailto://` or `mailtos://` URL."""
    from apprise import Apprise
    from apprise.plugins.email import NotifyEmail

    if not url.startswith(("mailto://", "mailtos://")):
        raise ChannelConfigError("the SMTP server must be given as a mailto:// or mailtos:// "
                                 "URL")
    plugin = Apprise.instantiate(url, suppress_exceptions=True)
    parsed = NotifyEmail.parse_url(url)
    if not isinstance(plugin, NotifyEmail) or not parsed:
        raise ChannelConfigError("the SMTP URL is not one apprise can use (check host, port "
                                 "and from=)")
    return dict(parsed)


def parse_teams_url(url: str) -> dict[str, Any]:
    """The parsed form of a Teams workflow address (`workflows://…` or the https form)."""
    from apprise import Apprise
    from apprise.plugins.workflows import NotifyWorkflows

    if not url.startswith(("workflows://", "workflow://", "https://")):
        scheme = url.split(":", 1)[0] if ":" in url else "(none)"
        raise ChannelConfigError(f"unknown channel scheme {scheme!r}; use a workflows:// "
                                 "Teams workflow address (msteams:// connectors were retired)")
    plugin = Apprise.instantiate(url, suppress_exceptions=True)
    if not isinstance(plugin, NotifyWorkflows):
        raise ChannelConfigError("not a Teams workflow address apprise can use")
    # The https form parses through instantiate only; its canonical URL is workflows://.
    parsed = NotifyWorkflows.parse_url(plugin.url())
    if not parsed:
        raise ChannelConfigError("not a Teams workflow address apprise can use")
    return dict(parsed)
