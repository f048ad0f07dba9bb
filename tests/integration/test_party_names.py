"""One party name everywhere (issue 12): a sub-regional negotiation reads the same in
`plan`, `status`, the pages, the API, the feeds and a message, in Finnish, Swedish and English.

The test configuration (tests/fixtures/config/north-ostrobothnia.yaml) holds county 19's
negotiation per sub-regional group; the group's own name comes from that file.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURE_DEFINITIONS
from yhdyspinta.cli import main

CONFIG = Path(__file__).parent.parent / "fixtures" / "config"
NEGOTIATION = "hyte-negotiation-annual"
OULU_AREA = f"{NEGOTIATION}.r19-oulu-area.2026"
REST = f"{NEGOTIATION}.r19-rest.2026"
TODAY = "2026-09-23"  # a week before the negotiation (30.9.2026): a reminder day
NAMES = {
    "fi": "Pohjois-Pohjanmaan hyvinvointialue – Oulun seutu",
    "sv": "Norra Österbottens välfärdsområde – Uleåborgsregionen",
    "en": "North Ostrobothnia wellbeing services county – Oulu area",
}
OTHER_GROUP = {
    "fi": "Pohjois-Pohjanmaan hyvinvointialue – Muut kunnat",
    "sv": "Norra Österbottens välfärdsområde – Övriga kommuner",
    "en": "North Ostrobothnia wellbeing services county – Other municipalities",
}
LANGS = ("fi", "sv", "en")


def _cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    assert (code, err.getvalue()) == (0, ""), out.getvalue()
    return out.getvalue()


def _get(app: Any, path: str) -> httpx.Response:
    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get(path)

    return asyncio.run(request())


def _unfold(ics: str) -> str:
    """RFC 5545 content lines as one line each (long lines are folded at 75 octets)."""
    return ics.replace("\r\n ", "")


def _environment(patch: pytest.MonkeyPatch, folder: Path) -> None:
    """The settings every command and the server read: the fixture law, configuration, store."""
    patch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
    patch.setenv("YHDYSPINTA_DEFINITIONS_DIR", str(FIXTURE_DEFINITIONS))
    patch.setenv("YHDYSPINTA_CONFIG_DIR", str(CONFIG))
    patch.setenv("YHDYSPINTA_TODAY", TODAY)
    patch.setenv("YHDYSPINTA_PUBLIC_FEEDS", '["region-*"]')
    patch.setenv("YHDYSPINTA_PUBLIC_URL", "https://hyte.example.fi")
    patch.setenv("YHDYSPINTA_POLL_SECONDS", "0")
    # A dry run sends nothing; the address only makes email a channel that can go.
    patch.setenv("YHDYSPINTA_SMTP_URL", "mailto://127.0.0.1:2525?mode=insecure&from=hyte@example.fi")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture definitions and configuration, synced, with county 19's coordinators."""
    folder = tmp_path_factory.mktemp("party-names")
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch, folder)
        _cli("sync", "--obligation", NEGOTIATION)
        contacts = folder / "contacts.csv"
        contacts.write_text(
            "party,role,name,email,teams,language,delivery\n"
            + "".join(f"19,coordinator,Coordinator {lang},{lang}@pohde.example.fi,,{lang},"
                      "digest\n" for lang in LANGS), encoding="utf-8")
        _cli("contacts", "import", str(contacts))
        yield folder


@pytest.fixture(scope="module")
def app(store: Path) -> Iterator[Any]:
    with pytest.MonkeyPatch.context() as patch:
        _environment(patch, store)
        from web.server import create

        site = create()
        yield site
        site.feeds.engine.dispose()


@pytest.mark.parametrize("lang", LANGS)
def test_a_sub_regional_negotiation_has_one_name_everywhere(store, app, lang, monkeypatch):
    _environment(monkeypatch, store)
    name, other = NAMES[lang], OTHER_GROUP[lang]
    seen: dict[str, str] = {}

    planned = json.loads(_cli("plan", "--region", "19", "--obligation", NEGOTIATION,
                              "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json",
                              "--lang", lang))
    seen["plan"] = next(r["party_name"] for r in planned if r["id"] == OULU_AREA)
    assert next(r["party_name"] for r in planned if r["id"] == REST) == other

    status = json.loads(_cli("status", "--region", "19", "--obligation", NEGOTIATION,
                             "--today", TODAY, "--format", "json", "--lang", lang))
    seen["status"] = next(r["party_name"] for r in status if r["id"] == OULU_AREA)
    table = _cli("status", "--region", "19", "--obligation", NEGOTIATION, "--today", TODAY,
                 "--lang", lang)
    assert name in table
    assert other in table

    api = _get(app, f"/api/v1/occurrences/{OULU_AREA}?lang={lang}")
    assert api.status_code == 200
    seen["api"] = api.json()["party_name"]

    duty_page = _get(app, f"/duty/{OULU_AREA}?lang={lang}")
    oulu_page = _get(app, f"/municipality/564?lang={lang}")
    assert (duty_page.status_code, oulu_page.status_code) == (200, 200)
    for page_name, page in (("duty page", duty_page), ("municipality page", oulu_page)):
        if name in page.text:
            seen[page_name] = name
    assert other not in oulu_page.text  # Oulu (564) is in the Oulu area, not the rest

    feed = _get(app, f"/public/region-19.{lang}.ics")
    assert feed.status_code == 200
    summaries = [line.split(":", 1)[1] for line in _unfold(feed.text).split("\r\n")
                 if line.startswith(("SUMMARY:", "SUMMARY;"))]
    ours = [s for s in summaries if s.endswith(f" – {name}")]
    assert ours, summaries[:5]
    seen["feed"] = name
    # The two groups' events no longer carry the same SUMMARY.
    assert any(s.endswith(f" – {other}") for s in summaries)

    dry_run = _cli("remind", "--dry-run", "--today", TODAY)
    block = next(b for b in dry_run.split("→ ") if b.startswith(f"Coordinator {lang} "))
    lines = [line.strip() for line in block.splitlines()[1:] if line.startswith("    ")]
    assert lines, block
    duty_lines = [line for line in lines if f" – {name} / " in line]
    assert duty_lines, lines
    seen["message"] = name
    assert any(f" – {other} / " in line for line in lines)

    assert seen == dict.fromkeys(("plan", "status", "api", "duty page", "municipality page",
                                  "feed", "message"), name)
