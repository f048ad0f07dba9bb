"""The one read model of a duty: what the store knows of an occurrence and its steps. Pure.

`state/` builds it from its rows (`state.queries.duties`) and every reader takes it from
there: the feeds, the messages, the pages, the API, the CLI and the flows. It lives in the
core because the pure feed renderer reads it and may not import `state/`; it holds no ORM
object, only values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from calendars.workdays import NonWorkingDays
from obligations.lang import LANGS, Lang, StepStatus
from obligations.parties import PartyRef
from obligations.schema import OwedBy, PartyKind

if TYPE_CHECKING:
    from calendars.schedule import Occurrence


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A non-working day a deadline moved over."""

    day: date
    holiday: tuple[str, str, str] | None
    """The holiday's name in fi, sv and en; None for a Saturday or Sunday."""

    def name(self, lang: Lang) -> str | None:
        """The holiday's name in `lang` (None for a weekend day)."""
        return self.holiday[LANGS.index(lang)] if self.holiday is not None else None


@dataclass(frozen=True, slots=True)
class ShiftReason:
    """Why a deadline's effective date differs from the statutory one, as data.

    Rendered in one place, `calendars.wording.describe_shift`.
    """

    statutory: date
    effective: date
    skipped: tuple[SkippedDay, ...]
    """From the statutory date towards the effective one."""

    @property
    def later(self) -> bool:
        """True when the deadline moved to a later day (a filing, 150/1930 §5)."""
        return self.effective > self.statutory

    @classmethod
    def between(cls, statutory: date, effective: date,
                non_working_days: NonWorkingDays) -> ShiftReason | None:
        """The shift from `statutory` to `effective`; None when the date did not move."""
        if statutory == effective:
            return None
        step = timedelta(days=1 if effective > statutory else -1)
        skipped = []
        day = statutory
        while day != effective:
            names = non_working_days.holidays.get(day)
            skipped.append(SkippedDay(day, tuple(names[lang] for lang in LANGS)  # type: ignore[arg-type]
                                      if names is not None else None))
            day += step
        return cls(statutory, effective, tuple(skipped))


@dataclass(frozen=True, slots=True)
class DutyStep:
    """A planned step with the status the store knows."""

    step: str
    role: str
    party: str
    """Which kind of party does it (`obligations.schema.PartyKind`)."""
    due: date
    due_effective: date
    status: StepStatus
    revision: int
    changed_at: datetime | None
    optional: bool = False
    note: str | None = None
    shift: ShiftReason | None = None
    legal_limit: date | None = None
    """The last day the law allows; None (a caller's own value) counts as the target."""

    @property
    def limit(self) -> date:
        """The legal limit, or the effective target where none is known."""
        return self.legal_limit or self.due_effective

    @property
    def closed(self) -> bool:
        """Done, waived or not applicable."""
        return self.status.closed

    @property
    def by_county(self) -> bool:
        """True when the county does the step."""
        return self.party == PartyKind.REGION.value


