"""A rolling review through the command line: the approval recorded moves the next review.

The child and youth welfare plan (tests/fixtures/definitions/rolling/) is reviewed every
four years from the council's approval; Oulu's last approval (1.6.2022) and the county's
(12.6.2023) are in tests/fixtures/config/rolling/, Liminka's is unknown.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from yhdyspinta.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
TODAY = "2026-12-02"
PLAN = "child-youth-welfare-plan"
REVIEW_2026 = f"{PLAN}.m564.2026"


@pytest.fixture
def cli(database_url, monkeypatch):
    """The command in English over one store, the rolling fixtures and 2.12.2026."""
    for name, value in (("DATABASE_URL", database_url), ("TODAY", TODAY),
                        ("DEFINITIONS_DIR", str(FIXTURES / "definitions" / "rolling")),
                        ("CONFIG_DIR", str(FIXTURES / "config" / "rolling"))):
        monkeypatch.setenv(f"YHDYSPINTA_{name}", value)
    return _run


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main([*argv, "--lang", "en"], out=out, err=err), out.getvalue(), err.getvalue()


def _planned(cli, municipality: str) -> list[dict[str, str | None]]:
    code, out, err = cli("plan", "--municipality", municipality, "--from", "2023-01-01",
                         "--to", "2037-12-31", "--format", "json")
    assert (code, err) == (0, "")
    return [{k: r[k] for k in ("id", "due", "due_effective", "legal_limit", "due_state")}
            for r in json.loads(out)]


def test_the_recorded_approval_moves_the_next_review(cli):
    assert cli("sync") == (0, "new 2, changed 0, cancelled 0, unchanged 0\n", "")
    assert _planned(cli, "564") == [
        {"id": REVIEW_2026, "due": "2026-06-01", "due_effective": "2026-06-01",
         "legal_limit": "2026-06-01", "due_state": "dated"}]
    cli("step", "set", REVIEW_2026, "prepared-in-cooperation", "done", "--by", "Coordinator")
    code, _, err = cli("step", "set", REVIEW_2026, "council", "done",
                         "--evidence", "https://www.ouka.fi/poytakirjat/kv-15-9-2026",
                         "--decided-on", "2026-09-15", "--by", "Coordinator")
    assert (code, err) == (0, "")
    # Four years from the decision: 15.9.2030, a Sunday, decided by Friday 13.9.2030.
    assert _planned(cli, "564") == [
        {"id": f"{PLAN}.m564.2030", "due": "2030-09-15", "due_effective": "2030-09-13",
         "legal_limit": "2030-09-15", "due_state": "dated"}]
    # The new review is written; the one the decision closed stays, done, as it was.
    assert cli("sync") == (0, "new 1, changed 0, cancelled 0, unchanged 1\n", "")
    code, out, _ = cli("status", "--municipality", "564", "--to", "2033-12-31",
                       "--format", "json")
    stored = {r["id"]: r for r in json.loads(out)}
    assert sorted(stored) == [REVIEW_2026, f"{PLAN}.m564.2030"]
    assert [(s["step"], s["status"]) for s in stored[REVIEW_2026]["steps"]][:2] == [
        ("prepared-in-cooperation", "done"), ("council", "done")]
    assert stored[f"{PLAN}.m564.2030"]["legal_limit"] == "2030-09-15"
    assert cli("sync") == (0, "new 0, changed 0, cancelled 0, unchanged 2\n", "")


def test_a_decision_within_the_year_redates_the_review_and_sync_counts_a_change(cli):
    cli("sync")
    cli("step", "set", REVIEW_2026, "prepared-in-cooperation", "done", "--by", "Coordinator")
    # The configuration was a guess: the council approved the plan on 30.11.2022.
    cli("step", "set", REVIEW_2026, "council", "done", "--decided-on", "2022-11-30",
        "--by", "Coordinator")
    assert cli("sync") == (0, "new 0, changed 1, cancelled 0, unchanged 1\n", "")
    _, out, _ = cli("status", "--municipality", "564", "--format", "json")
    (record,) = json.loads(out)
    assert (record["id"], record["due_effective"], record["legal_limit"]) == (
        REVIEW_2026, "2026-11-30", "2026-11-30")


def test_unknown_last_approval_in_json_csv_and_table(cli, database_url):
    assert _planned(cli, "425") == [
        {"id": None, "due": None, "due_effective": None, "legal_limit": None,
         "due_state": "last_approval_unknown"}]
    _, out, _ = cli("plan", "--municipality", "425", "--format", "csv")
    assert out.splitlines()[1].endswith(",,last_approval_unknown")
    _, out, _ = cli("plan", "--municipality", "425")
    assert out.splitlines()[2].split() == [
        "–", "–", "Child", "and", "youth", "welfare", "plan", "Liminka", "–", "last", "approval",
        "unknown"]
    if database_url.startswith("sqlite:///"):
        assert not Path(database_url.removeprefix("sqlite:///")).exists(), "plan made a store"
    # Nothing of it is in the store: no reminder, escalation or overdue state can arise.
    cli("sync")
    _, out, _ = cli("status", "--municipality", "425", "--format", "json")
    assert json.loads(out) == []


@pytest.mark.parametrize(("lang", "heading", "every"), [
    ("fi", "Viimeisin hyväksyminen ei tiedossa", "tarkistetaan vähintään 4 vuoden välein"),
    ("sv", "Senaste godkännandet okänt", "ses över minst vart 4:e år"),
    ("en", "Last approval unknown", "reviewed at least every 4 years")])
def test_the_municipality_page_lists_what_has_no_known_approval(cli, lang, heading, every):
    """Liminka's plan has no date, so no duty: its page says so; Oulu's has one, so not."""
    import asyncio

    import httpx

    from web.server import create

    cli("sync")
    app = create()

    async def page(code: str) -> str:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://testserver") as client:
            response = await client.get(f"/municipality/{code}?lang={lang}")
            assert response.status_code == 200
            return response.text

    try:
        liminka, oulu = asyncio.run(page("425")), asyncio.run(page("564"))
    finally:
        app.pages.site.engine.dispose()
    section = liminka[liminka.index('id="unknown-approval-heading"'):]
    section = section[:section.index("</section>")]
    assert heading in section
    assert every in section
    assert ("Limingo" if lang == "sv" else "Liminka") in section
    assert "unknown-approval-heading" not in oulu, "Oulu's and the county's are configured"
