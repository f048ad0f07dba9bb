"""Nightly: plan every obligation, upsert the plan into the status store, export the feeds.

Orchestration only: each task calls one step of the core. Re-running with the same inputs
changes nothing (the sync writes nothing when nothing changed; the export replaces the
previous one whole). The statutory dates come from our engine, never from a schedule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from yhdyspinta import clock
from yhdyspinta.settings import Settings


@task(name="plan-and-sync", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def plan_and_sync(settings: Settings, today: date) -> dict[str, int]:
    """Plan the current and the next council term and upsert them (one transaction)."""
    from calendars.schedule import plan
    from yhdyspinta import jobs

    inputs = jobs.load_inputs(settings)
    window = jobs.sync_window(today)
    occurrences = plan(inputs.definitions, inputs.registry, jobs.non_working_days_for(window),
                       window, inputs.configuration)
    return jobs.sync_occurrences(inputs, occurrences, window, None, today)


@task(name="export-feeds", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def export_feeds(settings: Settings, today: date, outdir: Path,
                 region: str | None) -> dict[str, int]:
    """Render the feeds from the store and replace the previous export whole."""
    from yhdyspinta import jobs

    return jobs.export_all(jobs.load_inputs(settings), outdir, today, region)


@flow(name="sync_obligations", log_prints=True)
def sync_obligations(today: date | None = None, feeds_dir: str | None = None,
                     feeds_region: str | None = None) -> dict[str, dict[str, int]]:
    """Plan, sync and (when a folder is given) export the feeds (`today`: the clock's)."""
    settings = Settings()  # read once, at the flow's entry
    day = clock.today(today or settings.today)
    logger = get_run_logger()
    synced = plan_and_sync(settings, day)
    logger.info("sync: %s", synced)
    result = {"sync": synced}
    if feeds_dir:
        result["feeds"] = export_feeds(settings, day, Path(feeds_dir), feeds_region)
        logger.info("feeds: %s", result["feeds"])
    return result


if __name__ == "__main__":
    sync_obligations()
