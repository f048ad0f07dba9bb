"""Nightly: plan every obligation, upsert the plan into the status store, export the feeds.

Orchestration only: each task calls one function of the application layer (`app/`).
Re-running with the same inputs changes nothing (the sync writes nothing when nothing
changed; the export replaces the previous one whole). The statutory dates come from our
engine, never from a schedule.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.publish_calendars import export_feeds
from yhdyspinta import clock
from yhdyspinta.settings import Settings


@task(name="plan-and-sync", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def plan_and_sync(settings: Settings, today: date) -> dict[str, int]:
    """Plan the current and the next council term and upsert them (one transaction)."""
    from app.inputs import load_inputs
    from app.planning import counts, plan_and_sync
    from app.store import store

    inputs = load_inputs(settings)
    with store(settings) as engine:
        _, report = plan_and_sync(engine, inputs, today)
    return counts(report)


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
        result["feeds"] = export_feeds(settings, Path(feeds_dir), day, feeds_region)
        logger.info("feeds: %s", result["feeds"])
    return result


if __name__ == "__main__":
    sync_obligations()
