"""Nightly: plan every obligation, upsert the plan into the status store, export the feeds.

Orchestration only: each task calls one step of the core. Re-running with the same inputs
changes nothing (the sync writes nothing when nothing changed; the export replaces the
previous one whole). The statutory dates come from our engine, never from a schedule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task

from yhdyspinta.settings import Settings


@task(name="plan-and-sync", retries=2, retry_delay_seconds=10)
def plan_and_sync(settings: Settings, today: date) -> dict[str, int]:
    """Plan the current and the next council term and upsert them (one transaction)."""
    from calendars.schedule import PlanWindow, plan
    from calendars.terms import Body, term_containing
    from calendars.workdays import finnish_non_working_days
    from obligations.loader import load_configuration, load_definitions
    from obligations.parties import load_registry
    from state.db import ensure_schema, make_engine
    from state.sync import definition_fingerprints, sync_plan

    definitions = load_definitions(settings.definitions_dir)
    registry = load_registry(settings.registry_dir, year=settings.registry_year)
    configuration = load_configuration(settings.config_dir, definitions, registry)
    term = term_containing(Body.REGIONAL_COUNCIL, today)
    if term is None:
        raise ValueError(f"no council term known for {today.isoformat()}")
    following = term_containing(Body.REGIONAL_COUNCIL, date(term.end.year, 6, 1)) or term
    window = PlanWindow(term.start, following.end)
    occurrences = plan(definitions, registry, finnish_non_working_days(*window.years_needed),
                       window, configuration)
    engine = make_engine(settings.effective_database_url)
    try:
        ensure_schema(engine)
        report = sync_plan(engine, occurrences, definition_fingerprints(definitions),
                           window=window, obligations=None, now=datetime.now(UTC), today=today)
    finally:
        engine.dispose()
    return {"new": report.new, "changed": report.changed, "cancelled": report.cancelled,
            "unchanged": report.unchanged}


@task(name="export-feeds", retries=2, retry_delay_seconds=10)
def export_feeds(settings: Settings, today: date, outdir: Path,
                 region: str | None) -> dict[str, int]:
    """Render the feeds from the store and replace the previous export whole."""
    from obligations.loader import load_definitions
    from obligations.parties import load_registry
    from state.db import make_engine
    from yhdyspinta.publish import build_renderer, export, feeds_of_region

    definitions = load_definitions(settings.definitions_dir)
    registry = load_registry(settings.registry_dir, year=settings.registry_year)
    engine = make_engine(settings.effective_database_url)
    try:
        renderer, catalogue = build_renderer(engine, settings, definitions, registry, today)
        if region is not None:
            catalogue = feeds_of_region(catalogue, registry, region)
        report = export(outdir, renderer, catalogue, settings.public_url)
    finally:
        engine.dispose()
    return {"feeds": report.feeds, "files": report.files}


@flow(name="sync_obligations", log_prints=True)
def sync_obligations(today: date | None = None, feeds_dir: str | None = None,
                     feeds_region: str | None = None) -> dict[str, dict[str, int]]:
    """Plan, sync and (when a folder is given) export the feeds."""
    settings = Settings()  # read once, at the flow's entry
    day = today or date.today()
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
