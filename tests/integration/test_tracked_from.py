"""A county onboarded mid-term, end to end, on SQLite and PostgreSQL (issue 14, point 5).

The test configuration (tests/fixtures/config/north-ostrobothnia.yaml) tracks county 19
from 1.1.2026 and Oulu (564) from 1.7.2026. So Oulu's financial statements of 2025 (due
30.6.2026) are not tracked, while Liminka's (425, its county's day) are. On 1.7.2026 the
same duty is past its legal limit in Liminka and "not tracked" in Oulu: in `status`
(table, JSON, CSV), on the pages, in the API and the feeds, and in what `remind` sends
through a real SMTP server.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURE_DEFINITIONS
from tests.integration.conftest import cli_output as _cli
from tests.integration.conftest import run_cli
from tests.receivers import SmtpServer

CONFIG = Path(__file__).parent.parent / "fixtures" / "config"
STATEMENTS = "municipal-financial-statements"
OULU = f"{STATEMENTS}.m564.2025"      # due 30.6.2026, Oulu tracked from 1.7.2026
LIMINKA = f"{STATEMENTS}.m425.2025"   # due 30.6.2026, county 19 tracked from 1.1.2026
TODAY = "2026-07-01"                  # the first escalation day of both
NOT_TRACKED = {"fi": "Ei seurannassa", "sv": "Ej uppföljd", "en": "Not tracked"}
PAST_LIMIT = {"fi": "Lain määräaika ylitetty", "sv": "Lagens tidsfrist överskriden",
              "en": "Past the legal limit"}
FEED_LINE = {"fi": "Ei seurannassa: tavoitepäivä on ennen seurannan alkua 1.7.2026.",
             "sv": "Ej uppföljd: måldagen ligger före uppföljningens början 1.7.2026.",
             "en": "Not tracked: the target is before tracking began on 1.7.2026."}


@pytest.fixture
def store(database_url: str, monkeypatch: pytest.MonkeyPatch, smtp: SmtpServer,
          tmp_path: Path) -> Path:
    """The fixture law and configuration, the financial statements synced, two coordinators."""
    settings = {"DATABASE_URL": database_url, "DEFINITIONS_DIR": str(FIXTURE_DEFINITIONS),
                "CONFIG_DIR": str(CONFIG), "TODAY": TODAY,
                "PUBLIC_FEEDS": '["municipality-*"]', "PUBLIC_URL": "https://hyte.example.fi",
                "POLL_SECONDS": "0", "SMTP_URL": smtp.url("hyte@pohde.invalid"),
                "NOTIFY_WAIT_SECONDS": "5"}
    for name, value in settings.items():
        monkeypatch.setenv(f"YHDYSPINTA_{name}", value)
    _cli("sync", "--obligation", STATEMENTS)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "party,role,name,email,teams,language,delivery\n"
        "564,coordinator,Olli Oulu,olli@ouka.invalid,,fi,digest\n"
        "425,coordinator,Liisa Liminka,liisa@liminka.invalid,,fi,digest\n", encoding="utf-8")
    _cli("contacts", "import", str(contacts))
    return tmp_path


@pytest.fixture
def app(store: Path) -> Iterator[Any]:
    """The server's whole app (pages, API and feeds) on the store, in process."""
    from web.server import create

    site = create()
    yield site
    site.feeds.engine.dispose()


