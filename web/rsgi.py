"""An ASGI application served through Granian's RSGI interface.

Why this exists: `yhdyspinta serve` runs Granian's RSGI interface, because a ready-made
feed answer handed straight to RSGI's `response_bytes` costs a fraction of the ASGI
hand-over (README, "Feeds"). Granian runs one interface per worker and ships no adapter
from RSGI to ASGI (the one package on PyPI that offers one, rsgiadapter, is a single 0.1.0
release), so the pages and API (Starlette, which speaks ASGI) reach the same worker
through this one. It covers what they use of ASGI 3.0 HTTP (spec 2.4): the scope, a request
body in chunks (so `BodyLimit` refuses a large upload as it arrives), one-shot and
streamed responses, and a disconnect. No WebSockets (the server runs without them) and no
lifespan: `SiteApp.__rsgi_init__` does the startup work itself.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, MutableMapping
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp

if TYPE_CHECKING:
    from granian._granian import RSGIHTTPProtocol as HTTPProtocol  # granian.rsgi re-exports it
    from granian.rsgi import Scope as RsgiScope

log = logging.getLogger("yhdyspinta.web")

_ASGI = {"version": "3.0", "spec_version": "2.4"}
"""2.4: a disconnected client makes `send` raise OSError (nothing listens for it)."""


def _address(value: str) -> tuple[str, int] | None:
    """`host:port` (RSGI, IPv6 hosts in brackets) as ASGI's (host, port)."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        return None
    return host.removeprefix("[").removesuffix("]"), int(port)


def _header_bytes(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # a value Granian decoded from UTF-8
        return value.encode("utf-8")


def asgi_scope(scope: RsgiScope) -> dict[str, Any]:
    """The ASGI HTTP scope of an RSGI one (Granian's `path` is already percent-decoded)."""
    return {
        "type": "http",
        "asgi": _ASGI,
        "http_version": scope.http_version,
        "method": scope.method,
        "scheme": scope.scheme,
        "path": scope.path,
        "query_string": scope.query_string.encode("latin-1"),
        "root_path": "",
        "headers": [(name.lower().encode("latin-1"), _header_bytes(value))
                    for name, value in scope.headers.items()],
        "client": _address(scope.client),
        "server": _address(scope.server),
        "state": {},
        "extensions": {},
    }


class AsgiOverRsgi:
    """Call an ASGI app for each RSGI HTTP request, translating messages both ways."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: RsgiScope, protocol: HTTPProtocol) -> None:
        exchange = _Exchange(protocol)
        try:
            await self.app(asgi_scope(scope), exchange.receive, exchange.send)
        except Exception as error:
            if exchange.started and isinstance(error, OSError | ClientDisconnect):
                return  # the client left mid-answer (Starlette turns our OSError into this)
            # Starlette's ServerErrors middleware answers and logs a bug in the pages;
            # this is for one in between (path left out: it may hold a token).
            log.exception("%s request failed outside the app's error handling",
                          scope.method[:10])
            if not exchange.started:
                protocol.response_empty(500, [])
            return
        if not exchange.started:
            log.error("%s request: the app returned without an answer", scope.method[:10])
            protocol.response_empty(500, [])


class _Exchange:
    """One request's ASGI `receive` and `send` over its RSGI protocol object."""

    __slots__ = ("chunks", "finished", "headers", "protocol", "request_done", "started",
                 "status", "stream")

    def __init__(self, protocol: HTTPProtocol) -> None:
        self.protocol = protocol
        self.chunks: AsyncIterator[bytes] | None = None
        self.request_done = False
        self.status = 500
        self.headers: list[tuple[str, str]] = []
        self.stream: Any = None
        self.started = False
        """The response has begun (its start message arrived)."""
        self.finished = False

    async def receive(self) -> MutableMapping[str, Any]:
        if not self.request_done:
            if self.chunks is None:
                self.chunks = aiter(self.protocol)
            try:
                chunk = await anext(self.chunks)
            except StopAsyncIteration:
                self.request_done = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return {"type": "http.request", "body": bytes(chunk), "more_body": True}
        await self.protocol.client_disconnect()
        return {"type": "http.disconnect"}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("ASGI: a second http.response.start")
            self.started = True
            self.status = int(message["status"])
            self.headers = [(name.decode("latin-1"), value.decode("latin-1"))
                            for name, value in message.get("headers", ())]
            return
        if kind != "http.response.body" or self.finished:
            raise RuntimeError(f"ASGI: unexpected {kind} message")
        if not self.started:
            raise RuntimeError("ASGI: http.response.body before http.response.start")
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        if self.stream is None and not more:
            self.finished = True
            if body:
                self.protocol.response_bytes(self.status, self.headers, body)
            else:
                self.protocol.response_empty(self.status, self.headers)
            return
        if self.stream is None:
            self.stream = self.protocol.response_stream(self.status, self.headers)
        if body:
            try:
                await self.stream.send_bytes(body)
            except RuntimeError as error:  # RSGIProtocolClosed: the client has gone
                raise OSError("client disconnected") from error
        self.finished = not more
