"""The approvals the store has recorded: the anchors of rolling duties (issue 13).

A rolling duty (every N years from the last approval) is due N years after the latest
`decided_on` recorded as evidence on its anchoring step, for that party. The engine takes
these dates as an input; this module only reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlmodel import Session, col

from state.models import EvidenceRow, OccurrenceRow


@dataclass(frozen=True)
class RecordedApprovals:
    """The latest decision per duty and party, and the occurrences that hold one."""

    latest: dict[tuple[str, str], date]
    """(obligation, party key) → the latest `decided_on` on the anchoring step."""
    decided: frozenset[str]
    """Ids of the occurrences whose anchoring step has a decision: each is the review that
    decision closed, kept by the sync although the plan has moved on to the next one."""


def recorded_approvals(engine: Engine, anchor_steps: Mapping[str, str]) -> RecordedApprovals:
    """Decisions on `anchor_steps` (obligation → its anchoring step), of every lifecycle.

    A cancelled occurrence's decision still counts: the council did approve the plan.
    """
    if not anchor_steps:
        return RecordedApprovals({}, frozenset())
    statement = (
        select(col(OccurrenceRow.obligation), col(OccurrenceRow.id), col(EvidenceRow.step),
               col(EvidenceRow.decided_on))
        .join(OccurrenceRow, col(OccurrenceRow.id) == col(EvidenceRow.occurrence_id))
        .where(col(OccurrenceRow.obligation).in_(sorted(anchor_steps)),
               col(EvidenceRow.decided_on).is_not(None))
    )
    latest: dict[tuple[str, str], date] = {}
    decided: set[str] = set()
    with Session(engine) as session:
        for obligation, occurrence_id, step, decided_on in session.execute(statement):
            if step != anchor_steps[obligation]:
                continue
            # Ids are obligation.party.period, none of them holding a dot.
            key = (obligation, occurrence_id.split(".")[1])
            if key not in latest or decided_on > latest[key]:
                latest[key] = decided_on
            decided.add(occurrence_id)
    return RecordedApprovals(latest, frozenset(decided))
