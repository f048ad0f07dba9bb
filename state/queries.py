"""Reading the store: every duty as the one read model (`calendars.duty.Duty`).

The audit log and the evidence are read in `state/audit.py`.

No ORM object of a duty leaves this module: rows become `Duty` and `DutyStep` here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Engine, Row, select
from sqlmodel import Session, col

from calendars.duty import Duty, DutyStep, ShiftReason, TrackedFrom, owing_party
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.lang import StepStatus
from state.models import Lifecycle, OccurrenceRow, StepRow, StepStatusRow


@cache
def _default_non_working_days() -> NonWorkingDays:
    """The span the pages use, for callers that bring no non-working days of their own."""
    return finnish_non_working_days(2020, 2045)


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
    non_working_days: NonWorkingDays | None = None,
    tracked_from: TrackedFrom | None = None,
) -> list[Duty]:
    """Duties with their steps' states, filtered; in statutory-date and id order.

    `non_working_days` explain the shifts (`Duty.shift`); the default spans 2020–2045.
    `tracked_from` (the configuration's `Configuration.tracked_from`) gives each duty its
    party's "tracked from" day; without it every duty is tracked. The store never reads
    the configuration itself.
    """
    days = non_working_days if non_working_days is not None else _default_non_working_days()
    with Session(engine) as session:
        # Plain column tuples, not ORM objects: building thousands of model instances
        # costs more than the query itself.
        occurrence_columns: tuple[Any, ...] = (
            OccurrenceRow.id, OccurrenceRow.obligation, OccurrenceRow.owed_by,
            OccurrenceRow.municipality, OccurrenceRow.region, OccurrenceRow.participants,
            OccurrenceRow.group_id, OccurrenceRow.period, OccurrenceRow.term,
            OccurrenceRow.term_year, OccurrenceRow.due, OccurrenceRow.due_effective,
            OccurrenceRow.due_source, OccurrenceRow.legal_limit, OccurrenceRow.revision,
            OccurrenceRow.lifecycle, OccurrenceRow.cancelled_on, OccurrenceRow.changed_at)
        statement = select(*occurrence_columns)
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
            row for row in session.execute(statement)
            if municipality is None or municipality in row.participants.split()
        ]
        wanted = {row.id for row in occurrences}
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
    # Thousands of duties share a few hundred deadlines: each shift is explained once.
    shifts: dict[tuple[date, date], ShiftReason | None] = {}

    def shift(statutory: date, effective: date) -> ShiftReason | None:
        if statutory == effective:
            return None
        key = (statutory, effective)
        if key not in shifts:
            shifts[key] = ShiftReason.between(statutory, effective, days)
        return shifts[key]

    result = []
    for row in sorted(occurrences, key=lambda r: (r.due, r.obligation, r.id)):
        states = []
        for step in sorted(steps[row.id], key=lambda s: s.position):
            known = statuses.get((row.id, step.step))
            states.append(DutyStep(
                step=step.step, role=step.role, party=step.party, optional=bool(step.optional),
                due=step.due, due_effective=step.due_effective,
                status=StepStatus(known.status) if known else StepStatus.NOT_STARTED,
                revision=known.revision if known else 0,
                changed_at=known.changed_at if known else None,
                note=known.note if known else None,
                shift=shift(step.due, step.due_effective),
                legal_limit=step.legal_limit,
            ))
        participants = tuple(row.participants.split())
        party = owing_party(row.owed_by, row.municipality, row.region, participants,
                            row.group_id)
        result.append(Duty(
            id=row.id, obligation=row.obligation, owed_by=row.owed_by, party=party,
            municipality=row.municipality, region=row.region, participants=participants,
            period=row.period, term=row.term, term_year=row.term_year, due=row.due,
            due_effective=row.due_effective, revision=row.revision, changed_at=row.changed_at,
            cancelled=row.lifecycle == Lifecycle.CANCELLED.value, steps=tuple(states),
            due_source=row.due_source, group=row.group_id, legal_limit=row.legal_limit,
            shift=shift(row.due, row.due_effective),
            tracked_from=tracked_from(party, row.region) if tracked_from else None,
            cancelled_on=row.cancelled_on))
    return result


def occurrence_exists(engine: Engine, occurrence_id: str) -> bool:
    """True if the store has the occurrence (active or cancelled)."""
    with Session(engine) as session:
        return session.get(OccurrenceRow, occurrence_id) is not None


def feed_view(
    engine: Engine, *, start: date, end: date, today: date, keep_cancelled_days: int,
    region: str | None = None, obligations: frozenset[str] | None = None,
    non_working_days: NonWorkingDays | None = None, tracked_from: TrackedFrom | None = None,
) -> list[Duty]:
    """What the calendars show: active duties due in [start, end], and cancelled ones.

    A cancelled duty stays `keep_cancelled_days` after its cancellation, then drops out.
    """
    since = today - timedelta(days=keep_cancelled_days)
    return [duty for duty in duty_states(engine, start=start, end=end, include_cancelled=True,
                                         region=region, obligations=obligations,
                                         non_working_days=non_working_days,
                                         tracked_from=tracked_from)
            if not duty.cancelled or (duty.cancelled_on is not None and
                                      duty.cancelled_on >= since)]
