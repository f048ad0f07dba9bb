"""Each working morning: queue today's reminders and escalations, then send the outbox.

Orchestration only. Re-running is harmless: a notice already queued is never queued again
and a sent message is never sent again (see notify/outbox.py). On a non-working day the
flow does nothing; what fell on it goes out on the next working morning.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task

from yhdyspinta import clock
from yhdyspinta.settings import Settings


@task(name="queue-reminders", retries=2, retry_delay_seconds=30)
def queue_reminders(settings: Settings, today: date) -> dict[str, int]:
    """Plan today's notices from the store and queue the messages (one transaction)."""
    from yhdyspinta import jobs

    return jobs.queue_reminders(jobs.load_inputs(settings), today)


@task(name="dispatch-outbox", retries=2, retry_delay_seconds=60)
def dispatch_outbox(settings: Settings) -> dict[str, int]:
    """Send what is due in the outbox, retrying failures for a while."""
    from state.db import make_engine
    from yhdyspinta.reminders import send

    engine = make_engine(settings.effective_database_url)
    try:
        report = send(engine, settings)
    finally:
        engine.dispose()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@flow(name="send_reminders", log_prints=True)
def send_reminders(today: date | None = None) -> dict[str, dict[str, int]]:
    """Queue and send today's reminders (today in Helsinki unless given)."""
    settings = Settings()
    day = clock.today(today or settings.today)
    logger = get_run_logger()
    queued = queue_reminders(settings, day)
    logger.info("queued: %s", queued)
    if not queued["working_day"]:
        logger.info("%s is not a working day: nothing is sent", day.isoformat())
        return {"queued": queued, "sent": {"sent": 0, "retrying": 0, "failed": 0}}
    sent = dispatch_outbox(settings)
    logger.info("sent: %s", sent)
    if sent["failed"]:
        raise RuntimeError(f"{sent['failed']} messages failed for good; see "
                           "`yhdyspinta outbox list --state failed`")
    return {"queued": queued, "sent": sent}


if __name__ == "__main__":
    send_reminders()
