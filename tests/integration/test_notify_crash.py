"""kill -9 of the dispatcher at random points: no message lost, at most one repeat per crash
per sending worker. Real processes (the `yhdyspinta remind` command), a real SMTP server."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from notify.compose import Message
from notify.outbox import enqueue
from notify.plan import Channel, Contact
from state.contacts import import_contacts, parse_contacts
from state.db import ensure_schema, make_engine
from tests.receivers import SmtpServer

EXE = shutil.which("yhdyspinta", path=str(Path(sys.executable).parent)) or "yhdyspinta"
MESSAGES = 240


def _queue(database_url: str, registry) -> list[str]:
    """A full outbox: MESSAGES single messages to 12 contacts of Vaasa."""
    engine = make_engine(database_url)
    ensure_schema(engine)
    rows = "".join(f"905,coordinator,Person {n},person{n}@vasa.fi,,sv,single\n"
                   for n in range(12))
    import_contacts(engine, parse_contacts(
        "party,role,name,email,teams,language,delivery\n" + rows, "contacts.csv", registry))
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(text("SELECT id FROM contact ORDER BY id"))]
    messages = []
    for n in range(MESSAGES):
        contact = Contact(id=ids[n % len(ids)], party="m905", role="coordinator",
                          name=f"Person {n % len(ids)}", language="sv", delivery="single",
                          channels=(Channel.EMAIL,))
        key = f"occurrence-{n}|step|reminder-7|c{contact.id}|email|2026-12-01"
        messages.append(Message(
            key=key, contact=contact, channel=Channel.EMAIL, notice_keys=(key,),
            occurrence_ids=(f"occurrence-{n}",), subject=f"Påminnelse {n}",
            text=f"Hej {n}", html=f"<p>Hej {n} – åäö</p>", card={}, ics=None, lang="sv",
            summary=()))
    enqueue(engine, messages)
    engine.dispose()
    return [m.key for m in messages]


def _env(database_url: str, smtp: SmtpServer, workers: int) -> dict[str, str]:
    return {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url,
            "YHDYSPINTA_SMTP_URL": smtp.url(), "YHDYSPINTA_NOTIFY_WORKERS": str(workers),
            "YHDYSPINTA_NOTIFY_LEASE_SECONDS": "0", "YHDYSPINTA_NOTIFY_WAIT_SECONDS": "0",
            "YHDYSPINTA_NOTIFY_RETRY_SECONDS": "0"}


@pytest.mark.parametrize(("workers", "crashes"), [(1, 14), (4, 6)])
def test_kill_minus_nine_loses_nothing_and_repeats_at_most_one_per_worker(
        tmp_path, registry, workers, crashes):
    database_url = f"sqlite:///{tmp_path / 'store.db'}"
    smtp = SmtpServer()
    smtp.start()
    try:
        keys = _queue(database_url, registry)
        env = _env(database_url, smtp, workers)
        chance = random.Random(20261201 + workers)
        kills = 0
        for _ in range(crashes):
            before = len(smtp.sink.received)
            process = subprocess.Popen([EXE, "remind", "--today", "2026-12-01"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 60
            while len(smtp.sink.received) == before and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.005)
            time.sleep(chance.uniform(0, 0.4))  # somewhere in the middle of sending
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=30)
        assert kills >= crashes - 1, "the runs finished before they could be killed"
        final = subprocess.run([EXE, "remind", "--today", "2026-12-01"], env=env,
                               capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stdout + final.stderr
        received = smtp.sink.received_keys()
        assert set(received) == set(keys)  # nothing lost
        repeats = len(received) - len(set(received))
        assert repeats <= kills * workers
        engine = make_engine(database_url)
        with engine.connect() as connection:
            states: dict[str, int] = dict(connection.execute(
                text("SELECT state, count(*) FROM outbox GROUP BY state")).all())
        engine.dispose()
        assert states == {"sent": MESSAGES}
        print(f"workers={workers}: {kills} kills, {repeats} repeated, {len(received)} received")
    finally:
        smtp.stop()


def test_the_saturday_run_sends_nothing_even_with_a_full_outbox(tmp_path, registry):
    """Pending messages wait for the next working morning."""
    database_url = f"sqlite:///{tmp_path / 'store.db'}"
    smtp = SmtpServer()
    smtp.start()
    try:
        _queue(database_url, registry)
        result = subprocess.run([EXE, "remind", "--today", date(2026, 12, 5).isoformat()],
                                env=_env(database_url, smtp, 1), capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0
        assert smtp.sink.received == []
    finally:
        smtp.stop()
