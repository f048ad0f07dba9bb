"""A small Starlette app behind `AsgiOverRsgi`, for Granian's RSGI interface in the tests.

Each route exercises one part of the bridge: the scope, a request body read in chunks
under `BodyLimit`, a streamed answer, a client that leaves mid-stream, and a bug.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from web.middleware import BodyLimit
from web.rsgi import AsgiOverRsgi

LIMIT = 64 * 1024
stopped: list[str] = []
"""Streams whose generator was closed because the client went away."""


async def echo(request: Request) -> Response:
    scope = request.scope
    return JSONResponse({
        "path": scope["path"], "query": scope["query_string"].decode(),
        "params": dict(request.query_params), "method": scope["method"],
        "client": list(scope["client"]), "server": list(scope["server"]),
        "scheme": scope["scheme"], "http_version": scope["http_version"],
        "cookies": request.cookies,
        "headers": [[n.decode(), v.decode("latin-1")] for n, v in scope["headers"]],
    })


async def upload(request: Request) -> Response:
    size = chunks = 0
    async for chunk in request.stream():
        size += len(chunk)
        chunks += bool(chunk)
    return JSONResponse({"size": size, "chunks": chunks})


async def form(request: Request) -> Response:
    return JSONResponse(dict(await request.form()))


async def stream(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for number in range(3):
            yield f"part {number}\n".encode()

    response = StreamingResponse(parts(), media_type="text/plain")
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    return response


async def endless(request: Request) -> Response:
    name = request.query_params["name"]

    async def parts() -> AsyncIterator[bytes]:
        try:
            while True:
                yield b"x" * 65536
                await asyncio.sleep(0.01)
        finally:
            stopped.append(name)

    return StreamingResponse(parts(), media_type="application/octet-stream")


async def was_stopped(request: Request) -> Response:
    return PlainTextResponse(" ".join(stopped))


async def text(request: Request) -> Response:
    return PlainTextResponse("kiitos\n")


async def refused(request: Request) -> Response:
    raise HTTPException(418)


def routes() -> list[Route]:
    return [Route("/echo/{rest:path}", echo), Route("/upload", upload, methods=["POST"]),
            Route("/form", form, methods=["POST"]), Route("/stream", stream),
            Route("/endless", endless), Route("/stopped", was_stopped),
            Route("/refused", refused), Route("/text", text)]


site = Starlette(routes=routes(), middleware=[Middleware(BodyLimit, max_bytes=LIMIT)])


async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
    """The bridged app: two paths bypass Starlette to show what the bridge does alone."""
    if scope["type"] == "http" and scope["path"] == "/bug":
        raise ValueError("a bug outside any error handling")
    if scope["type"] == "http" and scope["path"] == "/oserror":
        raise OSError("a disk that failed before any answer")
    if scope["type"] == "http" and scope["path"] == "/silent":
        return
    await site(scope, receive, send)


app = AsgiOverRsgi(asgi)
"""What Granian loads as its RSGI callable."""
