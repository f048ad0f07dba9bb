"""The status CSV and the county page's CSV download neutralise formulas (OWASP)."""

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import run_cli as _cli

ROOT = Path(__file__).parents[2]
HOSTILE = '=HYPERLINK("http://evil.example","budget")'


@pytest.fixture
def hostile(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Definitions with a formula for the budget's names, synced into a fresh store."""
    folder = tmp_path / "definitions"
    shutil.copytree(ROOT / "obligations" / "definitions", folder)
    path = folder / "municipal-budget.yaml"
    text = path.read_text(encoding="utf-8")
    for lang, name in (("fi", "Kunnan talousarvio ja -suunnitelma"),
                       ("en", "Municipal budget and financial plan")):
        assert f"{lang}: {name}" in text
        text = text.replace(f"{lang}: {name}", f"{lang}: '{HOSTILE}'", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", database_url)
    monkeypatch.setenv("YHDYSPINTA_DEFINITIONS_DIR", str(folder))
    assert _cli("sync", "--today", "2026-11-28", "--obligation", "municipal-budget")[0] == 0
    return folder


def test_status_csv(hostile):
    code, out, err = _cli("status", "--municipality", "205", "--today", "2026-11-28",
                          "--format", "csv")
    assert (code, err) == (0, "")
    names = {r["name"] for r in csv.DictReader(io.StringIO(out))}
    assert names == {"'" + HOSTILE}


def test_county_page_csv(hostile, monkeypatch):
    monkeypatch.setenv("YHDYSPINTA_TODAY", "2026-11-28")
    from web.server import create

    app = create()

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get("/county/20.csv?term_year=all&lang=fi")

    try:
        answer = asyncio.run(get())
    finally:
        app.feeds.engine.dispose()
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows
    assert {r["obligation_name"] for r in rows} == {"'" + HOSTILE}
