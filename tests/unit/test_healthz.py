"""/healthz answers GET and HEAD; every other method is a 405 with Allow, as elsewhere."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from web.feeds import FeedApp


def _ask(method: str, path: str = "/healthz") -> httpx.Response:
    app = FeedApp(engine=None, make_renderer=None)  # type: ignore[arg-type]

    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.request(method, path)

    return asyncio.run(request())


def test_get_answers_ok():
    response = _ask("GET")
    assert (response.status_code, response.text) == (200, "ok\n")


def test_head_answers_without_a_body():
    response = _ask("HEAD")
    assert (response.status_code, response.content, response.headers["content-length"]) == (
        200, b"", "3")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_other_methods_are_refused(method: str):
    response: Any = _ask(method)
    assert (response.status_code, response.headers["allow"], response.content) == (
        405, "GET, HEAD", b"")


def test_a_feed_path_refuses_post_the_same_way():
    response = _ask("POST", "/public/pair-205.ics")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
