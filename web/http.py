"""The little HTTP the pages and the API need on top of ASGI: a request, a response, errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

MAX_BODY = 16 * 1024
"""Forms here are one field long: anything bigger is refused, not read."""

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class HttpError(Exception):
    """A 4xx answer, with the words to show and (for the API) the parameter at fault."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class Request:
    """One request, its query and cookies decoded (UTF-8; bad bytes replaced, never raised)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes = b""

    def arg(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        values = self.query.get(name)
        return values[-1] if values else None

    def form(self) -> dict[str, list[str]]:
        """A url-encoded form body."""
        return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)


async def read_request(scope: Scope, receive: Receive) -> Request:
    """Decode the scope; read a body only for POST, and never more than MAX_BODY."""
    headers: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    cookies: dict[str, str] = {}
    if "cookie" in headers:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(headers["cookie"])
        except CookieError:
            jar = SimpleCookie()
        cookies = {name: morsel.value for name, morsel in jar.items()}
    query = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"),
                     keep_blank_values=True)
    body = b""
    if scope["method"] == "POST":
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise HttpError(413, "request body too large")
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        body = b"".join(chunks)
    return Request(scope["method"], scope["path"], query, headers, cookies, body)


@dataclass
class Response:
    """An answer to send."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def send(self, send: Send, *, head: bool = False) -> None:
        """Send it (HEAD: the headers only)."""
        headers = [(b"content-type", self.content_type.encode()),
                   (b"content-length", str(len(self.body)).encode()),
                   *SECURITY_HEADERS, *self.headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else self.body})


def redirect(location: str, *, status: int = 303,
             headers: list[tuple[bytes, bytes]] | None = None) -> Response:
    """See other: after a form, or to a found page."""
    return Response(status, b"", "text/plain; charset=utf-8",
                    [(b"location", location.encode()), *(headers or [])])


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None,
                  http_only: bool = True) -> tuple[bytes, bytes]:
    """A Set-Cookie header: SameSite=Strict, so no other site can send it along."""
    parts = [f"{name}={value}", "Path=/", "SameSite=Strict"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return b"set-cookie", "; ".join(parts).encode()
