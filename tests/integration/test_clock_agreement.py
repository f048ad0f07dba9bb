"""`--today` and YHDYSPINTA_TODAY give every command and the server the same day.

The day is a Saturday after a deadline: `plan` names it in its summary, `status` and the
API count the same days late, `remind --dry-run` names it as a day without messages. A
command that read the host's clock instead would show another day or another count.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from calendars.wording import finnish_date
from tests.conftest import FIXTURE_DEFINITIONS
from tests.integration.conftest import cli_output as _cli

DAY = date(2027, 1, 9)
"""A Saturday, days after the 2026 reports were due: open steps are late."""
ELSEWHEN = "2026-06-15"
OBLIGATION = "hyte-annual-report-municipality"
OCCURRENCE = f"{OBLIGATION}.m205.2026"


def _expected_days_late(record: dict[str, object]) -> int:
    """Days since the earliest open step's deadline, counted from DAY (what the store says)."""
    steps = record["steps"]
    assert isinstance(steps, list)
    open_due = [date.fromisoformat(s["due_effective"]) for s in steps
                if s["status"] in ("not_started", "in_progress")
                and date.fromisoformat(s["due_effective"]) < DAY]
    assert open_due, "the test needs a step that is late on DAY"
    return (DAY - min(open_due)).days


def _api(path: str) -> dict[str, object]:
    from web.server import create

    app = create()

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.get(path)

    try:
        response = asyncio.run(get())
    finally:
        app.feeds.engine.dispose()
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("given", ["environment", "option", "option over environment"])
def test_every_command_and_the_server_see_the_same_day(tmp_path: Path, monkeypatch, given):
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("YHDYSPINTA_DEFINITIONS_DIR", str(FIXTURE_DEFINITIONS))
    if given == "environment":
        monkeypatch.setenv("YHDYSPINTA_TODAY", DAY.isoformat())
        option: tuple[str, ...] = ()
    else:
        if given == "option over environment":
            monkeypatch.setenv("YHDYSPINTA_TODAY", ELSEWHEN)
        else:
            monkeypatch.delenv("YHDYSPINTA_TODAY", raising=False)
        option = ("--today", DAY.isoformat())

    _cli("sync", "--obligation", OBLIGATION, *option)
    summary = _cli("plan", "--municipality", "205", "--obligation", OBLIGATION,
                   "--format", "summary", *option)
    assert f"Next statutory or target dates from {finnish_date(DAY)}:" in summary

    status = json.loads(_cli("status", "--municipality", "205", "--obligation", OBLIGATION,
                             "--format", "json", *option))
    record = next(r for r in status if r["id"] == OCCURRENCE)
    assert record["days_late"] == _expected_days_late(record) > 0

    remind = _cli("remind", "--dry-run", *option)
    assert f"{DAY.isoformat()} is not a working day" in remind

    # The server reads only the environment (`serve --today` passes the day on in it).
    monkeypatch.setenv("YHDYSPINTA_TODAY", DAY.isoformat())
    served = _api(f"/api/v1/occurrences/{OCCURRENCE}?lang=en")
    assert (served["state"], served["days_late"]) == ("overdue", record["days_late"])
