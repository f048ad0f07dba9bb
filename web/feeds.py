"""The feed server: plain ASGI, so that a token check and an ETag cost almost nothing.

Rendered feeds, their gzip form and ETags are kept in memory and dropped when the store
changes (a cheap fingerprint query every few seconds). Private feeds live under
`/feeds/{token}/…`; an unknown or revoked token, or a feed the token does not grant, is a
404 that says nothing more. Tokens are compared in constant time and never logged.
An address once answered is answered again from `ready`, in the form Granian's RSGI
interface takes, without any ASGI message (`SiteApp.__rsgi__`).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import hmac
import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text

from calendars.feeds import FeedRenderer, FeedSpec, is_public
from calendars.ics import utc
from obligations.schema import LANGS, Lang
from state.subscribers import ALL_FEEDS, store_fingerprint, token_hash
from yhdyspinta import clock

if TYPE_CHECKING:
    from granian.rsgi import Scope as RsgiScope

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

log = logging.getLogger("yhdyspinta.web")
_FEED_PATH = re.compile(r"^/feeds/(?P<token>[A-Za-z0-9_-]{16,128})/(?P<name>[a-z0-9_-]+)"
                        r"(?P<todo>\.todo)?(?:\.(?P<lang>fi|sv|en))?\.ics$")
_PUBLIC_PATH = re.compile(r"^/public/(?P<name>[a-z0-9_-]+)(?P<todo>\.todo)?"
                          r"(?:\.(?P<lang>fi|sv|en))?\.ics$")
"""`pair-564.ics`, `pair-564.sv.ics`; `pair-564.todo.ics` is the variant with VTODOs."""
_TOKEN_SEGMENT = re.compile(r"^/feeds/[^/]*")


def mask_path(path: str) -> str:
    """A request path fit for a log, with whatever stands where a token goes replaced.

    Malformed addresses too: a token with a typo is still a secret.
    """
    return _TOKEN_SEGMENT.sub("/feeds/***", path)


def accepts_gzip(header: bytes) -> bool:
    """True if Accept-Encoding allows gzip (`gzip;q=0` refuses it; `*` allows it)."""
    allowed: dict[bytes, bool] = {}
    for item in header.lower().split(b","):
        coding, _, parameters = item.strip().partition(b";")
        quality = 1.0
        for parameter in parameters.split(b";"):
            name, _, value = parameter.strip().partition(b"=")
            if name == b"q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[coding.strip()] = quality > 0
    return allowed.get(b"gzip", allowed.get(b"x-gzip", allowed.get(b"*", False)))


@dataclass(frozen=True, slots=True)
class Rendered:
    """One feed in one language, ready to send."""

    body: bytes
    etag: bytes
    last_modified: bytes
    gzipped: bytes | None = None


@dataclass(frozen=True, slots=True)
class Hot:
    """Ready-made answers for one authorised address (plain, uncompressed GET).

    Kept in the form Granian's RSGI `response_empty`/`response_bytes` take, built once,
    so that answering is one call.
    """

    etag: str
    headers_304: list[tuple[str, str]]
    headers_200: list[tuple[str, str]]
    body: bytes

    @classmethod
    def of(cls, etag: bytes, body: bytes, headers_304: list[tuple[bytes, bytes]],
           headers_200: list[tuple[bytes, bytes]]) -> Hot:
        """The answers for one rendered feed and its headers."""
        def text(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
            return [(name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in headers]

        return cls(etag.decode("latin-1"), text(headers_304), text(headers_200), body)


@dataclass
class StoreSnapshot:
    """What the server serves from: renderer, catalogue, valid tokens, and the answers.

    The answers live and die with their snapshot, so a request that rendered from an
    older store can never leave its answer in a newer one.
    """

    renderer: FeedRenderer
    catalogue: dict[str, FeedSpec]
    tokens: dict[str, frozenset[str]]
    fingerprint: tuple[Any, ...]
    last_modified: bytes
    modified: datetime
    """The store's last change (or the day's start, when the window moved), to the second."""
    cache: dict[tuple[str, Lang, bool], Rendered] = field(default_factory=dict)
    hot: dict[str, Hot] = field(default_factory=dict)


RendererFactory = Callable[[date], tuple[FeedRenderer, tuple[FeedSpec, ...]]]


def load_tokens(engine: Engine) -> dict[str, frozenset[str]]:
    """Token hash → the feeds it grants, for subscribers not revoked."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT token_hash, feeds FROM subscriber WHERE revoked_at IS NULL")).all()
    return {str(digest): frozenset(str(feeds).split()) for digest, feeds in rows}


