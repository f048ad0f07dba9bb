"""The server process's entry: settings are read here, once, and the app is built.

Granian imports this in its worker process (`factory=True`), so everything the worker
needs comes from the YHDYSPINTA_* environment that `yhdyspinta serve` passes on.
"""

from __future__ import annotations

from datetime import date

from calendars.feeds import FeedRenderer, FeedSpec
from obligations.loader import load_definitions
from obligations.parties import load_registry
from state.db import make_engine
from web.feeds import FeedApp
from yhdyspinta.publish import build_renderer
from yhdyspinta.settings import Settings


def create() -> FeedApp:
    """Build the feed app from the environment's settings."""
    settings = Settings()
    definitions = load_definitions(settings.definitions_dir)
    registry = load_registry(settings.registry_dir, year=settings.registry_year)
    engine = make_engine(settings.effective_database_url)
    fixed_today = settings.today

    def today() -> date:
        return fixed_today or date.today()

    def make_renderer(day: date) -> tuple[FeedRenderer, tuple[FeedSpec, ...]]:
        return build_renderer(engine, settings, definitions, registry, day)

    return FeedApp(engine, make_renderer, public_feeds=frozenset(settings.public_feeds),
                   poll_seconds=settings.poll_seconds, today=today)
