"""Change a step's status, with evidence; every change goes to the audit log.

A step cannot be done before its predecessors unless forced with a reason; waiving needs
a reason. The occurrence row is locked first, so two people changing one duty at once
queue rather than overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Required, TypedDict, Unpack

from sqlalchemy import Engine, select
from sqlmodel import Session

from state.db import write_session
from state.errors import (
    StaleStepError,
    StateError,
    TransitionError,
    UnknownOccurrenceError,
    UnknownStepError,
    UnsafeUrlError,
)
from state.models import (
    AuditRow,
    EvidenceRow,
    Lifecycle,
    OccurrenceRow,
    StepRow,
    StepStatus,
    StepStatusRow,
)
from state.urls import MAX_URL_LENGTH, has_password, http_url_problem


@dataclass(frozen=True, slots=True)
class Evidence:
    """What shows a step was done: a link to minutes, the deciding body, §, date."""

    url: str | None = None
    decided_by: str | None = None
    decided_on: date | None = None
    section: str | None = None

    def __bool__(self) -> bool:
        return any((self.url, self.decided_by, self.decided_on, self.section))

    def describe(self) -> str:
        """One line for the audit log."""
        parts = [self.decided_by or "", f"§ {self.section}" if self.section else "",
                 self.decided_on.isoformat() if self.decided_on else "", self.url or ""]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class StepChange:
    """What `set_step_status` did."""

    occurrence_id: str
    step: str
    old: StepStatus
    new: StepStatus
    changed: bool


def check_url(field: str, url: str) -> None:
    """Refuse an address that must not be stored or shown as a link."""
    problem = "long" if len(url) > MAX_URL_LENGTH else http_url_problem(url)
    if problem is None and has_password(url):
        problem = "password"
    if problem is not None:
        raise UnsafeUrlError(field, problem)


def lock_occurrence(session: Session, occurrence_id: str) -> OccurrenceRow:
    statement = select(OccurrenceRow).where(OccurrenceRow.id == occurrence_id)  # type: ignore[arg-type]
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    row: OccurrenceRow | None = session.execute(statement).scalar_one_or_none()
    if row is None:
        raise UnknownOccurrenceError(occurrence_id)
    return row


class StepOptions(TypedDict, total=False):
    """The keyword arguments of `apply_step_status`, which `set_step_status` passes on."""

    by: Required[str]
    now: Required[datetime]
    note: str | None
    evidence: Evidence | None
    force: bool
    channel: str
    expected_revision: int | None


def set_step_status(engine: Engine, occurrence_id: str, step: str, status: StepStatus,
                    **options: Unpack[StepOptions]) -> StepChange:
    """Record a step's new status (and evidence) in one transaction, audited.

    The evidence address is checked here, so that every way in (the CLI, the Prefect
    flow, any later one) stores only http(s) links without a password. The options are
    `apply_step_status`'s.
    """
    if not options["by"].strip():
        raise StateError("say who makes the change (--by NAME)")
    evidence = options.get("evidence")
    if evidence is not None and evidence.url is not None:
        check_url("--evidence", evidence.url)
    with write_session(engine) as session:
        return apply_step_status(session, occurrence_id, step, status, **options)


def apply_step_status(
    session: Session,
    occurrence_id: str,
    step: str,
    status: StepStatus,
    *,
    by: str,
    now: datetime,
    note: str | None = None,
    evidence: Evidence | None = None,
    force: bool = False,
    channel: str = "cli",
    expected_revision: int | None = None,
) -> StepChange:
    """`set_step_status` inside a transaction the caller holds (an import's one).

    `channel` (web, api, cli, flow) goes to the audit log with `by`. With
    `expected_revision` (the step's revision the writer saw; 0 for never set) a step changed
    since is refused with `StaleStepError`, which carries the current state.
    """
    occurrence = lock_occurrence(session, occurrence_id)
    if occurrence.lifecycle != Lifecycle.ACTIVE.value:
        raise StateError(f"occurrence {occurrence_id!r} was cancelled on "
                         f"{occurrence.cancelled_on}; it no longer takes changes")
    planned = {
        row.step: row
        for row in session.execute(
            select(StepRow).where(StepRow.occurrence_id == occurrence_id)  # type: ignore[arg-type]
        ).scalars()
    }
    if step not in planned:
        ordered = sorted(planned.values(), key=lambda r: r.position)
        raise UnknownStepError(occurrence_id, step, [r.step for r in ordered])
    statuses = {
        row.step: row
        for row in session.execute(
            select(StepStatusRow).where(StepStatusRow.occurrence_id == occurrence_id)  # type: ignore[arg-type]
        ).scalars()
    }
    current = statuses.get(step)
    old = StepStatus(current.status) if current else StepStatus.NOT_STARTED
    if expected_revision is not None and expected_revision != (
            current.revision if current else 0):
        assert current is not None
        raise StaleStepError(occurrence_id, step, current.revision, old, current.note,
                             current.changed_by, current.changed_at)
    if old is status and (note is None or current is None or note == current.note) \
            and not evidence:
        return StepChange(occurrence_id, step, old, status, False)
    if status is StepStatus.WAIVED and not note:
        raise TransitionError("waiving a step needs a reason (--note TEXT)")
    forced = False
    if status is StepStatus.DONE and old is not status:
        open_before = [
            before for before in planned[step].after.split()
            if not StepStatus(statuses[before].status if before in statuses
                              else StepStatus.NOT_STARTED).closed
        ]
        if open_before:
            if not force:
                raise TransitionError(
                    f"step {step!r} cannot be done before {', '.join(open_before)}; "
                    "mark those first, or use --force with --note giving the reason")
            if not note:
                raise TransitionError("--force needs a reason (--note TEXT)")
            forced = True
    changed = old is not status or (note is not None and current is not None
                                     and note != current.note)
    if changed:
        if current is None:
            current = StepStatusRow(occurrence_id=occurrence_id, step=step,
                                    status=status.value, note=note, revision=1,
                                    changed_at=now, changed_by=by)
            session.add(current)
        else:
            current.status = status.value
            current.note = note
            current.revision += 1
            current.changed_at = now
            current.changed_by = by
        session.add(AuditRow(at=now, actor=by, occurrence_id=occurrence_id, step=step,
                             action="status_forced" if forced else "status",
                             old_value=old.value, new_value=status.value, reason=note,
                             channel=channel))
    if evidence:
        session.add(EvidenceRow(occurrence_id=occurrence_id, step=step, url=evidence.url,
                                decided_by=evidence.decided_by,
                                decided_on=evidence.decided_on, section=evidence.section,
                                note=note, recorded_at=now, recorded_by=by))
        session.add(AuditRow(at=now, actor=by, occurrence_id=occurrence_id, step=step,
                             action="evidence", old_value=None,
                             new_value=evidence.describe(), reason=note,
                             channel=channel))
        if not changed and current is not None:
            current.revision += 1  # new evidence is a change a stale page must not hide
            current.changed_at = now
            current.changed_by = by
    return StepChange(occurrence_id, step, old, status, changed or bool(evidence))