class FeedApp:
    """The ASGI application."""

    def __init__(
        self,
        engine: Engine,
        make_renderer: RendererFactory,
        *,
        public_feeds: frozenset[str] = frozenset(),
        poll_seconds: float = 5.0,
        today: Callable[[], date] = clock.today,
    ) -> None:
        self.engine = engine
        self.make_renderer = make_renderer
        self.public_feeds = public_feeds
        self.poll_seconds = poll_seconds
        self.today = today
        self.snapshot: StoreSnapshot | None = None
        self._lock = asyncio.Lock()
        self._checked = 0.0
        self._fresh_until = 0.0
        """Until when the hot answers stand without looking at the store."""

    def refresh(self) -> None:
        """Rebuild from the store if it changed (blocking; run in a thread)."""
        today = self.today()
        fingerprint = store_fingerprint(self.engine, today)
        if self.snapshot is not None and self.snapshot.fingerprint == fingerprint:
            return
        renderer, catalogue = self.make_renderer(today)
        changed = [utc(m) for m in (fingerprint[1][1], fingerprint[2][1]) if m]
        # The feeds' window moves with the day: a new day may change a feed unchanged in
        # the store, so Last-Modified is never before the day's start.
        day_start = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
        newest = max([*changed, day_start]).replace(microsecond=0)
        self.snapshot = StoreSnapshot(
            renderer=renderer,
            catalogue={spec.id: spec for spec in catalogue},
            tokens=load_tokens(self.engine),
            fingerprint=fingerprint,
            last_modified=format_datetime(newest.astimezone(UTC), usegmt=True).encode(),
            modified=newest,
        )

    def start(self) -> None:
        """Load the store before the first request (blocking: at startup, or in a thread)."""
        self.refresh()
        self._checked = time.monotonic()
        self._fresh_until = self._checked + self.poll_seconds

    async def _current(self) -> StoreSnapshot:
        now = time.monotonic()
        if self.snapshot is None or now - self._checked >= self.poll_seconds:
            async with self._lock:
                if self.snapshot is None or now - self._checked >= self.poll_seconds:
                    await asyncio.to_thread(self.refresh)
                    self._checked = time.monotonic()
                    self._fresh_until = self._checked + self.poll_seconds
        assert self.snapshot is not None
        return self.snapshot

    def ready(self, scope: RsgiScope) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """A ready-made answer to this RSGI request (status, headers, body), or None.

        Only for a plain GET of an address already authorised and rendered for since the
        last change of the store (each snapshot has its own answers), while the store is
        known to be unchanged. A plain function, not a coroutine: `SiteApp.__rsgi__` calls
        it before anything else, so a hot answer costs no await at all.
        """
        current = self.snapshot
        hot = current.hot.get(scope.path) if current is not None else None
        if hot is None or scope.method != "GET" or monotonic() >= self._fresh_until:
            return None
        headers = scope.headers
        if "if-modified-since" in headers or "gzip" in headers.get("accept-encoding", ""):
            return None  # the full path weighs dates and picks the gzip representation
        match = headers.get("if-none-match")
        if match is not None and (match == hot.etag or
                                  _etag_matches(match.encode("latin-1"), hot.etag.encode())):
            return 304, hot.headers_304, b""
        return 200, hot.headers_200, hot.body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Lifespan, /healthz, and a feed authorised and rendered (or taken from the cache).

        Over ASGI, so that it runs under any ASGI server and the test client; `serve`
        answers what it can from `ready` first.
        """
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == "/healthz" and method in ("GET", "HEAD"):
            await _respond(send, 200, b"" if method == "HEAD" else b"ok\n",
                           [(b"content-type", b"text/plain")], length=3)
            return
        if method not in ("GET", "HEAD"):
            await _respond(send, 405, b"", [(b"allow", b"GET, HEAD")])
            return
        snapshot = await self._current()
        spec, lang, todos = self._authorise(snapshot, path)
        if spec is None:
            log.info("404 %s", mask_path(path))
            await _respond(send, 404, b"not found\n", [(b"content-type", b"text/plain")])
            return
        rendered = await self._rendered(snapshot, spec, lang or spec.default_lang, todos)
        headers = dict(scope["headers"])
        cache = b"public, max-age=300" if is_public(spec.id, self.public_feeds) else \
            b"private, max-age=300"
        common = [(b"etag", rendered.etag), (b"last-modified", rendered.last_modified),
                  (b"cache-control", cache), (b"vary", b"accept-encoding")]
        if_none_match = headers.get(b"if-none-match")
        extra = [(b"content-type", b"text/calendar; charset=utf-8"),
                 (b"content-disposition", f'inline; filename="{spec.id}.ics"'.encode())]
        snapshot.hot[path] = Hot.of(rendered.etag, rendered.body, common,
                                 [*common, *extra,
                                  (b"content-length", str(len(rendered.body)).encode())])
        body = rendered.body
        if accepts_gzip(headers.get(b"accept-encoding", b"")):
            # The compressed body is another representation: it has its own ETag.
            if rendered.gzipped is None:
                rendered = await asyncio.to_thread(
                    self._gzip, snapshot, (spec.id, lang or spec.default_lang, todos), rendered)
            body = rendered.gzipped or body
            etag = rendered.etag[:-1] + b'-gz"'
            common = [(b"etag", etag), *common[1:]]
            extra.append((b"content-encoding", b"gzip"))
        if if_none_match is not None and _etag_matches(if_none_match, common[0][1]):
            await _respond(send, 304, b"", common)
            return
        since = headers.get(b"if-modified-since")
        if if_none_match is None and since is not None and \
                not_modified_since(since, snapshot.modified):
            # RFC 9110 13.1.3: only without If-None-Match, and only for GET and HEAD.
            await _respond(send, 304, b"", common)
            return
        await _respond(send, 200, b"" if method == "HEAD" else body, common + extra,
                       length=len(body))

    def _authorise(self, snapshot: StoreSnapshot,
                   path: str) -> tuple[FeedSpec | None, Lang | None, bool]:
        match = _FEED_PATH.match(path)
        if match is not None:
            digest = token_hash(match.group("token"))
            granted = snapshot.tokens.get(digest)
            stored = digest if granted is not None else "0" * 64
            if not hmac.compare_digest(stored, digest) or granted is None:
                return None, None, False
            name = match.group("name")
            if name not in granted and ALL_FEEDS not in granted:
                return None, None, False
        else:
            match = _PUBLIC_PATH.match(path)
            if match is None or not is_public(match.group("name"), self.public_feeds):
                return None, None, False
            name = match.group("name")
        spec = snapshot.catalogue.get(name)
        lang = match.group("lang")
        return (spec, next((known for known in LANGS if known == lang), None),
                match.group("todo") is not None)

    async def _rendered(self, snapshot: StoreSnapshot, spec: FeedSpec, lang: Lang,
                        todos: bool = False) -> Rendered:
        key = (spec.id, lang, todos)
        rendered = snapshot.cache.get(key)
        if rendered is None:
            body = await asyncio.to_thread(
                lambda: snapshot.renderer.render(spec, lang, todos=todos))
            etag = b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
            rendered = Rendered(body, etag, snapshot.last_modified)
            snapshot.cache[key] = rendered
        return rendered

    @staticmethod
    def _gzip(snapshot: StoreSnapshot, key: tuple[str, Lang, bool],
              rendered: Rendered) -> Rendered:
        zipped = Rendered(rendered.body, rendered.etag, rendered.last_modified,
                          gzip.compress(rendered.body, compresslevel=6, mtime=0))
        if snapshot.cache.get(key) is rendered:
            snapshot.cache[key] = zipped
        return zipped

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await asyncio.to_thread(self.start)
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def not_modified_since(header: bytes, modified: datetime) -> bool:
    """True if an If-Modified-Since date is at or after `modified` (a bad date: False)."""
    try:
        since = parsedate_to_datetime(header.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return modified <= since


def _etag_matches(header: bytes, etag: bytes) -> bool:
    if header.strip() == b"*":
        return True
    candidates = [c.strip().removeprefix(b"W/") for c in header.split(b",")]
    return etag in candidates


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]],
                   length: int | None = None) -> None:
    size = len(body) if length is None else length
    if status != 304:  # a 304 carries no body, and no length of one
        headers = [*headers, (b"content-length", str(size).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
