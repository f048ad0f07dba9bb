"""What the pages and the API read: the registry, the definitions and the store, kept warm.

Duty states are loaded per county and kept until the store changes (the same cheap
fingerprint the feed server polls), so a county page costs a render, not a query.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from app.planning import unknown_approvals
from calendars.duty import Duty
from calendars.feeds import FeedSpec, feed_catalogue
from calendars.schedule import Unanchored
from calendars.urls import Urls
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.config import EMPTY_CONFIGURATION, Configuration
from obligations.parties import Parties, PartyRef, Registry
from obligations.schema import ObligationDefinition
from state.people import Person, session_person
from state.queries import duty_states
from state.subscribers import store_fingerprint, token_hash
from yhdyspinta import clock


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is logged in: a subscriber, by the feeds its key grants."""

    name: str
    token: str
    feeds: frozenset[str]

    def grants(self, feed_id: str) -> bool:
        """True if the key opens this feed."""
        return "*" in self.feeds or feed_id in self.feeds

    def sees_party(self, party: str) -> bool:
        """Contacts of a party are shown to a key that grants any of the party's feeds."""
        if "*" in self.feeds:
            return True
        ref = PartyRef.parse(party)
        code = ref.code
        prefix = "municipality" if ref.is_municipality else "region"
        return any(f in self.feeds for f in (f"{prefix}-{code}", f"pair-{code}")) or any(
            f.startswith(f"role-{code}-") for f in self.feeds)


@dataclass
class SiteData:
    """The inputs of every page; the store is read through `duties`."""

    engine: Engine
    registry: Registry
    definitions: tuple[ObligationDefinition, ...]
    public_url: str
    public_feeds: frozenset[str]
    today: Callable[[], date]
    poll_seconds: float = 5.0
    feed_past_days: int = 180
    """The feeds' window (`Settings.feed_past_days`, `feed_future_days`): the pages offer
    only feeds that hold something in it."""
    feed_future_days: int = 1100
    catalogue: tuple[FeedSpec, ...] = ()
    smtp_url: str | None = None
    """Where sign-in links are sent from; None = printed on the server's console."""
    session_idle: timedelta = timedelta(minutes=120)
    session_lifetime: timedelta = timedelta(hours=12)
    now: Callable[[], datetime] = clock.now
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    """Signs the CSRF cookie."""
    configuration: Configuration = EMPTY_CONFIGURATION
    """The counties' configuration: the names of their sub-regional groups, the days
    duties are tracked from."""
    non_working_days: NonWorkingDays = field(init=False)
    parties: Parties = field(init=False)
    urls: Urls = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _fingerprint: tuple[Any, ...] | None = field(default=None, repr=False)
    _checked: float = field(default=0.0, repr=False)
    _duties: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self.catalogue:
            self.catalogue = feed_catalogue(self.registry, self.definitions)
        self.non_working_days = finnish_non_working_days(2020, 2045)
        self.parties = self.configuration.parties(self.registry)
        self.urls = Urls(self.public_url)
        self.definitions_by_id = {d.id: d for d in self.definitions}
        self.feeds_by_id = {spec.id: spec for spec in self.catalogue}

    def _loaded(self) -> dict[tuple[str, str], Any]:
        """What has been read since the store's last change, keyed by (what, county).

        The dict belongs to one fingerprint: a load that began before a change lands in
        the old dict and never in the new one.
        """
        with self._lock:
            now = time.monotonic()
            if now - self._checked >= self.poll_seconds or self._fingerprint is None:
                fingerprint = store_fingerprint(self.engine, self.today())
                if fingerprint != self._fingerprint:
                    self._duties = {}
                    self._fingerprint = fingerprint
                self._checked = now
            return self._duties

    def duties(self, region: str) -> list[Duty]:
        """Every active duty of a county (or Helsinki), as of the store's last change."""
        loaded = self._loaded()
        cached: list[Duty] | None = loaded.get(("duties", region))
        if cached is None:
            cached = duty_states(self.engine, region=region,
                                 non_working_days=self.non_working_days,
                                 tracked_from=self.configuration.tracked_from)
            with self._lock:
                loaded[("duties", region)] = cached
        return cached

    def unanchored(self, region: str) -> tuple[Unanchored, ...]:
        """The county's rolling duties whose last approval is unknown (no date, no duty yet).

        An approval recorded in the store changes its fingerprint, so this follows it.
        """
        loaded = self._loaded()
        cached: tuple[Unanchored, ...] | None = loaded.get(("unanchored", region))
        if cached is None:
            cached = unknown_approvals(self.engine, self.definitions, self.registry,
                                       self.configuration, region)
            with self._lock:
                loaded[("unanchored", region)] = cached
        return cached

    def person(self, session_id: str | None) -> Person | None:
        """Who is signed in with this session cookie, if the session is live."""
        if not session_id:
            return None
        return session_person(self.engine, session_id, now=self.now(), idle=self.session_idle)

    def viewer(self, token: str | None) -> Viewer | None:
        """The subscriber whose key this is, if it is valid and not revoked."""
        if not token or len(token) > 200:
            return None
        digest = token_hash(token)
        with self.engine.connect() as connection:
            row = connection.execute(text(
                "SELECT name, feeds, token_hash FROM subscriber "
                "WHERE token_hash = :digest AND revoked_at IS NULL"), {"digest": digest}).first()
        if row is None or not hmac.compare_digest(str(row[2]), digest):
            return None
        return Viewer(str(row[0]), token, frozenset(str(row[1]).split()))
