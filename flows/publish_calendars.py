"""Re-render and export the feeds when the store has changed (a step ticked off, a sync).

Orchestration only: the tasks call the application layer (`app.publish`). Scheduled every
quarter hour in working hours; a run that finds the store as it was at the last export
writes nothing, so re-running is harmless.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from yhdyspinta import clock
from yhdyspinta.settings import Settings


@task(name="export-is-current", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def export_is_current(settings: Settings, outdir: Path, today: date,
                      region: str | None) -> bool:
    """Whether the last export already shows the store as it is."""
    from app import publish
    from app.store import store

    with store(settings, check_schema=False) as engine:
        return publish.export_is_current(engine, outdir, today, region)


@task(name="export-feeds", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def export_feeds(settings: Settings, outdir: Path, today: date,
                 region: str | None) -> dict[str, int]:
    """Every feed in every language, replacing the previous export whole."""
    from app.inputs import load_inputs
    from app.publish import export_all
    from app.store import store

    inputs = load_inputs(settings)
    with store(settings, check_schema=False) as engine:
        report = export_all(engine, inputs, outdir, today, region)
    return {"feeds": report.feeds, "files": report.files}


@flow(name="publish_calendars", log_prints=True)
def publish_calendars(feeds_dir: str = "var/export", today: date | None = None,
                      region: str | None = None, force: bool = False) -> dict[str, int]:
    """Export the feeds if the store changed since the last export (or when forced)."""
    settings = Settings()
    day = clock.today(today or settings.today)
    outdir = Path(feeds_dir)
    logger = get_run_logger()
    if not force and export_is_current(settings, outdir, day, region):
        logger.info("the feeds in %s are current; nothing to do", outdir)
        return {"feeds": 0, "files": 0}
    report = export_feeds(settings, outdir, day, region)
    logger.info("exported %s to %s", report, outdir / "feeds")
    return report


if __name__ == "__main__":
    publish_calendars()
