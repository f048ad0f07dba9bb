"""The nightly flow, run by Prefect (a temporary local API from prefect_test_harness)."""

from __future__ import annotations

import json
import os
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
    # The shipped definitions with no configuration: the child and youth welfare plan, a
    # rolling duty, has no last approval known for any party, so none of it is stored.
    assert first["sync"]["new"] == 10312
    assert first["feeds"]["feeds"] == 116
    feed = (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8")
    assert "UID:hyte-annual-report-municipality.m205.2026@yhdyspinta.fi" in feed
    second = sync_obligations(today=date(2026, 11, 28), feeds_dir=str(tmp_path / "out"),
                              feeds_region="20")
    assert second["sync"] == {"new": 0, "changed": 0, "cancelled": 0, "unchanged": 10312}
    assert (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8") == feed
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM occurrence")).scalar_one() \
            == 10312
    engine.dispose()


def _budget_store_with_maija(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             delivery: str) -> None:
    """A SQLite store (the environment's) with the budget synced and Kajaani's coordinator."""
    from obligations.parties import load_registry
    from state.contacts import import_contacts, parse_contacts
    from state.db import ensure_schema
    from yhdyspinta.cli import main

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    assert main(["sync", "--today", "2026-11-28", "--obligation", "municipal-budget"]) == 0
    engine = make_engine(url)
    ensure_schema(engine)
    import_contacts(engine, parse_contacts(
        "party,role,name,email,teams,language,delivery\n"
        f"205,coordinator,Maija Meikäläinen,maija@kajaani.fi,,fi,{delivery}\n",
        "contacts.csv", load_registry()))
    engine.dispose()


def test_reminder_flow_sends_on_a_working_day_and_a_rerun_sends_nothing(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.send_reminders import send_reminders
    from tests.receivers import SmtpServer

    _budget_store_with_maija(tmp_path, monkeypatch, "digest")
    smtp = SmtpServer()
    smtp.start()
    try:
        monkeypatch.setenv("YHDYSPINTA_SMTP_URL", smtp.url())
        def run(day: date | None = None) -> dict[str, dict[str, int]]:
            result = send_reminders(today=day, return_state=True).result()
            assert isinstance(result, dict)
            return result

        with monkeypatch.context() as day:  # the flow takes its day from the one clock too
            day.setenv("YHDYSPINTA_TODAY", "2026-12-05")  # a Saturday
            saturday = run()
        assert saturday["queued"]["working_day"] == 0
        assert smtp.sink.received == []
        first = run(date(2026, 12, 1))
        assert first["sent"] == {"sent": 1, "retrying": 0, "failed": 0}
        (mail,) = smtp.sink.received
        assert mail.message["Subject"].startswith("Yhdyspinta 1.12.2026: ")
        assert "Kunnan talousarvio ja -suunnitelma 2027 – Kajaani" in mail.part("text/plain")
        again = run(date(2026, 12, 1))
        assert again["queued"]["messages"] == 0
        assert again["sent"]["sent"] == 0
        assert again["queued"]["already_queued"] >= 1
        assert len(smtp.sink.received) == 1
    finally:
        smtp.stop()


def test_reminder_flow_without_an_email_server_says_so_in_its_state(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.send_reminders import send_reminders

    monkeypatch.delenv("YHDYSPINTA_SMTP_URL", raising=False)
    _budget_store_with_maija(tmp_path, monkeypatch, "single")
    state = send_reminders(today=date(2026, 12, 1), return_state=True)
    assert state.is_completed()
    assert state.name == "Completed with warnings"
    result = state.result()
    assert isinstance(result, dict)
    missed = result["queued"]["no_email_server"]
    assert missed >= 1
    assert state.message == (f"not sent: {missed} email notices, because no email server is "
                             "configured (YHDYSPINTA_SMTP_URL)")
    assert result["queued"]["messages"] == 0


def _artifacts(prefix: str) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(like_=prefix)))
    return {str(a.key): a.data for a in found}


def test_an_obligation_flow_syncs_publishes_and_reports_per_county(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.run_obligation import run_obligation

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    obligation = "hyte-annual-report-region"
    first = run_obligation(obligation, today=date(2026, 12, 1), feeds_dir=str(tmp_path / "out"))
    assert first["sync"]["new"] == first["occurrences"] > 0
    feed = tmp_path / "out" / "feeds" / f"obligation-{obligation}.sv.ics"
    assert "BEGIN:VEVENT" in feed.read_text(encoding="utf-8")
    artifacts = _artifacts(f"{obligation}-%")
    assert f"{obligation}-overdue" in artifacts
    tables = [key for key in artifacts if key.startswith(f"{obligation}-status-")]
    assert len(tables) == 21  # every county; Helsinki owes no county duty
    rows = json.loads(str(artifacts[f"{obligation}-status-19"]))
    assert {row["party"] for row in rows} == {"Pohjois-Pohjanmaan hyvinvointialue"}
    assert {"period", "step", "status", "due", "effective"} <= set(rows[0])
    again = run_obligation(obligation, today=date(2026, 12, 1), feeds_dir=str(tmp_path / "out"))
    assert again["sync"]["new"] == again["sync"]["changed"] == 0
    assert again["reminders"]["messages"] == 0


def test_a_council_decision_is_asked_for_and_recorded_with_its_evidence(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from prefect import resume_flow_run
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState
    from prefect.client.schemas.filters import FlowRunFilterStateName as StateName

    from flows.record_decision import record_decision
    from state.audit import audit_trail, evidence_for
    from yhdyspinta.cli import main

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    assert main(["sync", "--today", "2026-11-28", "--obligation",
                 "hyte-annual-report-municipality"]) == 0
    occurrence = "hyte-annual-report-municipality.m905.2026"
    outcome: dict[str, object] = {}
    runner = threading.Thread(target=lambda: outcome.update(
        record_decision(occurrence, "council", wait_hours=0.05)))
    runner.start()
    paused = None
    deadline = time.monotonic() + 60
    with get_client(sync_client=True) as client:
        while paused is None and time.monotonic() < deadline:
            runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(name=StateName(any_=["Paused"]))))
            paused = next((run for run in runs if run.parameters.get("occurrence")
                           == occurrence), None)
            time.sleep(0.5)
    assert paused is not None, "the flow never paused for input"
    resume_flow_run(paused.id, run_input={
        "status": "done", "decided_by": "Vasa stadsfullmäktige",
        "decided_on": "2026-12-14", "section": "112",
        "evidence_url": "https://www.vaasa.fi/protokoll/2026-12-14", "recorded_by": "Anna"})
    runner.join(timeout=60)
    assert outcome == {"old": "not_started", "new": "done"}
    engine = make_engine(url)
    (evidence,) = evidence_for(engine, occurrence)
    assert (evidence.decided_by, evidence.section) == ("Vasa stadsfullmäktige", "112")
    assert [entry.actor for entry in audit_trail(engine, occurrence)][-1] == "Anna"
    engine.dispose()
    # Asked again, the closed step is not asked about twice.
    assert record_decision(occurrence, "council") == {"old": "done", "new": "done"}


def test_publish_calendars_writes_only_when_the_store_changed(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.publish_calendars import publish_calendars
    from yhdyspinta.cli import main

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", url)
    assert main(["sync", "--today", "2026-11-28", "--obligation", "municipal-budget"]) == 0
    out = str(tmp_path / "out")
    first = publish_calendars(feeds_dir=out, today=date(2026, 11, 28), region="20")
    assert first["feeds"] > 0
    assert publish_calendars(feeds_dir=out, today=date(2026, 11, 28), region="20") == {
        "feeds": 0, "files": 0}
    assert main(["step", "set", "municipal-budget.m205.2027", "board-proposal", "done",
                 "--by", "Maija"]) == 0
    third = publish_calendars(feeds_dir=out, today=date(2026, 11, 28), region="20")
    assert third["feeds"] == first["feeds"]
    feed = (tmp_path / "out" / "feeds" / "pair-205.ics").read_text(encoding="utf-8")
    # The default feed has no VTODO: the done step is checked in its duty's checklist.
    import icalendar

    duty = next(c for c in icalendar.Calendar.from_ical(feed).walk("VEVENT")
                if str(c["uid"]) == "municipal-budget.m205.2027@yhdyspinta.fi")
    assert "[x] " in str(duty["description"])


def _nightly(data_dir: Path) -> tuple[list[str], dict[str, str]]:
    """`yhdyspinta nightly` for Kainuu, and an environment of ours with only its data folder."""
    import shutil
    import sys

    exe = shutil.which("yhdyspinta", path=str(Path(sys.executable).parent)) or "yhdyspinta"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PREFECT_", "YHDYSPINTA_"))}
    env["YHDYSPINTA_DATA_DIR"] = str(data_dir)
    return [exe, "nightly", "--today", "2026-11-28", "--region", "20", "--lang", "en"], env


def test_the_main_command_runs_the_nightly_job_through_prefect_with_nothing_started(
    tmp_path: Path,
) -> None:
    """`yhdyspinta nightly` (what `make run` runs) in a fresh process: ephemeral Prefect."""
    import subprocess

    run, env = _nightly(tmp_path / "var")
    first = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == ("Nightly job done (Prefect, sqlite): new 10312, changed 0, "
                        "cancelled 0, unchanged 0.")
    assert lines[1].endswith("/var/export/feeds/index.html (116 feeds)")
    assert lines[2].endswith("/var/export/status.csv")
    report = (tmp_path / "var" / "export" / "status.csv").read_text(encoding="utf-8")
    assert report.startswith("id,name,party_name,due_effective,legal_limit,days_late,"
                             "days_past_limit,")
    assert "hyte-annual-report-municipality.m205.2026" in report
    assert (tmp_path / "var" / "prefect" / "prefect.db").exists()
    second = subprocess.run(run, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "new 0, changed 0, cancelled 0, unchanged 10312" in second.stdout


def test_a_nightly_run_killed_midway_and_run_again_ends_as_one_clean_run(
    tmp_path: Path,
) -> None:
    import random
    import re
    import signal
    import subprocess
    import time

    run = _nightly(tmp_path)[0]

    def env(name: str) -> dict[str, str]:
        return _nightly(tmp_path / name)[1]

    clean = subprocess.run(run, env=env("clean"), capture_output=True, text=True, timeout=600)
    assert clean.returncode == 0, clean.stderr
    # Kill the other one at a random moment after its flow has started working.
    victim = subprocess.Popen(run, env=env("killed"), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    prefect_db = tmp_path / "killed" / "prefect" / "prefect.db"
    deadline = time.monotonic() + 300
    while not prefect_db.exists() and victim.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    time.sleep(random.Random(20261128).uniform(2.0, 8.0))
    killed = victim.poll() is None
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    again = subprocess.run(run, env=env("killed"), capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr

    def store(name: str) -> list[tuple[object, ...]]:
        engine = make_engine(f"sqlite:///{tmp_path / name / 'yhdyspinta.db'}")
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT id, content_hash, lifecycle, revision, due_effective FROM occurrence "
                "ORDER BY id")).all()
        engine.dispose()
        return [tuple(row) for row in rows]

    def feeds(name: str) -> dict[str, set[str]]:
        folder = tmp_path / name / "export" / "feeds"
        return {path.name: set(re.findall(r"^UID:(.*)$", path.read_text(encoding="utf-8"),
                                          re.MULTILINE))
                for path in folder.glob("*.ics")}

    assert store("killed") == store("clean")
    assert feeds("killed") == feeds("clean")
    assert len(feeds("clean")) > 100
    print(f"killed mid-run: {killed}")
