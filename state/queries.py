"""Read models over the store: where each duty stands, its evidence and its audit trail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Row, select
from sqlmodel import Session, col

from calendars.feeds import FeedOccurrence, FeedStep
from state.models import (
    AuditRow,
    EvidenceRow,
    Lifecycle,
    OccurrenceRow,
    StepRow,
    StepStatus,
    StepStatusRow,
)


@dataclass(frozen=True, slots=True)
class StepState:
    """A planned step with the status the store knows."""

    step: str
    role: str
    party: str
    optional: bool
    due: date
    due_effective: date
    status: StepStatus
    revision: int
    changed_at: datetime | None
    note: str | None
    legal_limit: date | None = None
    """The last day the law allows; None (a caller's own value) counts as the target."""

    @property
    def limit(self) -> date:
        """The legal limit, or the effective target where none is known."""
        return self.legal_limit or self.due_effective


@dataclass(frozen=True, slots=True)
class DutyState:
    """An occurrence with the state of its steps."""

    occurrence: OccurrenceRow
    steps: tuple[StepState, ...]

    @property
    def complete(self) -> bool:
        """Every step that is not optional is done, waived or not applicable."""
        return all(s.status.closed for s in self.steps if not s.optional)

    def overdue_steps(self, today: date) -> tuple[StepState, ...]:
        """Steps still open after their effective deadline."""
        return tuple(s for s in self.steps
                     if not s.status.closed and not s.optional and s.due_effective < today)

    def past_limit_steps(self, today: date) -> tuple[StepState, ...]:
        """Steps still open after their legal limit: the law, not only the target, is missed."""
        return tuple(s for s in self.steps
                     if not s.status.closed and not s.optional and s.limit < today)

    def days_past_limit(self, today: date) -> int:
        """Days since the earliest missed legal limit (0 when none is missed)."""
        past = self.past_limit_steps(today)
        return (today - min(s.limit for s in past)).days if past else 0

    def days_late(self, today: date) -> int:
        """Days since the earliest missed step deadline (0 when none is missed)."""
        late = self.overdue_steps(today)
        return (today - min(s.due_effective for s in late)).days if late else 0

    def next_step(self) -> StepState | None:
        """The first step that is still open."""
        return next((s for s in self.steps if not s.status.closed), None)


def duty_states(
    engine: Engine,
    *,
    start: date | None = None,
    end: date | None = None,
    region: str | None = None,
    municipality: str | None = None,
    obligations: frozenset[str] | None = None,
    occurrence_ids: frozenset[str] | None = None,
    include_cancelled: bool = False,
) -> list[DutyState]:
    """Occurrences with their step states, filtered; in statutory-date and id order."""
    with Session(engine) as session:
        statement = select(OccurrenceRow)
        if not include_cancelled:
            statement = statement.where(OccurrenceRow.lifecycle == Lifecycle.ACTIVE.value)  # type: ignore[arg-type]
        if start is not None:
            statement = statement.where(OccurrenceRow.due >= start)  # type: ignore[arg-type]
        if end is not None:
            statement = statement.where(OccurrenceRow.due <= end)  # type: ignore[arg-type]
        if region is not None:
            statement = statement.where(OccurrenceRow.region == region)  # type: ignore[arg-type]
        if municipality is not None:
            statement = statement.where(OccurrenceRow.participants.contains(municipality))  # type: ignore[attr-defined]
        if obligations is not None:
            statement = statement.where(OccurrenceRow.obligation.in_(obligations))  # type: ignore[attr-defined]
        if occurrence_ids is not None:
            statement = statement.where(OccurrenceRow.id.in_(occurrence_ids))  # type: ignore[attr-defined]
        occurrences = [
            row for row in session.execute(statement).scalars()
            if municipality is None or municipality in row.participants.split()
        ]
        wanted = {row.id for row in occurrences}
        # Plain column tuples, not ORM objects: building thousands of model instances
        # costs more than the query itself.
        steps: dict[str, list[Row[Any]]] = defaultdict(list)
        statuses: dict[tuple[str, str], Row[Any]] = {}
        step_columns: tuple[Any, ...] = (
            StepRow.occurrence_id, StepRow.step, StepRow.position, StepRow.role, StepRow.party,
            StepRow.optional, StepRow.due, StepRow.due_effective, StepRow.legal_limit)
        status_columns: tuple[Any, ...] = (StepStatusRow.occurrence_id, StepStatusRow.step,
                          StepStatusRow.status, StepStatusRow.revision,
                          StepStatusRow.changed_at, StepStatusRow.note)
        # A few occurrences: ask for their rows; many: one scan is cheaper than many IN lists.
        chunks = [sorted(wanted)[n:n + 900] for n in range(0, len(wanted), 900)] \
            if len(wanted) <= 4500 else [None]
        for chunk in chunks if wanted else []:
            step_query = select(*step_columns)
            status_query = select(*status_columns)
            if chunk is not None:
                step_query = step_query.where(col(StepRow.occurrence_id).in_(chunk))
                status_query = status_query.where(col(StepStatusRow.occurrence_id).in_(chunk))
            for step in session.execute(step_query):
                if step.occurrence_id in wanted:
                    steps[step.occurrence_id].append(step)
            for status in session.execute(status_query):
                if status.occurrence_id in wanted:
                    statuses[(status.occurrence_id, status.step)] = status
    result = []
    for row in sorted(occurrences, key=lambda r: (r.due, r.obligation, r.id)):
        states = []
        for step in sorted(steps[row.id], key=lambda s: s.position):
            known = statuses.get((row.id, step.step))
            states.append(StepState(
                step=step.step, role=step.role, party=step.party, optional=bool(step.optional),
                due=step.due, due_effective=step.due_effective,
                status=StepStatus(known.status) if known else StepStatus.NOT_STARTED,
                revision=known.revision if known else 0,
                changed_at=known.changed_at if known else None,
                note=known.note if known else None,
                legal_limit=step.legal_limit,
            ))
        result.append(DutyState(row, tuple(states)))
    return result


def audit_trail(engine: Engine, occurrence_id: str | None = None) -> list[AuditRow]:
    """Audit entries, oldest first; all of them or one occurrence's."""
    with Session(engine) as session:
        statement = select(AuditRow).order_by(AuditRow.id)  # type: ignore[arg-type]
        if occurrence_id is not None:
            statement = statement.where(AuditRow.occurrence_id == occurrence_id)  # type: ignore[arg-type]
        return list(session.execute(statement).scalars())


def evidence_for(engine: Engine, occurrence_id: str) -> list[EvidenceRow]:
    """Evidence recorded for one occurrence, oldest first."""
    with Session(engine) as session:
        statement = select(EvidenceRow).where(
            EvidenceRow.occurrence_id == occurrence_id  # type: ignore[arg-type]
        ).order_by(EvidenceRow.id)  # type: ignore[arg-type]
        return list(session.execute(statement).scalars())


def occurrence_exists(engine: Engine, occurrence_id: str) -> bool:
    """True if the store has the occurrence (active or cancelled)."""
    with Session(engine) as session:
        return session.get(OccurrenceRow, occurrence_id) is not None


def feed_view(
    engine: Engine, *, start: date, end: date, today: date, keep_cancelled_days: int,
    region: str | None = None, obligations: frozenset[str] | None = None,
) -> list[FeedOccurrence]:
    """What the calendars show: active duties due in [start, end], and cancelled ones.

    A cancelled duty stays `keep_cancelled_days` after its cancellation, then drops out.
    """
    from datetime import timedelta

    duties = duty_states(engine, start=start, end=end, include_cancelled=True, region=region,
                         obligations=obligations)
    since = today - timedelta(days=keep_cancelled_days)
    view = []
    for duty in duties:
        row = duty.occurrence
        cancelled = row.lifecycle == Lifecycle.CANCELLED.value
        if cancelled and (row.cancelled_on is None or row.cancelled_on < since):
            continue
        view.append(FeedOccurrence(
            id=row.id, obligation=row.obligation, owed_by=row.owed_by,
            municipality=row.municipality, region=row.region,
            participants=tuple(row.participants.split()), period=row.period, term=row.term,
            term_year=row.term_year, due=row.due, due_effective=row.due_effective,
            revision=row.revision, changed_at=row.changed_at, cancelled=cancelled,
            steps=tuple(FeedStep(step=s.step, role=s.role, party=s.party, due=s.due,
                                 due_effective=s.due_effective, status=s.status.value,
                                 revision=s.revision, changed_at=s.changed_at,
                                 legal_limit=s.legal_limit)
                        for s in duty.steps),
            due_source=row.due_source, legal_limit=row.legal_limit,
        ))
    return view


def evidence_and_audit(engine: Engine, occurrence_ids: frozenset[str]) -> tuple[
        dict[str, list[EvidenceRow]], dict[str, list[AuditRow]]]:
    """Evidence and audit entries of many occurrences at once, oldest first (for a page)."""
    evidence: dict[str, list[EvidenceRow]] = defaultdict(list)
    audit: dict[str, list[AuditRow]] = defaultdict(list)
    wanted = sorted(occurrence_ids)
    with Session(engine) as session:
        for n in range(0, len(wanted), 900):
            chunk = wanted[n:n + 900]
            for row in session.execute(select(EvidenceRow).where(
                    col(EvidenceRow.occurrence_id).in_(chunk)).order_by(
                    col(EvidenceRow.id))).scalars():
                evidence[row.occurrence_id].append(row)
            for entry in session.execute(select(AuditRow).where(
                    col(AuditRow.occurrence_id).in_(chunk)).order_by(
                    col(AuditRow.id))).scalars():
                audit[entry.occurrence_id].append(entry)
    return dict(evidence), dict(audit)
