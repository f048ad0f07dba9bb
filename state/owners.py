"""An owner per step: the person who answers for it, chosen among those granted for it.

A step's owner is one person whose grants cover the step (`Person.may_change` for the
step's party and role). Setting or clearing an owner is audited like a status change
(action `owner`, with the channel). Reminders go to the owner first (see
`notify.plan.plan_notices`): the owner is reached through the contacts with the owner's
address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlmodel import Session

from obligations.catalogue import N_
from obligations.parties import PartyRef
from state.db import write_session
from state.errors import StaleStepError, StateError, UnknownOccurrenceError, UnknownStepError
from state.models import (
    AuditRow,
    EvidenceRow,
    OccurrenceRow,
    PersonRow,
    StepOwnerRow,
    StepRow,
    StepStatus,
    StepStatusRow,
)
from state.people import Person, list_people, normal_email
from state.steps import Evidence, apply_step_status, check_url, lock_occurrence


@dataclass(frozen=True, slots=True)
class Owner:
    """Who owns a step, as pages and reminders need it."""

    email: str
    name: str


def _step_parties(occurrence: OccurrenceRow, step_party: str) -> set[str]:
    """The party codes (m205, r20) whose people do a step, as `Duty.step_owners` says."""
    if step_party == "region":
        return {PartyRef.of_county(occurrence.region).key} if occurrence.region else set()
    return {PartyRef.of_municipality(code).key for code in occurrence.participants.split()}


def granted_for(people: Iterable[Person], parties: set[str], region: str | None,
                step_role: str) -> list[Person]:
    """The people whose grants cover a step of these parties and role: who may own it."""
    return [p for p in people
            if any(p.may_change(party, step_role, region) for party in parties)]


def _step(session: Session, occurrence_id: str, step: str) -> tuple[OccurrenceRow, StepRow]:
    occurrence = session.get(OccurrenceRow, occurrence_id)
    if occurrence is None:
        raise UnknownOccurrenceError(occurrence_id)
    planned = session.get(StepRow, (occurrence_id, step))
    if planned is None:
        steps = session.execute(select(StepRow).where(
            StepRow.occurrence_id == occurrence_id)).scalars()  # type: ignore[arg-type]
        raise UnknownStepError(occurrence_id, step,
                               [s.step for s in sorted(steps, key=lambda r: r.position)])
    return occurrence, planned


def set_owner(engine: Engine, occurrence_id: str, step: str, email: str | None, *,
              by: str, now: datetime, channel: str) -> Owner | None:
    """Make the person with `email` the step's owner (None: no owner); audited.

    The person must be one whose grants cover the step, else StateError.
    """
    people = list_people(engine)
    with write_session(engine) as session:
        return apply_owner(session, people, occurrence_id, step, email, by=by, now=now,
                           channel=channel)


def apply_owner(session: Session, people: list[Person], occurrence_id: str, step: str,
                email: str | None, *, by: str, now: datetime, channel: str) -> Owner | None:
    """`set_owner` inside a transaction the caller holds (the API's one change of a step)."""
    occurrence, planned = _step(session, occurrence_id, step)
    current = session.get(StepOwnerRow, (occurrence_id, step))
    old = session.get(PersonRow, current.person_id) if current is not None else None
    if email is None or not email.strip():
        if current is None:
            return None
        session.delete(current)
        session.add(AuditRow(at=now, actor=by, occurrence_id=occurrence_id, step=step,
                             action="owner", old_value=old.email if old else None,
                             new_value=None, channel=channel))
        return None
    wanted = normal_email(email)
    person = next((p for p in granted_for(people, _step_parties(occurrence, planned.party),
                                          occurrence.region, planned.role)
                   if p.email == wanted), None)
    if person is None:
        raise StateError(f"{wanted!r} is not granted for step {step!r} of "
                         f"{occurrence_id!r}; an owner must be one of its people",
                         N_("cli.error.owner_not_granted"), email=wanted, step=step)
    if current is not None and current.person_id == person.id:
        return Owner(person.email, person.name)
    if current is None:
        session.add(StepOwnerRow(occurrence_id=occurrence_id, step=step,
                                 person_id=person.id, set_at=now, set_by=by))
    else:
        current.person_id = person.id
        current.set_at = now
        current.set_by = by
    session.add(AuditRow(at=now, actor=by, occurrence_id=occurrence_id, step=step,
                         action="owner", old_value=old.email if old else None,
                         new_value=person.email, channel=channel))
    return Owner(person.email, person.name)


def owner_tag(email: str | None) -> str:
    """A short fingerprint of a step's owner for its ETag ("" for none).

    The tag changes when the owner does, without putting the address into a header.
    """
    return hashlib.sha256(email.encode()).hexdigest()[:12] if email else ""


@dataclass(frozen=True, slots=True)
class StepUpdate:
    """One change of a step through the API: its status (None: kept) and its owner.

    `owner` is set only when `change_owner` is true (None then clears it); both parts are
    written in one transaction, so a refused owner leaves the status unwritten too.
    """

    status: StepStatus | None = None
    note: str | None = None
    evidence: Evidence | None = None
    force: bool = False
    change_owner: bool = False
    owner: str | None = None


def update_step(engine: Engine, occurrence_id: str, step: str, update: StepUpdate, *,
                by: str, now: datetime, channel: str, expected_revision: int | None = None,
                expected_owner: str | None = None) -> None:
    """Status and owner of a step in one transaction, audited, with their preconditions.

    `expected_revision` is the step's revision the writer saw and `expected_owner` the
    `owner_tag` of the owner it saw (None: not checked); either moved on raises
    `StaleStepError`, and nothing is written.
    """
    if not by.strip():
        raise StateError("say who makes the change (--by NAME)")
    if update.evidence is not None and update.evidence.url is not None:
        check_url("--evidence", update.evidence.url)
    people = list_people(engine) if update.change_owner else []
    with write_session(engine) as session:
        lock_occurrence(session, occurrence_id)
        status = session.get(StepStatusRow, (occurrence_id, step))
        owned = session.get(StepOwnerRow, (occurrence_id, step)) \
            if expected_owner is not None else None
        owner = session.get(PersonRow, owned.person_id) if owned is not None else None
        if (expected_owner is not None
                and expected_owner != owner_tag(owner.email if owner else None)) or (
                expected_revision is not None
                and expected_revision != (status.revision if status else 0)):
            raise StaleStepError(occurrence_id, step, status.revision if status else 0,
                                 StepStatus(status.status) if status
                                 else StepStatus.NOT_STARTED,
                                 status.note if status else None,
                                 status.changed_by if status else "",
                                 status.changed_at if status else None)
        if update.status is not None:
            apply_step_status(session, occurrence_id, step, update.status, by=by, now=now,
                              note=update.note, evidence=update.evidence, force=update.force,
                              channel=channel)
        if update.change_owner:
            apply_owner(session, people, occurrence_id, step, update.owner, by=by, now=now,
                        channel=channel)


@dataclass(frozen=True, slots=True)
class StepEvidence:
    """A decision or document recorded for a step (who recorded it is left out)."""

    url: str | None
    decided_by: str | None
    decided_on: date | None
    section: str | None


@dataclass(frozen=True, slots=True)
class StepView:
    """One step as the write API answers it: status, owner, who may own it, evidence.

    Read in one session, without planning the duty again, so that a write and its answer
    stay cheap (bench/write_bench.py).
    """

    occurrence_id: str
    step: str
    status: StepStatus
    note: str | None
    revision: int
    owner: Owner | None
    candidates: list[Person]
    evidence: list[StepEvidence]


def step_view(engine: Engine, occurrence_id: str, step: str,
              candidates: list[Person] | None = None) -> StepView:
    """The step's state, owner, candidates (by name) and evidence; unknown ones raise.

    `candidates` from a view read moments before (a write does not change them) saves
    reading everyone's grants again.
    """
    people = list_people(engine) if candidates is None else []
    with Session(engine) as session:
        occurrence, planned = _step(session, occurrence_id, step)
        status = session.get(StepStatusRow, (occurrence_id, step))
        owned = session.get(StepOwnerRow, (occurrence_id, step))
        owner = session.get(PersonRow, owned.person_id) if owned is not None else None
        evidence = [StepEvidence(e.url, e.decided_by, e.decided_on, e.section)
                    for e in session.execute(select(EvidenceRow).where(
                        EvidenceRow.occurrence_id == occurrence_id,  # type: ignore[arg-type]
                        EvidenceRow.step == step).order_by(  # type: ignore[arg-type]
                        EvidenceRow.id)).scalars()]  # type: ignore[arg-type]
    if candidates is None:
        candidates = sorted(granted_for(people, _step_parties(occurrence, planned.party),
                                        occurrence.region, planned.role),
                            key=lambda p: (p.name.lower(), p.email))
    return StepView(occurrence_id, step,
                    StepStatus(status.status) if status else StepStatus.NOT_STARTED,
                    status.note if status else None, status.revision if status else 0,
                    Owner(owner.email, owner.name) if owner else None, candidates, evidence)


def step_owners(engine: Engine, occurrence_ids: Iterable[str] | None = None,
                ) -> dict[tuple[str, str], Owner]:
    """(occurrence, step) → owner, for the given occurrences (None: all)."""
    statement = select(StepOwnerRow.occurrence_id, StepOwnerRow.step,  # type: ignore[call-overload]
                       PersonRow.email, PersonRow.name).join(
        PersonRow, PersonRow.id == StepOwnerRow.person_id)
    if occurrence_ids is not None:
        wanted = list(occurrence_ids)
        if not wanted:
            return {}
        statement = statement.where(StepOwnerRow.occurrence_id.in_(wanted))  # type: ignore[attr-defined]
    with Session(engine) as session:
        return {(str(o), str(s)): Owner(str(e), str(n))
                for o, s, e, n in session.execute(statement).all()}