def _fetch(app: Any, *paths: str) -> dict[str, httpx.Response]:
    """Each path's answer from the app, in order on one client (no server, no lifespan)."""
    async def fetch() -> dict[str, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return {path: await c.get(path) for path in paths}

    return asyncio.run(fetch())


def test_status_says_not_tracked_in_its_table_json_and_csv(store):
    records = {r["id"]: r for r in json.loads(_cli(
        "status", "--region", "19", "--obligation", STATEMENTS, "--format", "json"))}
    oulu, liminka = records[OULU], records[LIMINKA]
    assert (oulu["tracked"], oulu["tracked_from"], oulu["days_late"],
            oulu["days_past_limit"]) == (False, "2026-07-01", 0, 0)
    assert (liminka["tracked"], liminka["tracked_from"], liminka["days_late"],
            liminka["days_past_limit"]) == (True, "2026-01-01", 92, 92)  # the board: 31.3
    # Steps recorded before the day still show their status.
    assert {s["status"] for s in oulu["steps"]} == {"not_started"}
    overdue = json.loads(_cli("status", "--region", "19", "--obligation", STATEMENTS,
                              "--overdue", "--format", "json"))
    assert LIMINKA in {r["id"] for r in overdue}
    assert OULU not in {r["id"] for r in overdue}

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(_cli(
        "status", "--region", "19", "--obligation", STATEMENTS, "--format", "csv")))}
    assert (rows[OULU]["tracked"], rows[OULU]["tracked_from"], rows[OULU]["days_late"]) == (
        "false", "2026-07-01", "0")
    assert (rows[LIMINKA]["tracked"], rows[LIMINKA]["days_late"]) == ("true", "92")

    for lang, word in (("fi", "ei seurannassa"), ("sv", "ej uppföljd"), ("en", "not tracked")):
        code, table, _ = run_cli("status", "--municipality", "564", "--obligation",
                                 STATEMENTS, lang=lang)
        assert code == 0
        line = next(line for line in table.splitlines() if OULU in line)
        assert word in line


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pages_api_and_feeds_show_not_tracked(app, lang):
    pages = {"oulu": "/municipality/564", "duty": f"/duty/{OULU}",
             "liminka": f"/duty/{LIMINKA}", "county": "/county/19?term_year=all",
             "csv": "/county/19.csv?term_year=all", "api": f"/api/v1/occurrences/{OULU}",
             "listed": f"/api/v1/occurrences?region=19&obligation={STATEMENTS}"
                       "&state=not_tracked",
             "feed-564": "/public/municipality-564", "feed-425": "/public/municipality-425"}
    paths = {name: f"{path}.{lang}.ics" if name.startswith("feed-") else
             f"{path}{'&' if '?' in path else '?'}lang={lang}" for name, path in pages.items()}
    answers = _fetch(app, *paths.values())
    got = {name: answers[path] for name, path in paths.items()}
    assert {name: answer.status_code for name, answer in got.items()} == dict.fromkeys(got, 200)
    for name in ("oulu", "duty", "county"):
        assert NOT_TRACKED[lang] in got[name].text, name
    assert PAST_LIMIT[lang] not in got["duty"].text
    assert PAST_LIMIT[lang] in got["liminka"].text
    assert NOT_TRACKED[lang] not in got["liminka"].text
    rows = {r["occurrence"]: r for r in csv.DictReader(io.StringIO(
        got["csv"].text.lstrip("\ufeff")))}
    assert (rows[OULU]["state"], rows[LIMINKA]["state"]) == ("not_tracked", "overdue")

    api = got["api"].json()
    assert (api["state"], api["tracked"], api["tracked_from"], api["days_late"]) == (
        "not_tracked", False, "2026-07-01", 0)
    ids = {o["id"] for o in got["listed"].json()["items"]}
    assert OULU in ids
    assert LIMINKA not in ids
    assert f"{STATEMENTS}.m425.2024" in ids  # due 30.6.2025, before the county's day

    for feed, duty_id, tracked in (("feed-564", OULU, False), ("feed-425", LIMINKA, True)):
        event = _event(got[feed].text, f"{duty_id}@")
        assert ("BEGIN:VALARM" in event) is tracked
        assert (FEED_LINE[lang] in event.replace("\\n", "\n").replace("\\,", ",")) \
            is not tracked
        assert "STATUS:CANCELLED" not in event  # the event stays


def _event(ics: str, uid: str) -> str:
    """The VEVENT whose UID begins with `uid`, its folded lines joined."""
    text = ics.replace("\r\n ", "")
    for block in text.split("BEGIN:VEVENT")[1:]:
        body = block.split("END:VEVENT")[0]
        if f"UID:{uid}" in body:
            return body
    raise AssertionError(f"no event {uid}")


def test_remind_tells_the_tracked_duty_and_not_the_other(store, smtp):
    code, out, err = run_cli("remind", "--today", TODAY)
    assert (code, err) == (0, ""), out
    to = {address for mail in smtp.sink.received for address in mail.envelope_to}
    assert to == {"liisa@liminka.invalid"}
    (mail,) = smtp.sink.received
    text = mail.part("text/plain")
    assert "Liminka" in text
    assert "Oulu" not in text
    # The next working day brings Oulu nothing either, and Liminka nothing twice.
    code, out, err = run_cli("remind", "--today", "2026-07-02")
    assert (code, err) == (0, ""), out
    assert len(smtp.sink.received) == 1
