"""The server process's entry: the app is built from one Settings object.

`yhdyspinta serve` hands its settings to Granian's worker as an object (a target loader
calling `create(settings)`); `create()` without them reads the YHDYSPINTA_* environment
once (tests, benchmarks, another ASGI server).

One server answers for the feeds, the pages and the API. Served over RSGI, `SiteApp`
first asks `FeedApp` for a ready-made answer (the hot path: an address already authorised,
a plain call and one response call); then it looks at the path: feeds (`/feeds/`,
`/public/`) and `/healthz` go straight to the raw ASGI `FeedApp`, which no framework code
runs in front of; everything else goes to the Starlette app built by `pages_and_api`,
whose routes are all declared in `routes` and whose middleware stack is `middleware`.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from app.inputs import load_configuration, load_definitions, load_registry
from app.publish import build_renderer
from app.store import open_engine
from calendars.feeds import FeedRenderer, FeedSpec
from obligations.catalogue import gettext
from web.admin import MAX_UPLOAD, AdminPages
from web.api import PREFIX, Api
from web.duty import DutyPages
from web.errors import HttpError
from web.feeds import FeedApp
from web.middleware import BodyLimit, CsrfCheck, SecurityHeaders, ServerErrors
from web.oidc import OidcConfig, OidcSignIn
from web.pages import STATIC_DIR, Pages, StaticFilesCached
from web.rsgi import AsgiOverRsgi
from web.signin import SignIn
from web.site import SiteData
from yhdyspinta import clock
from yhdyspinta.settings import Settings

if TYPE_CHECKING:
    from granian._granian import RSGIHTTPProtocol as HTTPProtocol  # granian.rsgi re-exports it
    from granian.rsgi import Scope as RsgiScope

log = logging.getLogger("yhdyspinta.web")

FEED_PREFIXES = ("/feeds/", "/public/")
"""Paths the feed server answers (with `/healthz`), before any Starlette code runs."""

MAX_BODY = 16 * 1024
"""Forms here are one field long: a bigger body is refused (413), not read."""


def routes(pages: Pages, api: Api, signin: SignIn, duty: DutyPages,
           oidc: OidcSignIn | None = None, admin: AdminPages | None = None) -> list[BaseRoute]:
    """Every address of the pages and the API, in one place.

    `GET` routes answer `HEAD` too; any other method is a 405 naming the allowed ones.
    The feeds and `/healthz` are not here: `SiteApp` sends them to `FeedApp` first.
    The OpenID Connect routes exist only when a provider is configured.
    """
    get = ["GET"]
    provider = [] if oidc is None else [
        Route("/signin/oidc", oidc.start, methods=get, name="signin_oidc"),
        Route("/signin/oidc/callback", oidc.callback, methods=get, name="signin_oidc_callback"),
    ]
    admin = admin or AdminPages(pages)
    either = ["GET", "POST"]
    administration = [
        Route("/admin", admin.people, methods=either, name="admin"),
        Route("/admin/contacts", admin.contacts, methods=either, name="admin_contacts"),
        Route("/admin/subscribers", admin.subscribers, methods=either, name="admin_subscribers"),
        Route("/admin/audit", admin.audit, methods=get, name="admin_audit"),
        Route("/admin/import", admin.status_import, methods=either, name="admin_import"),
    ]
    return [*provider, *administration,
        Route("/", pages.endpoint(pages.home), methods=get, name="home"),
        Route("/find", pages.endpoint(pages.find), methods=get, name="find"),
        Route("/county/{code}.csv", pages.endpoint(pages.county_csv), methods=get,
              name="county_csv"),
        Route("/county/{code}", pages.endpoint(pages.county), methods=get, name="county"),
        Route("/municipality/{code}", pages.endpoint(pages.municipality), methods=get,
              name="municipality"),
        Route("/vuosikello/{feed}/{year}", pages.endpoint(pages.vuosikello), methods=get,
              name="vuosikello"),
        # What YHDYSPINTA_STATUS_PAGE_URL can point at: a party id of the store.
        Route("/party/{party}", pages.endpoint(pages.party), methods=get, name="party"),
        Route("/login", pages.login, methods=["GET", "POST"], name="login"),
        Route("/logout", pages.logout, methods=["POST"], name="logout"),
        Route("/signin", signin.form, methods=["GET", "POST"], name="signin"),
        Route("/signin/link", signin.link, methods=["GET", "POST"], name="signin_link"),
        Route("/signout", signin.signout, methods=["POST"], name="signout"),
        Route("/duty/{occurrence}", duty.endpoint, methods=["GET", "POST"], name="duty"),
        Route("/duty/{occurrence}/owner", duty.owner_endpoint, methods=["POST"],
              name="duty_owner"),
        Route("/mark-done", duty.mark_done, methods=["GET", "POST"], name="mark_done"),
        Mount("/static", StaticFilesCached(directory=STATIC_DIR), name="static"),
        Mount(PREFIX, name="api", routes=[
            Route("/openapi.json", api.document, methods=get, name="openapi"),
            Route("/regions", api.regions, methods=get, name="regions"),
            Route("/occurrences", api.occurrences_endpoint, methods=get, name="occurrences"),
            Route("/occurrences/{occurrence_id:path}/steps/{step}", api.step_endpoint,
                  methods=["GET", "PATCH"], name="step"),
            Route("/occurrences/{occurrence_id:path}", api.occurrence_endpoint, methods=get,
                  name="occurrence"),
        ]),
    ]


def is_api(request: Request) -> bool:
    """True for the JSON API's addresses (their errors are JSON, not pages)."""
    path: str = request.scope["path"]
    return path == PREFIX or path.startswith(f"{PREFIX}/")


