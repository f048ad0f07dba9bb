"""Who may read which private feeds: adding, listing and revoking subscribers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from app.errors import AppError
from obligations.catalogue import N_
from obligations.parties import Registry
from obligations.schema import ObligationDefinition
from state.models import SubscriberRow
from yhdyspinta import clock


@dataclass(frozen=True, slots=True)
class NewSubscriber:
    """A subscriber just added: its token is in `token` once, and never again."""

    id: int
    token: str
    feeds: tuple[str, ...]
    """The feeds granted: the ids given, or every feed of the catalogue for `--all`."""


def feed_parties(registry: Registry, definitions: Sequence[ObligationDefinition],
                 feeds: Sequence[str]) -> dict[str, str | None]:
    """The party (`m564`, `r19`) of each known feed id; None for a feed of the whole country."""
    from calendars.feeds import feed_catalogue

    specs = {spec.id: spec for spec in feed_catalogue(registry, definitions)}
    parties: dict[str, str | None] = {}
    for feed in feeds:
        spec = specs.get(feed)
        parties[feed] = spec.party.key if spec is not None and spec.party is not None else None
    return parties


def within(scope: frozenset[str] | None, parties: dict[str, str | None]) -> bool:
    """True if an administrator of `scope` (None: every party) may hand out these feeds.

    A county administrator: only feeds of the county and its municipalities, never a
    national feed (one obligation everywhere) nor every feed at once.
    """
    return scope is None or all(p is not None and p in scope for p in parties.values())


def add(engine: Engine, registry: Registry, definitions: Sequence[ObligationDefinition],
        name: str, feeds: Sequence[str], *, every_feed: bool = False,
        scope: frozenset[str] | None = None) -> NewSubscriber:
    """Add a subscriber for these feeds (or all); unknown feed ids are refused, all at once.

    `scope`: the parties the administrator adding it may hand out feeds of (None: all).
    """
    from calendars.feeds import feed_catalogue
    from state.subscribers import ALL_FEEDS, add_subscriber

    known = {spec.id for spec in feed_catalogue(registry, definitions)}
    granted = [ALL_FEEDS] if every_feed else list(dict.fromkeys(feeds))
    if not granted:
        raise AppError(N_("cli.error.no_feeds"))
    unknown = [f for f in granted if f != ALL_FEEDS and f not in known]
    if unknown:
        raise AppError(N_("cli.error.unknown_feed"), feeds=", ".join(unknown))
    if not within(scope, feed_parties(registry, definitions, granted)):
        from app.people import NotAllowedError

        raise NotAllowedError(N_("web.admin.feeds_not_yours"))
    token = secrets.token_urlsafe(32)  # 256 bits
    subscriber_id = add_subscriber(engine, name, token, granted, clock.now())
    return NewSubscriber(subscriber_id, token,
                         tuple(sorted(known)) if every_feed else tuple(granted))


def listed(engine: Engine) -> list[SubscriberRow]:
    """Every subscriber (never a token: only its hash is stored)."""
    from state.subscribers import list_subscribers

    return list_subscribers(engine)


def revoke(engine: Engine, subscriber_id: int, *, allowed: bool = True) -> None:
    """Revoke a subscriber: its addresses answer 404 from the server's next poll on.

    `allowed` False (a subscriber outside the administrator's `within`) is refused.
    """
    from state.subscribers import revoke_subscriber

    if not allowed:
        from app.people import NotAllowedError

        raise NotAllowedError(N_("web.admin.feeds_not_yours"))
    if not revoke_subscriber(engine, subscriber_id, clock.now()):
        raise AppError(N_("cli.error.unknown_subscriber"), id=subscriber_id)
