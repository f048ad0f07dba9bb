"""Two writers at once and kill -9 mid-sync, on SQLite (WAL) and PostgreSQL, with real processes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import text

from state.db import ensure_schema, make_engine

EXE = str(Path(sys.executable).parent / "yhdyspinta")
OCCURRENCE = "hyte-annual-report-municipality.m205.2026"
ROUNDS = 12


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "YHDYSPINTA_DATABASE_URL": database_url, "YHDYSPINTA_LANG": "en"}


def _sync(database_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, "sync", "--today", "2026-11-28", *extra],
                          env=_env(database_url), capture_output=True, text=True, check=False)


WRITER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from state.db import make_engine
    from state.models import StepStatus
    from state.steps import set_step_status
    url, step, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    engine = make_engine(url)
    for n in range(rounds):
        status = StepStatus.IN_PROGRESS if n % 2 == 0 else StepStatus.NOT_STARTED
        set_step_status(engine, "OCCURRENCE", step, status, by=step, now=datetime.now(UTC))
""").replace("OCCURRENCE", OCCURRENCE)


def test_two_writers_and_a_sync_at_once_lose_nothing(database_url):
    assert _sync(database_url, "--region", "20").returncode != 0  # sync takes no --region
    first = _sync(database_url)
    assert first.returncode == 0, first.stderr
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, database_url, step, str(ROUNDS)],
                         stderr=subprocess.PIPE, text=True)
        for step in ("data-compiled", "responsible-body")
    ]
    concurrent_sync = _sync(database_url)
    results = []
    for writer in writers:
        _, stderr = writer.communicate(timeout=300)
        results.append((writer.returncode, stderr))
    assert concurrent_sync.returncode == 0, concurrent_sync.stderr
    assert results == [(0, ""), (0, "")]
    engine = make_engine(database_url)
    with engine.connect() as connection:
        audit = connection.execute(text(
            "SELECT step, count(*) FROM audit_log GROUP BY step ORDER BY step")).all()
        revisions = connection.execute(text(
            "SELECT step, revision FROM step_status ORDER BY step")).all()
    assert [tuple(r) for r in audit] == [("data-compiled", ROUNDS), ("responsible-body", ROUNDS)]
    assert [tuple(r) for r in revisions] == [("data-compiled", ROUNDS),
                                             ("responsible-body", ROUNDS)]
    engine.dispose()


def _counts(database_url: str) -> tuple[int, int, int]:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        occurrences = connection.execute(text("SELECT count(*) FROM occurrence")).scalar_one()
        steps = connection.execute(text("SELECT count(*) FROM occurrence_step")).scalar_one()
        orphans = connection.execute(text(
            "SELECT count(*) FROM occurrence o WHERE NOT EXISTS "
            "(SELECT 1 FROM occurrence_step s WHERE s.occurrence_id = o.id)")).scalar_one()
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()
    return occurrences, steps, orphans


def test_kill_minus_nine_mid_sync_leaves_before_or_after(database_url):
    engine = make_engine(database_url)
    ensure_schema(engine)
    complete = None
    rng = random.Random(20261128)
    outcomes = set()
    for _ in range(4):
        with engine.begin() as connection:  # every kill interrupts a first, full sync
            connection.execute(text("DELETE FROM occurrence_step"))
            connection.execute(text("DELETE FROM occurrence"))
        process = subprocess.Popen([EXE, "sync", "--today", "2026-11-28"],
                                   env=_env(database_url), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        occurrences, steps, orphans = _counts(database_url)
        assert orphans == 0
        outcomes.add(occurrences)
        if occurrences:
            complete = (occurrences, steps)
    engine.dispose()
    finished = _sync(database_url)
    assert finished.returncode == 0, finished.stderr
    final = _counts(database_url)
    assert final[2] == 0
    assert outcomes <= {0, final[0]}
    if complete is not None:
        assert complete == final[:2]
