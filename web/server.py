"""The server process's entry: settings are read here, once, and the app is built.

Granian imports this in its worker process (`factory=True`), so everything the worker
needs comes from the YHDYSPINTA_* environment that `yhdyspinta serve` passes on.
One server answers for the feeds, the pages and the API; the path decides which.
"""

from __future__ import annotations

from datetime import date

from calendars.feeds import FeedRenderer, FeedSpec
from obligations.loader import load_definitions
from obligations.parties import load_registry
from state.db import make_engine
from web.api import PREFIX, ApiApp
from web.feeds import FeedApp
from web.http import Receive, Scope, Send
from web.pages import PagesApp
from web.site import SiteData
from yhdyspinta import clock
from yhdyspinta.publish import build_renderer
from yhdyspinta.settings import Settings


class SiteApp:
    """Feeds (the hot path, first), the JSON API and the pages, behind one address."""

    def __init__(self, feeds: FeedApp, pages: PagesApp, api: ApiApp) -> None:
        self.feeds = feeds
        self.pages = pages
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.feeds(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(("/feeds/", "/public/")) or path == "/healthz":
            await self.feeds(scope, receive, send)
        elif path == PREFIX or path.startswith(f"{PREFIX}/"):
            await self.api(scope, receive, send)
        else:
            await self.pages(scope, receive, send)


def create() -> SiteApp:
    """Build the app from the environment's settings."""
    settings = Settings()
    definitions = load_definitions(settings.definitions_dir)
    registry = load_registry(settings.registry_dir, year=settings.registry_year)
    engine = make_engine(settings.effective_database_url)
    fixed_today = settings.today

    def today() -> date:
        return clock.today(fixed_today)

    def make_renderer(day: date) -> tuple[FeedRenderer, tuple[FeedSpec, ...]]:
        return build_renderer(engine, settings, definitions, registry, day)

    public_feeds = frozenset(settings.public_feeds)
    feeds = FeedApp(engine, make_renderer, public_feeds=public_feeds,
                    poll_seconds=settings.poll_seconds, today=today)
    site = SiteData(engine=engine, registry=registry, definitions=definitions,
                    public_url=settings.public_url, public_feeds=public_feeds, today=today,
                    poll_seconds=settings.poll_seconds)
    return SiteApp(feeds, PagesApp(site), ApiApp(site))
