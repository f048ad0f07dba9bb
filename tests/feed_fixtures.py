"""Feed inputs built from the real plan, with fixed revisions, stamps and statuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from calendars.feeds import FeedOccurrence, FeedStep
from calendars.schedule import Occurrence

STAMP = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)


def feed_view_of(occurrences: Sequence[Occurrence], done: frozenset[tuple[str, str]] = frozenset(),
                 cancelled: frozenset[str] = frozenset()) -> list[FeedOccurrence]:
    """The store's view of a plan: revision 0, nothing started except `done` steps."""
    return [
        FeedOccurrence(
            id=o.id, obligation=o.obligation, owed_by=o.owed_by.value,
            municipality=o.municipality, region=o.region, participants=o.participants,
            period=o.period, term=o.term, term_year=o.term_year, due=o.deadline.statutory,
            due_effective=o.deadline.effective, revision=1 if o.id in cancelled else 0,
            changed_at=STAMP, cancelled=o.id in cancelled,
            steps=tuple(
                FeedStep(step=s.step, role=s.role.value, party=s.party.value,
                         due=s.deadline.statutory, due_effective=s.deadline.effective,
                         status="done" if (o.id, s.step) in done else "not_started",
                         revision=1 if (o.id, s.step) in done else 0,
                         changed_at=datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
                         if (o.id, s.step) in done else None,
                         legal_limit=s.deadline.legal_limit)
                for s in o.steps),
            due_source=o.deadline.source.value, legal_limit=o.deadline.legal_limit,
        )
        for o in occurrences
    ]


KAINUU_START, KAINUU_END = date(2026, 1, 1), date(2026, 12, 31)