def middleware(pages: Pages, api: Api) -> list[Middleware]:
    """The stack every page and API request passes, outermost first.

    Starlette adds its ServerErrorMiddleware outside and its ExceptionMiddleware (which
    calls `http_error` below) inside. Last comes the CSRF check of POST forms (asgi-csrf),
    which reads the form under the body limit. Exceptions raised in middleware do not
    reach `http_error`, so it answers a refusal with `pages.error` itself. Sessions are
    not middleware: the pages look the session cookie up in the store (web/signin.py).
    """
    def server_error(request: Request) -> Response:
        return api.server_error(request) if is_api(request) else pages.server_error(request)

    def refuse(request: Request, status: int) -> Response:
        lang = pages.language(request)
        error = HttpError(status, gettext("web.csrf_failed", lang) if status == 403
                          else gettext("web.too_large", lang))
        return api.error(request, error) if is_api(request) else pages.error(request, error)

    return [
        Middleware(SecurityHeaders),
        Middleware(ServerErrors, answer=server_error),
        Middleware(BodyLimit, max_bytes=MAX_BODY,
                   larger={"/admin/import": MAX_UPLOAD + MAX_BODY}),
        Middleware(CsrfCheck, secret=pages.site.secret_key, secure=pages.secure,
                   refuse=refuse),
    ]


def pages_and_api(site: SiteData, oidc: OidcConfig | None = None) -> Starlette:
    """The Starlette app of the pages and the JSON API (with OpenID sign-in if configured)."""
    pages, api = Pages(site), Api(site)
    signin = SignIn(site, pages.respond, pages.language, pages.secure,
                    oidc=oidc is not None, oidc_label=oidc.label if oidc else None)
    provider = None if oidc is None else OidcSignIn(site, oidc, pages.respond, pages.language,
                                                     pages.secure)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return api.error(request, error) if is_api(request) else pages.error(request, error)

    app = Starlette(routes=routes(pages, api, signin, DutyPages(pages), provider),
                    middleware=middleware(pages, api),
                    exception_handlers={HTTPException: http_error})
    app.state.pages, app.state.api = pages, api
    return app


class SiteApp:
    """Feeds (the hot path, first), then the pages and the JSON API, behind one address.

    An ASGI app (tests, any ASGI server) and an RSGI one (`yhdyspinta serve`): over RSGI a
    ready-made feed answer goes out in one call, and the rest passes through the same
    ASGI dispatch by way of `AsgiOverRsgi`.
    """

    def __init__(self, feeds: FeedApp, site: Starlette) -> None:
        self.feeds = feeds
        self.site = site
        self.pages: Pages = site.state.pages
        self.api: Api = site.state.api
        self._over_rsgi = AsgiOverRsgi(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the feed server loads the store at startup
            await self.feeds(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(FEED_PREFIXES) or path == "/healthz":
            await self.feeds(scope, receive, send)
        else:
            await self.site(scope, receive, send)

    async def __rsgi__(self, scope: RsgiScope, protocol: HTTPProtocol) -> None:
        ready = self.feeds.ready(scope)  # the hot path: a ready-made feed answer, at once
        if ready is None:
            await self._over_rsgi(scope, protocol)
        elif ready[0] == 304:
            protocol.response_empty(304, ready[1])
        else:
            protocol.response_bytes(*ready)

    def __rsgi_init__(self, loop: object) -> None:
        """Granian's RSGI startup hook: load the store before the first request.

        A store that cannot be read stops the worker with one line, as a failed ASGI
        lifespan startup does under Granian.
        """
        try:
            self.feeds.start()
        except Exception as error:
            log.error("the server could not load the store: %s", str(error).splitlines()[0])
            raise SystemExit(1) from None


def create(settings: Settings | None = None) -> SiteApp:
    """Build the app from these settings (by default, the environment's)."""
    settings = settings or Settings()
    definitions = load_definitions(settings)
    registry = load_registry(settings)
    engine = open_engine(settings, check_schema=False)
    configuration = load_configuration(settings, definitions, registry)
    fixed_today = settings.today

    def today() -> date:
        return clock.today(fixed_today)

    def make_renderer(day: date) -> tuple[FeedRenderer, tuple[FeedSpec, ...]]:
        return build_renderer(engine, settings, definitions, registry, day, configuration)

    public_feeds = frozenset(settings.public_feeds)
    feeds = FeedApp(engine, make_renderer, public_feeds=public_feeds,
                    poll_seconds=settings.poll_seconds, today=today)
    site = SiteData(engine=engine, registry=registry, definitions=definitions,
                    public_url=settings.public_url, public_feeds=public_feeds, today=today,
                    poll_seconds=settings.poll_seconds,
                    feed_past_days=settings.feed_past_days,
                    feed_future_days=settings.feed_future_days,
                    smtp_url=settings.smtp_url.get_secret_value() if settings.smtp_url else None,
                    session_idle=timedelta(minutes=settings.session_idle_minutes),
                    session_lifetime=timedelta(hours=settings.session_hours),
                    configuration=configuration)
    if settings.secret_key is not None:
        site.secret_key = settings.secret_key.get_secret_value()
    oidc = None
    if settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret:
        oidc = OidcConfig(settings.oidc_issuer, settings.oidc_client_id,
                          settings.oidc_client_secret.get_secret_value(), settings.oidc_label)
    return SiteApp(feeds, pages_and_api(site, oidc))
