"""Recording where a step stands, and reading it back: one path for every channel.

The CLI's `step set`, the `record_decision` flow and (through `state.steps`) the pages and
the API all end in `set_step_status`, which checks the evidence, the order of steps and the
expected revision, and writes the audit entry in the same transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from state.audit import AuditEntry
from state.errors import StateError
from state.models import StepStatus
from state.owners import Owner
from state.status_import import Change
from state.steps import Evidence, StepChange
from yhdyspinta import clock


def record_step(engine: Engine, occurrence: str, step: str, status: str | StepStatus, *,
                by: str, channel: str, note: str | None = None, force: bool = False,
                evidence_url: str | None = None, decided_by: str | None = None,
                decided_on: date | None = None, section: str | None = None) -> StepChange:
    """Set a step's status (and evidence), audited under `by` and `channel`."""
    from state.steps import set_step_status

    return set_step_status(
        engine, occurrence, step, StepStatus(status), by=by, now=clock.now(), note=note,
        force=force, channel=channel,
        evidence=Evidence(url=evidence_url, decided_by=decided_by, decided_on=decided_on,
                          section=section))


def import_statuses(engine: Engine, text: str, source: str, *, by: str,
                    dry_run: bool = False, channel: str = "cli",
                    scope: frozenset[str] | None = None) -> list[Change]:
    """A whole CSV file of step statuses, checked first and then applied all or nothing.

    `--dry-run` runs the same and rolls back, so it says exactly what a real run would.
    `scope` (a county administrator's parties; None: every party) refuses, as a problem
    of its line, a row of a duty of another county.
    """
    from state.errors import FileProblem, StatusImportError
    from state.status_import import import_statuses as apply
    from state.status_import import parse_status_csv

    rows = parse_status_csv(text, source, engine)
    if scope is not None:
        from state.queries import duty_states

        regions = {d.id: d.region for d in duty_states(
            engine, occurrence_ids=frozenset(r.occurrence_id for r in rows))}
        outside = [FileProblem(r.line, "occurrence", f"{r.occurrence_id} is not a duty of a "
                           "county you administer") for r in rows
                   if f"r{regions.get(r.occurrence_id, '')}" not in scope]
        if outside:
            raise StatusImportError(source, outside)
    return apply(engine, rows, source, by=by, now=clock.now(), dry_run=dry_run,
                 channel=channel)


def is_closed(status: str) -> bool:
    """True for a status that needs nothing more (done, waived or not applicable)."""
    return StepStatus(status).closed


def step_status(engine: Engine, occurrence: str, step: str) -> StepStatus:
    """The step's current status (an unknown occurrence or step raises a StateError)."""
    from state.errors import UnknownOccurrenceError, UnknownStepError
    from state.queries import duty_states

    duties = duty_states(engine, occurrence_ids=frozenset({occurrence}))
    if not duties:
        raise UnknownOccurrenceError(occurrence)
    for state in duties[0].steps:
        if state.step == step:
            return state.status
    raise UnknownStepError(occurrence, step, [s.step for s in duties[0].steps])


def audit(engine: Engine, occurrence: str | None = None) -> list[AuditEntry]:
    """The audit trail (of one occurrence), oldest first."""
    from state.audit import audit_trail
    from state.errors import UnknownOccurrenceError
    from state.queries import occurrence_exists

    if occurrence and not occurrence_exists(engine, occurrence):
        raise UnknownOccurrenceError(occurrence)
    return audit_trail(engine, occurrence)


def set_owner(engine: Engine, occurrence: str, step: str, email: str | None, *, by: str,
              channel: str) -> Owner | None:
    """Make a person the step's owner (None: no owner), among those granted; audited.

    The rule (an owner is one of the people whose grants cover the step) is the store's,
    the same for the duty page, the API and the CLI.
    """
    from state.owners import set_owner as choose

    if not by.strip():
        raise StateError("say who makes the change (--by NAME)")
    return choose(engine, occurrence, step, email, by=by, now=clock.now(), channel=channel)
