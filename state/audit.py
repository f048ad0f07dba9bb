"""Reading the audit log and the evidence: typed entries, never ORM rows.

The pages (the duty page, the municipality page, the administrators' audit log), the API
and `yhdyspinta audit` read these dataclasses; no `AuditRow` or `EvidenceRow` leaves the
store. The audit log's filters (party, person, channel, obligation or occurrence, days)
and its pages are one query here, so the browser and any later caller filter alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session, col

from state.models import AuditRow, EvidenceRow, OccurrenceRow

HELSINKI = ZoneInfo("Europe/Helsinki")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the append-only audit log."""

    id: int
    at: datetime
    actor: str
    occurrence_id: str
    """"" for changes of people and grants."""
    step: str | None
    action: str
    old_value: str | None
    new_value: str | None
    reason: str | None
    channel: str | None


@dataclass(frozen=True, slots=True)
class EvidenceEntry:
    """A decision or document recorded for a step."""

    occurrence_id: str
    step: str
    url: str | None
    decided_by: str | None
    decided_on: date | None
    section: str | None
    note: str | None
    recorded_at: datetime
    recorded_by: str


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the audit log is narrowed to; None is "any".

    `parties` limits to the occurrences of these parties (`m564`: its duties; `r19`: the
    county's and its municipalities') and to the people and grant entries naming them.
    `scope` is the same kind of set, always applied (a county administrator's county).
    """

    parties: frozenset[str] | None = None
    scope: frozenset[str] | None = None
    actor: str | None = None
    channel: str | None = None
    obligation: str | None = None
    occurrence: str | None = None
    start: date | None = None
    end: date | None = None


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back naive (they were stored in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _entry(row: AuditRow) -> AuditEntry:
    assert row.id is not None
    return AuditEntry(row.id, _aware(row.at), row.actor, row.occurrence_id, row.step, row.action,
                      row.old_value, row.new_value, row.reason, row.channel)


def _evidence(row: EvidenceRow) -> EvidenceEntry:
    return EvidenceEntry(row.occurrence_id, row.step, row.url, row.decided_by, row.decided_on,
                         row.section, row.note, _aware(row.recorded_at), row.recorded_by)


def audit_trail(engine: Engine, occurrence_id: str | None = None) -> list[AuditEntry]:
    """Audit entries, oldest first; all of them or one occurrence's."""
    with Session(engine) as session:
        statement = select(AuditRow).order_by(col(AuditRow.id))
        if occurrence_id is not None:
            statement = statement.where(col(AuditRow.occurrence_id) == occurrence_id)
        return [_entry(row) for row in session.execute(statement).scalars()]


def evidence_for(engine: Engine, occurrence_id: str) -> list[EvidenceEntry]:
    """Evidence recorded for one occurrence, oldest first."""
    with Session(engine) as session:
        statement = select(EvidenceRow).where(
            col(EvidenceRow.occurrence_id) == occurrence_id).order_by(col(EvidenceRow.id))
        return [_evidence(row) for row in session.execute(statement).scalars()]


def evidence_and_audit(engine: Engine, occurrence_ids: frozenset[str]) -> tuple[
        dict[str, list[EvidenceEntry]], dict[str, list[AuditEntry]]]:
    """Evidence and audit entries of many occurrences at once, oldest first (for a page)."""
    evidence: dict[str, list[EvidenceEntry]] = defaultdict(list)
    audit: dict[str, list[AuditEntry]] = defaultdict(list)
    wanted = sorted(occurrence_ids)
    with Session(engine) as session:
        for n in range(0, len(wanted), 900):
            chunk = wanted[n:n + 900]
            for row in session.execute(select(EvidenceRow).where(
                    col(EvidenceRow.occurrence_id).in_(chunk)).order_by(
                    col(EvidenceRow.id))).scalars():
                evidence[row.occurrence_id].append(_evidence(row))
            for entry in session.execute(select(AuditRow).where(
                    col(AuditRow.occurrence_id).in_(chunk)).order_by(
                    col(AuditRow.id))).scalars():
                audit[entry.occurrence_id].append(_entry(entry))
    return dict(evidence), dict(audit)


def _party_clause(parties: frozenset[str]) -> Any:
    """Entries about these parties: their occurrences, and people entries naming them."""
    occurrences = select(col(OccurrenceRow.id))
    terms: list[Any] = []
    for party in sorted(parties):
        code = party[1:]
        if party.startswith("r"):
            terms.append(col(OccurrenceRow.region) == code)
        else:
            terms.append(col(OccurrenceRow.participants).contains(code))
    named = [col(AuditRow.new_value).contains(f" {party} ") for party in sorted(parties)]
    return or_(col(AuditRow.occurrence_id).in_(occurrences.where(or_(*terms))),
               *((col(AuditRow.occurrence_id) == "") & or_(*named),))


def audit_page(engine: Engine, where: AuditFilter, *, offset: int,
               limit: int) -> tuple[list[AuditEntry], int]:
    """One page of the filtered audit log, newest first, and how many entries match."""
    clauses: list[Any] = []
    for parties in (where.parties, where.scope):
        if parties is not None:
            clauses.append(_party_clause(parties))
    if where.actor:
        clauses.append(col(AuditRow.actor).contains(where.actor))
    if where.channel:
        clauses.append(col(AuditRow.channel) == where.channel)
    if where.occurrence:
        clauses.append(col(AuditRow.occurrence_id) == where.occurrence)
    if where.obligation:
        clauses.append(col(AuditRow.occurrence_id).startswith(f"{where.obligation}."))
    if where.start is not None:
        clauses.append(col(AuditRow.at) >= _day_start(where.start))
    if where.end is not None:
        clauses.append(col(AuditRow.at) < _day_start(where.end + timedelta(days=1)))
    with Session(engine) as session:
        total = session.execute(select(func.count()).select_from(AuditRow)
                                .where(*clauses)).scalar_one()
        rows = session.execute(select(AuditRow).where(*clauses)
                               .order_by(col(AuditRow.id).desc())
                               .offset(offset).limit(limit)).scalars()
        return [_entry(row) for row in rows], int(total)


def _day_start(day: date) -> datetime:
    """Midnight in Helsinki of a day, in UTC (the audit log's days are Finnish days)."""
    return datetime.combine(day, time(), HELSINKI).astimezone(UTC)
