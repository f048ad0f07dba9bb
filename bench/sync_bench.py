"""Benchmark: the first sync of all of Finland for 1.6.2025–31.5.2033, then a second with
nothing changed, on SQLite and (when YHDYSPINTA_BENCH_POSTGRES_URL is set) PostgreSQL.

The figure is the ratio of the second sync to the first in the same run (target: at most
a fifth), with the rows the second one wrote (target: zero).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from datetime import date

import sqlalchemy as sa

from calendars.schedule import PlanWindow, plan
from calendars.workdays import finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import load_registry
from state.db import ensure_schema, make_engine
from state.sync import definition_fingerprints, sync_plan
from yhdyspinta import clock

WINDOW = PlanWindow(date(2025, 6, 1), date(2033, 5, 31))


def _rows(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(
            "SELECT id, revision, changed_at FROM occurrence ORDER BY id"))]


def run(url: str, label: str) -> None:
    definitions = load_definitions()
    occurrences = plan(definitions, load_registry(), finnish_non_working_days(
        *WINDOW.years_needed), WINDOW)
    fingerprints = definition_fingerprints(definitions)
    engine = make_engine(url)
    ensure_schema(engine)
    timings = []
    reports = []
    for attempt in range(2):
        started = time.perf_counter()
        reports.append(sync_plan(engine, occurrences, fingerprints, window=WINDOW,
                                 obligations=None, now=clock.now(),
                                 today=date(2026, 11, 28)))
        timings.append(time.perf_counter() - started)
        if attempt == 0:
            before = _rows(engine)
    unchanged = _rows(engine) == before
    print(f"{label:<11} first {timings[0]:6.2f} s ({reports[0].written} written)   "
          f"second {timings[1]:6.2f} s ({reports[1].written} written, rows identical: "
          f"{unchanged})   ratio {timings[1] / timings[0]:.2f}")
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{folder}/bench.db", "SQLite")
    server = os.environ.get("YHDYSPINTA_BENCH_POSTGRES_URL")
    if server:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            run(sa.engine.make_url(server).set(database=name).render_as_string(False),
                "PostgreSQL")
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        print("PostgreSQL: set YHDYSPINTA_BENCH_POSTGRES_URL to a server URL to include it",
              file=sys.stderr)


if __name__ == "__main__":
    main()
