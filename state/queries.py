"""Reading the store: every duty as the one read model (`calendars.duty.Duty`).

The audit log and the evidence are read in `state/audit.py`.

No ORM object of a duty leaves this module: rows become `Duty` and `DutyStep` here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from calendars.collector import collector_paused
from calendars.duty import Duty, DutyStep, ShiftReason, TrackedFrom, owing_party
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.lang import StepStatus
from obligations.parties import PartyRef
from state.models import Lifecycle, OccurrenceRow, StepRow, StepStatusRow


@cache
def _default_non_working_days() -> NonWorkingDays:
    """The span the pages use, for callers that bring no non-working days of their own."""
    return finnish_non_working_days(2020, 2045)


_FEW = 200
"""Up to this many duties, their steps are read by a list of ids."""
_STATUS = {status.value: status for status in StepStatus}
_OCCURRENCE_COLUMNS: tuple[Any, ...] = (
    OccurrenceRow.id, OccurrenceRow.obligation, OccurrenceRow.owed_by,
    OccurrenceRow.municipality, OccurrenceRow.region, OccurrenceRow.participants,
    OccurrenceRow.group_id, OccurrenceRow.period, OccurrenceRow.term,
    OccurrenceRow.term_year, OccurrenceRow.due, OccurrenceRow.due_effective,
    OccurrenceRow.due_source, OccurrenceRow.legal_limit, OccurrenceRow.revision,
    OccurrenceRow.lifecycle, OccurrenceRow.cancelled_on, OccurrenceRow.changed_at)
_STEP_COLUMNS: tuple[Any, ...] = (
    StepRow.occurrence_id, StepRow.step, StepRow.role, StepRow.party, StepRow.optional,
    StepRow.due, StepRow.due_effective, StepRow.legal_limit)
_STATUS_COLUMNS: tuple[Any, ...] = (
    StepStatusRow.occurrence_id, StepStatusRow.step, StepStatusRow.status,
    StepStatusRow.revision, StepStatusRow.changed_at, StepStatusRow.note)


@collector_paused()  # a county's read builds thousands of values the pages keep
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
    conditions: list[Any] = []
    if not include_cancelled:
        conditions.append(col(OccurrenceRow.lifecycle) == Lifecycle.ACTIVE.value)
    if start is not None:
        conditions.append(col(OccurrenceRow.due) >= start)
    if end is not None:
        conditions.append(col(OccurrenceRow.due) <= end)
    if region is not None:
        conditions.append(col(OccurrenceRow.region) == region)
    if municipality is not None:
        conditions.append(col(OccurrenceRow.participants).contains(municipality))
    if obligations is not None:
        conditions.append(col(OccurrenceRow.obligation).in_(obligations))
    if occurrence_ids is not None:
        conditions.append(col(OccurrenceRow.id).in_(occurrence_ids))
    # Plain column tuples through a Core connection, not ORM objects or ORM results:
    # building thousands of model instances (or ORM rows) costs more than the queries.
    step_query = select(*_STEP_COLUMNS).order_by(col(StepRow.position))
    status_query = select(*_STATUS_COLUMNS)
    with engine.connect() as connection:
        occurrences = [
            row for row in connection.execute(select(*_OCCURRENCE_COLUMNS).where(*conditions))
            if municipality is None or municipality in row[5].split()
        ]
        if not occurrences:
            return []
        wanted = {row[0] for row in occurrences}
        # The steps and statuses of a few duties are asked for by id; of many (a county:
        # a thousand) by the same filter as a subquery, which the database answers from
        # its indexes without a statement of a thousand parameters.
        chosen: Any = sorted(wanted) if len(wanted) <= _FEW else (
            select(col(OccurrenceRow.id)).where(*conditions) if conditions else None)
        if chosen is not None:
            step_query = step_query.where(col(StepRow.occurrence_id).in_(chosen))
            status_query = status_query.where(col(StepStatusRow.occurrence_id).in_(chosen))
        # Known statuses by (occurrence, step): the step's status, revision, time, note.
        statuses: dict[tuple[str, str], tuple[StepStatus, int, datetime | None, str | None]] = {
            (occurrence_id, step): (_STATUS[status], revision, changed_at, note)
            for occurrence_id, step, status, revision, changed_at, note
            in connection.execute(status_query)}
        step_rows = connection.execute(step_query).all()
    # Thousands of duties share a few hundred deadlines, and the steps of one duty in each
    # of a county's municipalities are equal values: each shift is explained once, and
    # equal steps (frozen values) are built once and shared.
    shifts: dict[tuple[date, date], ShiftReason | None] = {}

    def shift(statutory: date, effective: date) -> ShiftReason | None:
        if statutory == effective:
            return None
        key = (statutory, effective)
        if key not in shifts:
            shifts[key] = ShiftReason.between(statutory, effective, days)
        return shifts[key]

    built: dict[tuple[Any, ...], DutyStep] = {}
    steps: dict[str, list[DutyStep]] = defaultdict(list)
    for occurrence_id, step, role, party, optional, due, due_effective, legal_limit in step_rows:
        if occurrence_id not in wanted:
            continue
        known = statuses.get((occurrence_id, step))
        key = (step, role, party, optional, due, due_effective, legal_limit, known)
        value = built.get(key)
        if value is None:
            status, revision, changed_at, note = known or (StepStatus.NOT_STARTED, 0, None, None)
            value = built[key] = DutyStep(
                step=step, role=role, party=party, optional=bool(optional), due=due,
                due_effective=due_effective, status=status, revision=revision,
                changed_at=changed_at, note=note, shift=shift(due, due_effective),
                legal_limit=legal_limit)
        steps[occurrence_id].append(value)
    # A county's duties are owed by a few dozen parties: each is read (and its "tracked
    # from" day looked up) once.
    owing: dict[tuple[Any, ...], tuple[tuple[str, ...], PartyRef, date | None]] = {}
    result = []
    for (occurrence_id, obligation, owed_by, owner, county, participant_codes, group, period,
         term, term_year, due, due_effective, due_source, legal_limit, revision, lifecycle,
         cancelled_on, changed_at) in sorted(occurrences, key=lambda r: (r[10], r[1], r[0])):
        party_key = (owed_by, owner, county, participant_codes, group)
        known_party = owing.get(party_key)
        if known_party is None:
            participants = tuple(participant_codes.split())
            party = owing_party(owed_by, owner, county, participants, group)
            known_party = owing[party_key] = (
                participants, party, tracked_from(party, county) if tracked_from else None)
        participants, party, tracked = known_party
        result.append(Duty(
            id=occurrence_id, obligation=obligation, owed_by=owed_by, party=party,
            municipality=owner, region=county, participants=participants, period=period,
            term=term, term_year=term_year, due=due, due_effective=due_effective,
            revision=revision, changed_at=changed_at,
            cancelled=lifecycle == Lifecycle.CANCELLED.value,
            steps=tuple(steps.get(occurrence_id, ())), due_source=due_source, group=group,
            legal_limit=legal_limit, shift=shift(due, due_effective), tracked_from=tracked,
            cancelled_on=cancelled_on))
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
