"""Benchmark the county page of the largest county (North Ostrobothnia, 30 municipalities).

Measured in the same run, on a store synced for all of Finland:

1. In process (the ASGI app called directly): the county page warm (duty states kept since
   the store last changed), the same page cold (the store just changed: query and render),
   and as baseline the plainest answer of the same app, `/healthz`; and a duty page (read
   from the store on every request, since its forms carry the step's revision) against
   the municipality page's warm render (target: at most 2×).
2. Over HTTP against `yhdyspinta serve` (Granian) on 127.0.0.1, one keep-alive connection:
   the county page against `/healthz` on the same server.

    python bench/pages_bench.py
"""

from __future__ import annotations

import asyncio
import http.client
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TODAY = "2026-11-28"
COUNTY = "/county/19?lang=fi"
MUNICIPALITY = "/municipality/564?lang=fi"
DUTY = "/duty/hyte-annual-report-municipality.m564.2026?lang=fi"
BIN = Path(sys.executable).parent


def _median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def _asgi_get(app: Any, path: str) -> tuple[int, bytes]:
    raw_path, _, query = path.partition("?")
    scope = {"type": "http", "method": "GET", "path": raw_path, "query_string": query.encode(),
             "headers": [(b"accept-language", b"fi")]}
    status = 0
    body = b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        nonlocal status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            body += message.get("body", b"")

    await app(scope, receive, send)
    return status, body


def in_process(folder: Path) -> None:
    from web.server import create

    app = create()
    loop = asyncio.new_event_loop()

    def get(path: str) -> bytes:
        status, body = loop.run_until_complete(_asgi_get(app, path))
        assert status == 200, (path, status)
        return body

    page = get(COUNTY)
    assert page.count(b"<tr><th scope=\"row\"><a href=\"/municipality/") == 30, "30 expected"
    healthz = _median_ms(lambda: get("/healthz"), 300)
    warm = _median_ms(lambda: get(COUNTY), 100)

    def cold() -> None:
        app.pages.site._fingerprint = None  # as if the store had just changed
        app.pages.site._checked = 0.0
        get(COUNTY)

    cold_ms = _median_ms(cold, 15)
    get(MUNICIPALITY)
    municipality = _median_ms(lambda: get(MUNICIPALITY), 50)
    duty = _median_ms(lambda: get(DUTY), 50)
    loop.close()
    print(f"in process, county page of North Ostrobothnia ({len(page) // 1024} KiB):")
    print(f"  /healthz (baseline)          {healthz:8.2f} ms")
    print(f"  county page, warm            {warm:8.2f} ms   ratio {warm / healthz:6.1f}×")
    print(f"  county page, store changed   {cold_ms:8.2f} ms   ratio {cold_ms / healthz:6.1f}×")
    print("in process, a duty page against its municipality's page (warm):")
    print(f"  municipality page Oulu       {municipality:8.2f} ms   (baseline)")
    print(f"  duty page                    {duty:8.2f} ms   ratio {duty / municipality:6.2f}×"
          "   (target <= 2)")


def over_http(folder: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(BIN / "yhdyspinta"), "serve", "--port", str(port),
                               "--today", TODAY], env=os.environ.copy(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)

        def get(path: str) -> None:
            connection.request("GET", path, headers={"accept-language": "fi"})
            response = connection.getresponse()
            response.read()
            assert response.status == 200

        get(COUNTY)
        healthz = _median_ms(lambda: get("/healthz"), 300)
        county = _median_ms(lambda: get(COUNTY), 100)
        print("over HTTP (Granian, one keep-alive connection):")
        print(f"  /healthz (baseline)          {healthz:8.2f} ms")
        print(f"  county page                  {county:8.2f} ms   ratio {county / healthz:6.1f}×")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        os.environ.update({"YHDYSPINTA_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
                           "YHDYSPINTA_TODAY": TODAY})
        from yhdyspinta.cli import main as cli

        assert cli(["sync", "--today", TODAY], out=io.StringIO(), err=sys.stderr) == 0
        in_process(folder)
        over_http(folder)


if __name__ == "__main__":
    main()
