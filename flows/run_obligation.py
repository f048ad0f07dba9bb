"""One obligation for every municipality–county pair: plan, sync, feed, reminders, status.

Every obligation definition has a deployment of this flow (generated into prefect.yaml by
`yhdyspinta deployments generate`). A run fans out by county, never by occurrence: a
Prefect task costs milliseconds, and there are thousands of occurrences but 22 organisers.
It publishes, per county, a table artifact of pairs × steps with status and effective
dates, and one markdown artifact of what is overdue. Re-running changes nothing: the sync
writes only differences, the feed files are replaced whole, and a notice already queued is
never queued again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote

from app import planning, publish, reminders, status
from app.inputs import Inputs, load_inputs
from app.store import store
from calendars.schedule import Occurrence, PlanWindow
from obligations.lang import Lang
from yhdyspinta import clock
from yhdyspinta.settings import Settings

T = TypeVar("T")


def as_is(value: T) -> T:
    """Hand a big value to a task as it is: Prefect need not look inside it for futures."""
    return cast(T, quote(value))


def _run_name() -> str:
    """`annual-report 2026`: the obligation and the period the run is about."""
    parameters: dict[str, Any] = flow_run.parameters or {}
    obligation = str(parameters.get("obligation", "obligation"))
    given = parameters.get("today")
    if isinstance(given, str):
        given = date.fromisoformat(given)
    settings = Settings()
    today = clock.today(given or settings.today)
    try:
        definition = load_inputs(settings).definition(obligation)
    except (KeyError, ValueError):
        return obligation
    return f"{obligation} {planning.period_label(definition, today)}"


@task(name="plan-county", retries=1, cache_policy=NO_CACHE)
def plan_county(inputs: Inputs, window: PlanWindow, region: str,
                obligation: str) -> tuple[Occurrence, ...]:
    """The county's occurrences of the obligation."""
    return planning.plan_county(inputs, window, region, frozenset({obligation}))


@task(name="sync-obligation", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def sync_obligation(inputs: Inputs, occurrences: list[Occurrence], window: PlanWindow,
                    obligation: str, today: date) -> dict[str, int]:
    """Upsert the obligation's occurrences of the whole country (one transaction)."""
    with store(inputs.settings) as engine:
        report = planning.sync_occurrences(engine, inputs.definitions, occurrences, window,
                                           frozenset({obligation}), today)
    return planning.counts(report)


@task(name="publish-feed", retries=2, retry_delay_seconds=10, cache_policy=NO_CACHE)
def publish_feed(inputs: Inputs, obligation: str, outdir: str, today: date) -> int:
    """The obligation's national feed in every language."""
    with store(inputs.settings, check_schema=False) as engine:
        return publish.write_feeds(engine, inputs,
                                   publish.obligation_feed_specs(inputs, obligation),
                                   Path(outdir), today)


@task(name="queue-reminders", retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE)
def queue_reminders(inputs: Inputs, obligation: str, today: date) -> dict[str, int]:
    """The obligation's reminders and escalations of today, into the outbox."""
    with store(inputs.settings) as engine:
        return reminders.queue_reminders(engine, inputs, today, frozenset({obligation}))


@task(name="county-status", retries=1, cache_policy=NO_CACHE)
def county_status(inputs: Inputs, obligation: str, region: str, today: date,
                  window: PlanWindow, lang: Lang) -> status.CountyStatus:
    """The county's table of pairs × steps, published as an artifact."""
    with store(inputs.settings, check_schema=False) as engine:
        result = status.county_status(engine, inputs, obligation, region, today, window, lang)
    if result.rows:
        create_table_artifact(key=f"{obligation}-status-{region}", table=result.rows,
                              description=f"{obligation}: {region}")
    return result


@flow(name="run_obligation", flow_run_name=_run_name, log_prints=True)
def run_obligation(obligation: str, today: date | None = None,
                   feeds_dir: str | None = "var/export", lang: Lang = "fi") -> dict[str, Any]:
    """Plan, sync, publish the feed, queue reminders and report the status of one duty.

    `lang` is the language of the status artifacts (names of parties and steps, headings).
    """
    logger = get_run_logger()
    settings = Settings()
    day = clock.today(today or settings.today)
    inputs = load_inputs(settings)
    definition = inputs.definition(obligation)
    window = planning.sync_window(day)
    regions = [region.code for region in inputs.registry.regions]
    shared, span = as_is(inputs), as_is(window)
    planned = plan_county.map(shared, span, regions, obligation).result()
    occurrences = [occurrence for county in planned for occurrence in county]
    synced = sync_obligation(shared, as_is(occurrences), span, obligation, day)
    logger.info("%s: %d occurrences; sync %s", obligation, len(occurrences), synced)
    files = publish_feed(shared, obligation, feeds_dir, day) if feeds_dir else 0
    queued = queue_reminders(shared, obligation, day)
    statuses = county_status.map(shared, obligation, regions, day, span, lang).result()
    period = planning.period_label(definition, day)
    create_markdown_artifact(key=f"{obligation}-overdue",
                             markdown=status.overdue_markdown(definition, period, day, statuses,
                                                              lang),
                             description=f"{obligation}: overdue steps")
    overdue = sum(len(county.overdue) for county in statuses)
    logger.info("%s: %d overdue steps", obligation, overdue)
    return {"occurrences": len(occurrences), "sync": synced, "feed_files": files,
            "reminders": queued, "overdue": overdue}


if __name__ == "__main__":
    import sys

    run_obligation(sys.argv[1] if len(sys.argv) > 1 else "hyte-annual-report-municipality")
