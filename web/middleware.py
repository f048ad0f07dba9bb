"""The pure-ASGI middleware every page and API answer passes through (see web/server.py).

Pure ASGI rather than Starlette's BaseHTTPMiddleware: no extra task or body copy per request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.feeds import mask_path

log = logging.getLogger("yhdyspinta.web")

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class HttpMiddleware:
    """Passes lifespan and other non-HTTP scopes straight through; `http` sees requests."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request (through `self.app`)."""
        raise NotImplementedError


class SecurityHeaders(HttpMiddleware):
    """nosniff, no-referrer and DENY on every answer; HEAD answers lose their body.

    Starlette's plain responses send their body to HEAD too (only file and streaming
    responses leave it out); the length header stays that of the GET.
    """

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = scope["method"] == "HEAD"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()),
                                                  *SECURITY_HEADERS]}
            elif head and message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ServerErrors(HttpMiddleware):
    """A bug is logged with its traceback (path masked) and answered by `answer`.

    Starlette's own ServerErrorMiddleware re-raises after answering, so the server would
    log the request again; this one stops it here.
    """

    def __init__(self, app: ASGIApp, answer: Callable[[Request], Response]) -> None:
        super().__init__(app)
        self.answer = answer

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("%s %s failed", scope.get("method", "")[:10],
                          mask_path(scope.get("path", ""))[:200])
            if not started:
                await self.answer(Request(scope))(scope, receive, send)


class BodyLimit(HttpMiddleware):
    """A request body over `max_bytes` is refused with a 413 as soon as it is read.

    The HTTPException is raised inside the endpoint that reads the body, so the app's
    exception handler answers it (a page in the reader's language). Starlette's own
    RequestBodyLimitMiddleware would replace that answer with a plain English one.
    """

    def __init__(self, app: ASGIApp, max_bytes: int,
                 larger: dict[str, int] | None = None) -> None:
        super().__init__(app)
        self.max_bytes = max_bytes
        self.larger = larger or {}
        """Paths that take a bigger body (the status-import upload), with their limit."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        too_large = declared.isdigit() and int(declared) > limit
        size = 0

        async def receive_limited() -> Message:
            nonlocal size
            if too_large:
                raise HTTPException(413)
            message = await receive()
            size += len(message.get("body", b""))
            if size > limit:
                raise HTTPException(413)
            return message

        await self.app(scope, receive_limited, send)


ALWAYS_PROTECT = frozenset({"/signin", "/signin/link", "/signout", "/mark-done"})
"""Paths whose POST needs the CSRF token even from a browser with no cookie yet."""
UPLOADS = frozenset({"/admin/import"})
"""Paths whose multipart POST (a file upload) checks its CSRF token in the endpoint.

asgi-csrf 0.11 reads a multipart body with an argument python-multipart no longer takes
(`FileClass`), so it fails on every upload. For these paths it passes multipart bodies on
and the endpoint compares the form's `csrftoken` with the signed cookie's (`csrf_token`
in web/pages.py returns a fresh random token when the cookie is missing or forged, so a
missing or wrong token never matches): the same double-submit check, done after the
form is parsed.
"""


def is_upload(scope: Scope) -> bool:
    """A multipart POST to an upload path (its endpoint checks the CSRF token)."""
    content_type = Headers(scope=scope).get("content-type", "")
    return scope.get("path") in UPLOADS and content_type.startswith("multipart/form-data")


class CsrfCheck:
    """asgi-csrf's signed double-submit check on every POST form; a refusal is a 403 page.

    The token is a signed cookie (`csrftoken`, SameSite=Lax, Secure under https) that each
    form repeats in a hidden field; templates ask for it with `csrf()`. Requests with
    `Authorization: Bearer` (the write API) or with no cookie at all carry no ambient
    credentials and are let through by asgi-csrf, except on the sign-in paths
    (`ALWAYS_PROTECT`, against login CSRF). A body over the limit, met while the
    check reads the form, is answered here too (exceptions here reach no handler).
    """

    def __init__(self, app: ASGIApp, secret: str, secure: bool,
                 refuse: Callable[[Request, int], Response]) -> None:
        from asgi_csrf import asgi_csrf

        self.refuse = refuse

        async def failed(scope: Scope, send: Send, message_id: object) -> None:
            await self.refuse(Request(scope), 403)(scope, _nothing, send)

        # The sign-in forms are checked even without any cookie: otherwise a page elsewhere
        # could sign a fresh browser in as someone else (login CSRF).
        self.app = asgi_csrf(app, signing_secret=secret, cookie_secure=secure,
                             send_csrf_failed=failed, always_protect=ALWAYS_PROTECT,
                             skip_if_scope=is_upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except HTTPException as error:
            if error.status_code != 413:
                raise
            await self.refuse(Request(scope), 413)(scope, receive, send)


async def _nothing() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}
