"""The nightly flow, run by Prefect (a temporary local API from prefect_test_harness)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from state.db import make_engine


def test_nightly_flow_syncs_and_exports_and_a_rerun_changes_nothing(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.sync_obligations import sync_obligations

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    first = sync_obligations(today=date(2026, 11, 28), feeds_dir=str(tmp_path / "out"),
                             feeds_region="20")
    assert first["sync"]["new"] == 10310
    assert first["feeds"]["feeds"] == 116
    feed = (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8")
    assert "UID:hyte-annual-report-municipality.m205.2026@yhdyspinta.fi" in feed
    second = sync_obligations(today=date(2026, 11, 28), feeds_dir=str(tmp_path / "out"),
                              feeds_region="20")
    assert second["sync"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 10310}
    assert (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8") == feed
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM occurrence")).scalar_one() \
            == 10310
    engine.dispose()


def test_reminder_flow_sends_on_a_working_day_and_a_rerun_sends_nothing(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.send_reminders import send_reminders
    from obligations.parties import load_registry
    from state.contacts import import_contacts, parse_contacts
    from state.db import ensure_schema
    from tests.receivers import SmtpServer
    from yhdyspinta.cli import main

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    assert main(["sync", "--today", "2026-11-28", "--obligation", "municipal-budget"]) == 0
    engine = make_engine(url)
    ensure_schema(engine)
    import_contacts(engine, parse_contacts(
        "party,role,name,email,teams,language,delivery\n"
        "205,coordinator,Maija Meikäläinen,maija@kajaani.fi,,fi,digest\n",
        "contacts.csv", load_registry()))
    engine.dispose()
    smtp = SmtpServer()
    smtp.start()
    try:
        monkeypatch.setenv("YHDYSPINTA_SMTP_URL", smtp.url())
        saturday = send_reminders(today=date(2026, 12, 5))
        assert saturday["queued"]["working_day"] == 0
        assert smtp.sink.received == []
        first = send_reminders(today=date(2026, 12, 1))
        assert first["sent"] == {"sent": 1, "retrying": 0, "failed": 0}
        (mail,) = smtp.sink.received
        assert mail.message["Subject"].startswith("Yhdyspinta 1.12.2026: ")
        assert "Kunnan talousarvio ja -suunnitelma 2027 – Kajaani" in mail.part("text/plain")
        again = send_reminders(today=date(2026, 12, 1))
        assert again["queued"]["messages"] == 0
        assert again["sent"]["sent"] == 0
        assert len(smtp.sink.received) == 1
    finally:
        smtp.stop()
