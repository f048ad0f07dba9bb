"""Feed inputs built from the real plan, with fixed revisions, stamps and statuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from calendars.duty import Duty, planned_duty
from calendars.schedule import Occurrence
from calendars.workdays import NonWorkingDays, finnish_non_working_days
from obligations.lang import StepStatus

STAMP = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
DONE_AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def feed_view_of(occurrences: Sequence[Occurrence], done: frozenset[tuple[str, str]] = frozenset(),
                 cancelled: frozenset[str] = frozenset(),
                 non_working_days: NonWorkingDays | None = None) -> list[Duty]:
    """The store's view of a plan: revision 0, nothing started except `done` steps."""
    days = non_working_days or finnish_non_working_days(2020, 2045)
    return [
        planned_duty(o, days, changed_at=STAMP, revision=1 if o.id in cancelled else 0,
                     cancelled=o.id in cancelled,
                     statuses={step: (StepStatus.DONE, 1, DONE_AT)
                               for occurrence, step in done if occurrence == o.id})
        for o in occurrences
    ]


KAINUU_START, KAINUU_END = date(2026, 1, 1), date(2026, 12, 31)
