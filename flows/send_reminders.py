"""Each working morning: queue today's reminders and escalations, then send the outbox.

Orchestration only: the tasks call `app.reminders`. Re-running is harmless: a notice
already queued is never queued again and a sent message is never sent again (see
notify/outbox.py). On a non-working day the flow does nothing; what fell on it goes out
on the next working morning.
"""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.client.schemas.objects import State
from prefect.states import Completed

from yhdyspinta import clock
from yhdyspinta.settings import Settings


@task(name="queue-reminders", retries=2, retry_delay_seconds=30)
def queue_reminders(settings: Settings, today: date) -> dict[str, int]:
    """Plan today's notices from the store and queue the messages (one transaction)."""
    from app.inputs import load_inputs
    from app.reminders import queue_reminders as queue
    from app.store import store

    inputs = load_inputs(settings)
    with store(settings) as engine:
        return queue(engine, inputs, today)


@task(name="dispatch-outbox", retries=2, retry_delay_seconds=60)
def dispatch_outbox(settings: Settings, today: date) -> dict[str, int]:
    """Send what is due in the outbox, retrying failures for a while.

    Nothing written for an earlier day goes out: its "days to go" would be wrong.
    """
    from app.reminders import send
    from app.store import store

    with store(settings, check_schema=False) as engine:
        report = send(engine, settings, today)
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@flow(name="send_reminders", log_prints=True)
def send_reminders(today: date | None = None) -> State[dict[str, dict[str, int]]]:
    """Queue and send today's reminders (today in Helsinki unless given).

    Email notices that could not go out for want of an SMTP server end the run as
    "Completed with warnings", so that the run's state, not only its log, says so.
    """
    settings = Settings()
    day = clock.today(today or settings.today)
    logger = get_run_logger()
    queued = queue_reminders(settings, day)
    logger.info("queued: %s", queued)
    if not queued["working_day"]:
        logger.info("%s is not a working day: nothing is sent", day.isoformat())
        return Completed(data={"queued": queued,
                               "sent": {"sent": 0, "retrying": 0, "failed": 0}})
    sent = dispatch_outbox(settings, day)
    logger.info("sent: %s", sent)
    if sent["failed"]:
        raise RuntimeError(f"{sent['failed']} messages failed for good; see "
                           "`yhdyspinta outbox list --state failed`")
    result = {"queued": queued, "sent": sent}
    if queued["no_email_server"]:
        warning = (f"not sent: {queued['no_email_server']} email notices, because no email "
                   "server is configured (YHDYSPINTA_SMTP_URL)")
        logger.warning(warning)
        return Completed(name="Completed with warnings", message=warning, data=result)
    return Completed(data=result)


if __name__ == "__main__":
    send_reminders()
