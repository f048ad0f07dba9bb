"""Benchmark: what Prefect costs on top of the work, and why runs fan out by county.

1. The nightly job for all of Finland (plan, sync into a fresh SQLite store, export every
   feed) through the `sync_obligations` flow, against the same steps called as plain
   functions in the same process. Prefect's ephemeral server is started before timing
   (a warm-up flow), so its start is not counted. Target: Prefect's share at most 50 %.
2. One obligation's status step for every municipality (2,336 occurrences of the annual
   wellbeing report) fanned out by county (22 tasks, what `run_obligation` does) against a
   naive flow with one task per occurrence, in the same run.

Run: `make bench` or `.venv/bin/python bench/prefect_bench.py` (about two minutes).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

HOME = Path(tempfile.mkdtemp(prefix="yhdyspinta-prefect-bench-"))
os.environ.setdefault("PREFECT_HOME", str(HOME / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
(HOME / "prefect").mkdir(parents=True, exist_ok=True)

TODAY = date(2026, 11, 28)
OBLIGATION = "hyte-annual-report-municipality"


def _store(name: str) -> None:
    os.environ["YHDYSPINTA_DATABASE_URL"] = f"sqlite:///{HOME / name / 'store.db'}"


def plain_nightly(outdir: Path) -> float:
    from app.inputs import load_inputs
    from app.planning import plan_and_sync
    from app.publish import export_all
    from app.store import store
    from yhdyspinta.settings import Settings

    started = time.perf_counter()
    settings = Settings()
    inputs = load_inputs(settings)
    with store(settings) as engine:
        plan_and_sync(engine, inputs, TODAY)
        export_all(engine, inputs, outdir, TODAY)
    return time.perf_counter() - started


def prefect_nightly(outdir: Path) -> float:
    from flows.sync_obligations import sync_obligations

    started = time.perf_counter()
    sync_obligations(today=TODAY, feeds_dir=str(outdir))
    return time.perf_counter() - started


def fan_out(by_occurrence: bool) -> tuple[float, int]:
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    from app.inputs import load_inputs
    from app.planning import sync_window
    from app.status import county_status
    from app.store import store
    from flows.run_obligation import as_is
    from state.db import make_engine
    from state.queries import feed_view
    from yhdyspinta.settings import Settings

    inputs = load_inputs(Settings())
    window = sync_window(TODAY)

    @task(cache_policy=NO_CACHE)
    def county(region: str) -> int:
        with store(inputs.settings, check_schema=False) as engine:
            return len(county_status(engine, inputs, OBLIGATION, region, TODAY, window,
                                     "fi").rows)

    @task(cache_policy=NO_CACHE)
    def one(occurrence: object) -> int:
        steps = getattr(occurrence, "steps", ())
        return len([s for s in steps if s.due_effective < TODAY])

    @flow
    def by_county() -> int:
        regions = [r.code for r in inputs.registry.regions]
        return sum(county.map(regions).result())

    @flow
    def naive() -> int:
        engine = make_engine(inputs.settings.effective_database_url)
        view = feed_view(engine, start=window.start, end=window.end, today=TODAY,
                         keep_cancelled_days=0, obligations=frozenset({OBLIGATION}))
        engine.dispose()
        return len(one.map([as_is(o) for o in view]).result())

    started = time.perf_counter()
    count = naive() if by_occurrence else by_county()
    return time.perf_counter() - started, count


def main() -> None:
    from prefect import flow

    @flow
    def warm_up() -> None:
        return None

    warm_up()  # the ephemeral server starts here, outside the timings
    rounds = []
    for n in range(2):
        _store(f"plain-{n}")
        plain = plain_nightly(HOME / f"plain-{n}" / "export")
        _store(f"prefect-{n}")
        through = prefect_nightly(HOME / f"prefect-{n}" / "export")
        rounds.append((plain, through))
    plain, through = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print("nightly job, all of Finland (plan, first sync, export of every feed), best of 2")
    print(f"  plain functions  {plain:7.2f} s")
    share = 100 * (through - plain) / plain
    print(f"  through Prefect  {through:7.2f} s   Prefect's share {share:+.0f} %"
          "  (target <= +50 %)")
    county_time, _ = fan_out(by_occurrence=False)
    naive_time, occurrences = fan_out(by_occurrence=True)
    print(f"status of {OBLIGATION} for every party")
    print(f"  fan out by county      {county_time:7.2f} s   (22 tasks)")
    print(f"  one task per occurrence {naive_time:6.2f} s   ({occurrences} tasks)   "
          f"ratio {naive_time / county_time:.1f}x")
    time.sleep(3)  # let the ephemeral server record the last task runs before it stops


if __name__ == "__main__":
    main()
