"""Benchmark: recording a step through the write API (audit entry included) on SQLite, and
the duty page against the municipality page, in process, in the same run.

Targets (issue 14): a PATCH's median at most 20 ms; the duty page warm at most twice the
municipality page's render time.
"""

from __future__ import annotations

import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPORT = "hyte-annual-report-municipality.m205.2026"


def _cli(*argv: str) -> str:
    from yhdyspinta.cli import main

    out, err = io.StringIO(), io.StringIO()
    if main([*argv, "--lang", "en"], out=out, err=err) != 0:
        sys.exit(err.getvalue())
    return out.getvalue()


async def _measure(app: object, token: str) -> tuple[float, float, float]:
    step = f"/api/v1/occurrences/{REPORT}/steps/data-compiled"
    patches, duty, municipality = [], [], []
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        headers = {"authorization": f"Bearer {token}"}
        for number in range(70):
            started = time.perf_counter()
            answer = await client.patch(step, headers=headers, json={
                "status": "in_progress" if number % 2 else "not_started", "note": f"{number}"})
            patches.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
        for _ in range(25):
            started = time.perf_counter()
            await client.get(f"/duty/{REPORT}")
            duty.append(time.perf_counter() - started)
            started = time.perf_counter()
            await client.get("/municipality/205")
            municipality.append(time.perf_counter() - started)
    return (statistics.median(patches[10:]), statistics.median(duty[5:]),
            statistics.median(municipality[5:]))


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="yhdyspinta-write-bench."))
    os.environ.update(YHDYSPINTA_DATABASE_URL=f"sqlite:///{folder / 'store.db'}",
                      YHDYSPINTA_TODAY="2026-11-28", YHDYSPINTA_POLL_SECONDS="0")
    _cli("sync", "--today", "2026-11-28")
    _cli("users", "add", "bench@example.fi", "--name", "Bench")
    _cli("users", "grant", "bench@example.fi", "--party", "m205", "--role", "coordinator")
    token = _cli("users", "token", "bench@example.fi", "--name", "bench").splitlines()[1]
    from web.server import create

    app = create()
    patch, duty, municipality = asyncio.run(_measure(app, token))
    ratio = duty / municipality
    print(f"write API PATCH (SQLite, audit included): median {patch * 1000:.1f} ms "
          f"(target ≤ 20 ms)")
    print(f"duty page {duty * 1000:.1f} ms, municipality page {municipality * 1000:.1f} ms: "
          f"ratio {ratio:.2f} (target ≤ 2)")
    return 0 if patch <= 0.020 and ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