@dataclass(frozen=True, slots=True)
class Duty:
    """An occurrence as the store knows it: dates, revision, cancellation, its steps."""

    id: str
    obligation: str
    owed_by: str
    """`obligations.schema.OwedBy`."""
    party: PartyRef
    """Who owes it (a municipality, county, pair or sub-regional group)."""
    municipality: str | None
    region: str | None
    participants: tuple[str, ...]
    period: str
    term: str
    term_year: int
    due: date
    due_effective: date
    revision: int
    changed_at: datetime
    cancelled: bool
    steps: tuple[DutyStep, ...]
    due_source: str = "statute"
    """Where the duty's date comes from (`obligations.schema.DeadlineSource`)."""
    group: str | None = None
    """The sub-regional group of a negotiation held per group."""
    shift: ShiftReason | None = None
    cancelled_on: date | None = None
    legal_limit: date | None = None
    """The last day the law allows; None (a caller's own value) counts as the target."""
    tracked_from: date | None = None
    """The owing party's "tracked from" day from the configuration (`TrackedFrom`); None:
    tracked throughout."""

    @property
    def limit(self) -> date:
        """The legal limit, or the effective target where none is known."""
        return self.legal_limit or self.due_effective

    @property
    def tracked(self) -> bool:
        """False for a duty whose effective target is before its party's "tracked from" day.

        The one rule of onboarding mid-term (issue 14): such a duty is never late, past its
        limit, reminded or escalated; its steps still show the status recorded for them.
        """
        return self.tracked_from is None or self.due_effective >= self.tracked_from

    @property
    def complete(self) -> bool:
        """Every step that is not optional is done, waived or not applicable."""
        return all(s.status.closed for s in self.steps if not s.optional)

    @property
    def county_own(self) -> bool:
        """A duty the county owes alone (no municipality takes part)."""
        return self.municipality is None and not self.participants

    def _open_after(self, today: date,
                    deadline: Callable[[DutyStep], date]) -> tuple[DutyStep, ...]:
        """Required steps still open after `deadline` (none if the duty is not tracked)."""
        if not self.tracked:
            return ()
        return tuple(s for s in self.steps
                     if not s.status.closed and not s.optional and deadline(s) < today)

    def overdue_steps(self, today: date) -> tuple[DutyStep, ...]:
        """Steps still open after their effective deadline (none if the duty is not tracked)."""
        return self._open_after(today, lambda s: s.due_effective)

    def days_late(self, today: date) -> int:
        """Days since the earliest missed step deadline (0 when none is missed)."""
        late = self.overdue_steps(today)
        return (today - min(s.due_effective for s in late)).days if late else 0

    def past_limit_steps(self, today: date) -> tuple[DutyStep, ...]:
        """Steps still open after their legal limit: the law, not only the target, is missed.

        None if the duty is not tracked.
        """
        return self._open_after(today, lambda s: s.limit)

    def days_past_limit(self, today: date) -> int:
        """Days since the earliest missed legal limit (0 when none is missed)."""
        past = self.past_limit_steps(today)
        return (today - min(s.limit for s in past)).days if past else 0

    def next_step(self) -> DutyStep | None:
        """The first step that is still open."""
        return next((s for s in self.steps if not s.status.closed), None)

    @property
    def county(self) -> PartyRef | None:
        """The duty's county as a party (None for none)."""
        return PartyRef.of_county(self.region) if self.region else None

    def step_owners(self, step: DutyStep) -> tuple[PartyRef, ...]:
        """The parties whose people do the step: the county, or each municipality taking part."""
        if step.by_county:
            return (PartyRef.of_county(self.region),) if self.region else ()
        return tuple(PartyRef.of_municipality(code) for code in self.participants)

    def step_named(self, step_id: str) -> DutyStep:
        """The step with this id (KeyError if the duty has none)."""
        for step in self.steps:
            if step.step == step_id:
                return step
        raise KeyError(step_id)


TrackedFrom = Callable[[PartyRef, str | None], date | None]
"""(owing party, county code) → that party's "tracked from" day, or None
(`obligations.config.Configuration.tracked_from`); the store's read fills `Duty.tracked_from`
with it."""


def owing_party(owed_by: str, municipality: str | None, region: str | None,
                participants: Sequence[str], group: str | None) -> PartyRef:
    """The party reference of a duty, from its stored or planned fields."""
    return PartyRef.owing(negotiation=OwedBy(owed_by).is_negotiation,
                          municipality=municipality, region=region,
                          participants=participants, group=group)


def planned_duty(occurrence: Occurrence, non_working_days: NonWorkingDays, *,
                 changed_at: datetime, revision: int = 0, cancelled: bool = False,
                 statuses: Mapping[str, tuple[StepStatus, int, datetime | None]] | None = None,
                 ) -> Duty:
    """A planned occurrence as the store would show it after a sync.

    `statuses` gives some steps (by id) a status, revision and change time; the others are
    not started. For tests and benchmarks that render without a store.
    """
    known = statuses or {}
    steps = []
    for planned in occurrence.steps:
        status, step_revision, step_changed = known.get(
            planned.step, (StepStatus.NOT_STARTED, 0, None))
        deadline = planned.deadline
        steps.append(DutyStep(
            step=planned.step, role=planned.role.value, party=planned.party.value,
            due=deadline.statutory, due_effective=deadline.effective, status=status,
            revision=step_revision, changed_at=step_changed, optional=planned.optional,
            shift=ShiftReason.between(deadline.statutory, deadline.effective,
                                      non_working_days),
            legal_limit=deadline.legal_limit))
    deadline = occurrence.deadline
    return Duty(
        id=occurrence.id, obligation=occurrence.obligation, owed_by=occurrence.owed_by.value,
        party=owing_party(occurrence.owed_by.value, occurrence.municipality, occurrence.region,
                          occurrence.participants, occurrence.group),
        municipality=occurrence.municipality, region=occurrence.region,
        participants=occurrence.participants, period=occurrence.period, term=occurrence.term,
        term_year=occurrence.term_year, due=deadline.statutory,
        due_effective=deadline.effective, revision=revision, changed_at=changed_at,
        cancelled=cancelled, steps=tuple(steps), due_source=deadline.source.value,
        group=occurrence.group, legal_limit=deadline.legal_limit,
        shift=ShiftReason.between(deadline.statutory, deadline.effective, non_working_days))
