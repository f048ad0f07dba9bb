"""A human step: wait for a council decision typed into the Prefect UI, then record it.

The law needs a decision recorded (e.g. the council took note of the welfare report, with
its minutes). The flow checks the step in the store, waits for typed input
(`CouncilDecision`), and writes the status, the evidence and the audit entry in one
transaction. The truth stays in the store: run from a deployment the flow *suspends*
(no process is held while the council meets); run by hand it pauses. If the wait times
out nothing is lost: the step stays open, its reminders go on, and a new run asks again.
A step already closed is not asked about twice.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import pause_flow_run, suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import deployment
from pydantic import Field, HttpUrl

from obligations.lang import StepStatus
from yhdyspinta import clock
from yhdyspinta.settings import Settings


class CouncilDecision(RunInput):
    """What the council (or board) decided, as the minutes show it."""

    status: Literal["done", "waived", "not_applicable"] = Field(
        "done", description="done / tehty / klar")
    decided_by: str = Field(min_length=2, max_length=200,
                            description="Body that decided, e.g. Vaasan kaupunginvaltuusto")
    decided_on: date = Field(description="Date of the meeting")
    section: str | None = Field(None, max_length=40, description="§ of the minutes")
    evidence_url: HttpUrl = Field(description="Link to the minutes")
    recorded_by: str = Field(min_length=2, max_length=200, description="Who records this")
    note: str | None = Field(None, max_length=2000)


@task(name="step-state", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def step_state(settings: Settings, occurrence: str, step: str) -> str:
    """The step's current status (raises with a clear message for an unknown one)."""
    from state.db import ensure_schema, make_engine
    from state.errors import UnknownOccurrenceError, UnknownStepError
    from state.queries import duty_states

    engine = make_engine(settings.effective_database_url)
    try:
        ensure_schema(engine)
        duties = duty_states(engine, occurrence_ids=frozenset({occurrence}))
    finally:
        engine.dispose()
    if not duties:
        raise UnknownOccurrenceError(occurrence)
    for state in duties[0].steps:
        if state.step == step:
            return state.status.value
    raise UnknownStepError(occurrence, step, [s.step for s in duties[0].steps])


@task(name="record-decision", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def record(settings: Settings, occurrence: str, step: str,
           decision: CouncilDecision) -> dict[str, str]:
    """Status, evidence and audit entry in one transaction."""
    from state.db import make_engine
    from state.steps import Evidence, set_step_status

    engine = make_engine(settings.effective_database_url)
    try:
        change = set_step_status(
            engine, occurrence, step, StepStatus(decision.status), by=decision.recorded_by,
            now=clock.now(),
            note=decision.note or f"recorded from the decision of {decision.decided_by} "
                                  f"on {decision.decided_on.isoformat()}",
            evidence=Evidence(url=str(decision.evidence_url), decided_by=decision.decided_by,
                              decided_on=decision.decided_on, section=decision.section),
            # The council's decision is the fact; earlier steps may be recorded later.
            force=True, channel="flow")
    finally:
        engine.dispose()
    return {"old": change.old.value, "new": change.new.value}


@flow(name="record_decision", log_prints=True)
def record_decision(occurrence: str, step: str = "council",
                    wait_hours: float = 24 * 21) -> dict[str, str]:
    """Ask for the decision on one step and record it."""
    settings = Settings()
    logger = get_run_logger()
    current = step_state(settings, occurrence, step)
    if StepStatus(current).closed:
        logger.info("%s / %s is already %s: nothing to ask", occurrence, step, current)
        return {"old": current, "new": current}
    timeout = int(wait_hours * 3600)
    key = f"decision-{step}"
    if deployment.get_id():
        decision = suspend_flow_run(wait_for_input=CouncilDecision, timeout=timeout, key=key)
    else:
        decision = pause_flow_run(wait_for_input=CouncilDecision, timeout=timeout, key=key)
    result = record(settings, occurrence, step, decision)
    logger.info("%s / %s: %s → %s (%s)", occurrence, step, result["old"], result["new"],
                decision.decided_by)
    return result
