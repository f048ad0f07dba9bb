"""Upsert a plan into the store: no change → no write; a change → new revision; gone → cancelled.

The whole sync is one transaction, so a crash leaves the store as before or as after.
Two syncs at once queue: SQLite's write lock is taken at BEGIN, PostgreSQL's through a
transaction-scoped advisory lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, bindparam, delete, insert, select, update

from calendars.schedule import Occurrence, PlannedStep, PlanWindow
from obligations.schema import ObligationDefinition
from state.db import Serialised, write_session
from state.models import Lifecycle, OccurrenceRow, StepRow


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync did."""

    new: int
    changed: int
    cancelled: int
    unchanged: int

    @property
    def written(self) -> int:
        """Occurrences written (0 when nothing changed)."""
        return self.new + self.changed + self.cancelled


def definition_fingerprints(definitions: Iterable[ObligationDefinition]) -> dict[str, str]:
    """A hash per definition: a changed name or reminder changes every occurrence's content."""
    return {
        d.id: hashlib.sha256(d.model_dump_json().encode()).hexdigest()[:16] for d in definitions
    }


def _steps_text(steps: tuple[PlannedStep, ...]) -> str:
    parts: list[str] = []
    for step in steps:
        parts.extend((step.step, step.role.value, step.party.value, str(step.optional),
                      " ".join(step.after), step.deadline.statutory.isoformat(),
                      step.deadline.effective.isoformat(),
                      step.deadline.legal_limit.isoformat()))
    return "\x1f".join(parts)


def content_hash(
    occurrence: Occurrence, fingerprint: str, steps_cache: dict[int, str] | None = None
) -> str:
    """Everything a calendar or a message shows of an occurrence, hashed.

    The engine shares one steps tuple among all parties with the same dates, so their
    text is built once per tuple (`steps_cache`, keyed by identity, lives for one sync).
    """
    if steps_cache is None:
        steps = _steps_text(occurrence.steps)
    else:
        steps = steps_cache.get(id(occurrence.steps)) or steps_cache.setdefault(
            id(occurrence.steps), _steps_text(occurrence.steps))
    deadline = occurrence.deadline
    text_ = "\x1f".join((
        fingerprint, occurrence.id, occurrence.owed_by, occurrence.municipality or "",
        occurrence.region or "", " ".join(occurrence.participants), occurrence.group or "",
        occurrence.term, str(occurrence.term_year), str(deadline.statutory),
        str(deadline.effective), deadline.source, str(deadline.legal_limit), steps,
    ))
    return hashlib.sha256(text_.encode()).hexdigest()


def _occurrence_values(occurrence: Occurrence, digest: str) -> dict[str, object]:
    return {
        "obligation": occurrence.obligation,
        "owed_by": occurrence.owed_by.value,
        "municipality": occurrence.municipality,
        "region": occurrence.region,
        "participants": " ".join(occurrence.participants),
        "group_id": occurrence.group,
        "period": occurrence.period,
        "term": occurrence.term,
        "term_year": occurrence.term_year,
        "due": occurrence.deadline.statutory,
        "due_effective": occurrence.deadline.effective,
        "due_source": occurrence.deadline.source.value,
        "legal_limit": occurrence.deadline.legal_limit,
        "content_hash": digest,
    }


def _step_values(occurrence: Occurrence) -> list[dict[str, object]]:
    return [
        {
            "occurrence_id": occurrence.id,
            "step": step.step,
            "position": position,
            "role": step.role.value,
            "party": step.party.value,
            "optional": step.optional,
            "after": " ".join(step.after),
            "due": step.deadline.statutory,
            "due_effective": step.deadline.effective,
            "legal_limit": step.deadline.legal_limit,
        }
        for position, step in enumerate(occurrence.steps)
    ]


def sync_plan(
    engine: Engine,
    occurrences: Sequence[Occurrence],
    fingerprints: Mapping[str, str],
    *,
    window: PlanWindow,
    obligations: frozenset[str] | None,
    now: datetime,
    today: date,
    keep: frozenset[str] = frozenset(),
) -> SyncReport:
    """Make the store match the plan within the window (and the chosen obligations).

    `keep`: ids never cancelled by their absence (a rolling review whose approval is
    recorded: the plan has moved on to the next review, this one stays as it was).
    """
    table = OccurrenceRow.__table__  # type: ignore[attr-defined]
    steps = StepRow.__table__  # type: ignore[attr-defined]
    with write_session(engine, Serialised.SYNC) as session:
        existing = {
            row.id: row
            for row in session.execute(
                select(table.c.id, table.c.content_hash, table.c.lifecycle, table.c.due,
                       table.c.obligation, table.c.revision)
            )
        }
        new_rows: list[dict[str, object]] = []
        new_steps: list[dict[str, object]] = []
        changed_rows: list[dict[str, object]] = []
        unchanged = 0
        planned_ids = set()
        steps_cache: dict[int, str] = {}
        for occurrence in occurrences:
            planned_ids.add(occurrence.id)
            digest = content_hash(occurrence, fingerprints[occurrence.obligation], steps_cache)
            old = existing.get(occurrence.id)
            if old is None:
                new_rows.append({"id": occurrence.id, **_occurrence_values(occurrence, digest),
                                 "revision": 0, "lifecycle": Lifecycle.ACTIVE.value,
                                 "cancelled_on": None, "created_at": now, "changed_at": now})
                new_steps.extend(_step_values(occurrence))
            elif old.content_hash != digest or old.lifecycle != Lifecycle.ACTIVE.value:
                changed_rows.append({"b_id": occurrence.id,
                                     **_occurrence_values(occurrence, digest),
                                     "revision": old.revision + 1,
                                     "lifecycle": Lifecycle.ACTIVE.value,
                                     "cancelled_on": None, "changed_at": now})
                new_steps.extend(_step_values(occurrence))
            else:
                unchanged += 1
        gone = [
            {"b_id": row.id, "revision": row.revision + 1}
            for row in existing.values()
            if row.id not in planned_ids and row.id not in keep
            and row.lifecycle == Lifecycle.ACTIVE.value
            and window.contains(row.due)
            and (obligations is None or row.obligation in obligations)
        ]
        if new_rows:
            session.execute(insert(table), new_rows)
        if changed_rows:
            session.execute(
                delete(steps).where(steps.c.occurrence_id == bindparam("b_id")),
                [{"b_id": row["b_id"]} for row in changed_rows],
            )
            values: dict[str, object] = {
                key: bindparam(key) for key in changed_rows[0] if key != "b_id"
            }
            session.execute(update(table).where(table.c.id == bindparam("b_id")).values(values),
                            changed_rows)
        if new_steps:
            session.execute(insert(steps), new_steps)
        if gone:
            session.execute(
                update(table).where(table.c.id == bindparam("b_id")).values(
                    lifecycle=Lifecycle.CANCELLED.value, cancelled_on=today,
                    revision=bindparam("revision"), changed_at=now),
                gone,
            )
    return SyncReport(new=len(new_rows), changed=len(changed_rows), cancelled=len(gone),
                      unchanged=unchanged)
