"""The planning engine: definitions × parties × terms × non-working days → occurrences.

Pure and deterministic: no clock, no I/O, no environment. The same input gives the same
output in any input order. An occurrence's id derives from obligation, party and period
only, so a deadline that moves keeps its identity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from calendars.collector import collector_paused
from calendars.terms import Body, CouncilTerm, terms_overlapping
from calendars.workdays import NonWorkingDays, ShiftedDate
from obligations.config import EMPTY_CONFIGURATION, Configuration, PracticeDates
from obligations.parties import PartyRef, Registry
from obligations.schema import (
    Arrangement,
    Cadence,
    DateRule,
    Deadline,
    DeadlineKind,
    DeadlineSource,
    EndOfPeriod,
    ObligationDefinition,
    OwedBy,
    PartyKind,
    Role,
    Status,
    Verification,
)

LATEST_PLANNABLE = date(2199, 12, 31)
REFORM_START = date(2023, 1, 1)
"""Counties took over services on 1.1.2023; the duties planned here start then."""

_JOINT_ARRANGEMENTS = frozenset(
    {Arrangement.WHOLE_REGION, Arrangement.THEMATIC, Arrangement.CONTINUOUS,
     Arrangement.STANDARD_FORM}
)


class PlanningError(ValueError):
    """Raised when the planning input is inconsistent (window, non-working days)."""


@dataclass(frozen=True, slots=True)
class PlanWindow:
    """Occurrences whose statutory due date is within [start, end] are planned."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end > LATEST_PLANNABLE:
            raise PlanningError(f"plans reach at most to {LATEST_PLANNABLE.isoformat()}")
        if self.start > self.end:
            raise PlanningError(
                f"the window starts ({self.start.isoformat()}) after it ends "
                f"({self.end.isoformat()})"
            )

    def contains(self, day: date) -> bool:
        """True if `day` is inside the window."""
        return self.start <= day <= self.end

    @property
    def years_needed(self) -> tuple[int, int]:
        """Years of non-working days the plan may touch (reminders and shifts spill over)."""
        return self.start.year - 2, self.end.year + 3


@dataclass(frozen=True, slots=True)
class PlannedDeadline:
    """A date with its statutory and effective values, where it comes from and its limit.

    `statutory` is the date the rule gives (the law's date, or the practice or local
    target); `effective` is that date moved off a non-working day (earlier for a body's own
    decision, later for a filing with an authority); `legal_limit` is the last day the law
    allows: the law's own date (for a filing, as 150/1930 §5 moves it), else the last day
    of the period ("every year": 31.12; "once per term": the term's last day).
    """

    statutory: date
    effective: date
    skipped: tuple[date, ...]
    """Non-working days passed over; empty when effective == statutory."""
    source: DeadlineSource
    kind: DeadlineKind
    verification: Verification
    legal_limit: date

    @property
    def shifted(self) -> bool:
        """True if the effective date is not the statutory one."""
        return self.effective != self.statutory


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One checklist step of one occurrence."""

    step: str
    role: Role
    party: PartyKind
    optional: bool
    after: tuple[str, ...]
    deadline: PlannedDeadline
    reminders: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One duty of one party (or pair, or group) for one period."""

    id: str
    obligation: str
    owed_by: OwedBy
    municipality: str | None
    """The owing municipality; None for county duties and joint negotiations."""
    region: str | None
    """The county (or Helsinki, 90) the duty belongs to."""
    participants: tuple[str, ...]
    """Municipalities taking part in a negotiation; the owing municipality otherwise."""
    group: str | None
    """Sub-regional group of a sub-regional negotiation."""
    arrangement: Arrangement | None
    """How the county groups a negotiation; None for a duty that is not one."""
    period: str
    """The year (`2026`) or council term (`2025-2029`) the duty is for: the id's last part."""
    term: str
    """The council term (`2025-2029`) the deadline falls in."""
    term_year: int
    """Which year of that term (1 to 4; a term year runs from 1 June to 31 May)."""
    deadline: PlannedDeadline
    steps: tuple[PlannedStep, ...]
    reminders: tuple[date, ...]
    depends_on: tuple[str, ...]
    status: Status
    optional: bool


@dataclass(frozen=True, slots=True)
class PlanFilter:
    """Restrict a plan to some obligations, one county or one municipality."""

    obligations: frozenset[str] | None = None
    region: str | None = None
    municipality: str | None = None
    """Duties the municipality owes or takes part in."""


@dataclass(frozen=True, slots=True)
class _Slot:
    """Who owes one occurrence per period: a party, a pair or a group."""

    key: str
    municipality: str | None
    region: str
    participants: tuple[str, ...]
    group: str | None
    arrangement: Arrangement | None
    party_kind: PartyKind
    parties: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Period:
    key: str
    year: int
    """Calendar or fiscal year; for per-term periods the year the term starts."""
    term: CouncilTerm | None
    due: date | None = None
    """A rolling review's due day (the approval's anniversary); None for the others."""


Approvals = Mapping[tuple[str, str], date]
"""(obligation, party key) → the last approval recorded in the store (a rolling duty's
anchor-step `decided_on`), e.g. `("child-youth-welfare-plan", "m564") → 2022-06-01`."""


def anniversary(anchor: date, years: int) -> date:
    """`years` years after `anchor`; 29 February gives 28 February, never a day later."""
    try:
        return anchor.replace(year=anchor.year + years)
    except ValueError:  # 29 February into a common year
        return anchor.replace(year=anchor.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Unanchored:
    """A rolling duty of one party whose last approval is unknown: no due date yet."""

    obligation: str
    party: str
    """The party key (`m564`, `r19`)."""
    region: str
    municipality: str | None
    status: Status


def anchor_of(definition: ObligationDefinition, party: str, region: str,
              municipality: str | None, approvals: Approvals,
              configuration: Configuration) -> date | None:
    """A rolling duty's anchor: the store's last approval, else the configuration's."""
    recorded = approvals.get((definition.id, party))
    if recorded is not None:
        return recorded
    return configuration.last_approval(definition.id, region, municipality)


def _rolling_period(anchor: date, years: int) -> _Period:
    """The review `years` after `anchor`, keyed by the year it is due.

    So the id stays while the anchor moves within that year (see docs/DESIGN.md).
    """
    due = anniversary(anchor, years)
    return _Period(str(due.year), due.year, None, due)


def plan(
    definitions: Iterable[ObligationDefinition],
    registry: Registry,
    non_working_days: NonWorkingDays,
    window: PlanWindow,
    configuration: Configuration = EMPTY_CONFIGURATION,
    selection: PlanFilter | None = None,
    approvals: Approvals | None = None,
) -> tuple[Occurrence, ...]:
    """Every occurrence due in `window`, sorted by statutory date, obligation and id.

    A rolling duty is planned for a party only once its anchor is known (`approvals`, else
    the configuration's last approval); `unanchored` lists the others.
    """
    if window.start < REFORM_START:
        raise PlanningError(
            f"planning starts at {REFORM_START.isoformat()}, when the counties took over; "
            f"{window.start.isoformat()} is earlier"
        )
    first, last = window.years_needed
    if not (non_working_days.covers(date(first, 1, 1)) and
            non_working_days.covers(date(last, 12, 31))):
        raise PlanningError(
            f"the non-working days must cover {first}–{last} for this window; they cover "
            f"{non_working_days.first_year}–{non_working_days.last_year}"
        )
    selection = selection or PlanFilter()
    try:
        with collector_paused():
            return _plan(definitions, registry, non_working_days, window, configuration,
                         selection, approvals or {})
    except ValueError as exc:  # e.g. a local date beyond the non-working days known
        raise PlanningError(str(exc)) from None


def _plan(
    definitions: Iterable[ObligationDefinition],
    registry: Registry,
    non_working_days: NonWorkingDays,
    window: PlanWindow,
    configuration: Configuration,
    selection: PlanFilter,
    approvals: Approvals,
) -> tuple[Occurrence, ...]:
    by_id = {d.id: d for d in definitions}
    municipal = _municipal_slots(registry)
    slots = {d_id: _slots(d, registry, configuration, municipal) for d_id, d in by_id.items()}
    outside_county = frozenset(m.code for m in registry.municipalities
                               if not registry.region(m.region_code).is_county)
    slots_by_party = _index_by_party(slots)
    terms = {body: terms_overlapping(body, window.start - timedelta(days=5 * 366),
                                     window.end + timedelta(days=5 * 366)) for body in Body}
    occurrences: list[Occurrence] = []
    cache: _DateCache = {}
    for definition_id in sorted(by_id):
        if selection.obligations is not None and definition_id not in selection.obligations:
            continue
        definition = by_id[definition_id]
        # Periods outside, parties inside: each (obligation, period) then yields one run
        # already in id order, and the final sort merges a few long runs in linear time.
        chosen = sorted((s for s in slots[definition_id] if _selected(s, selection)),
                        key=lambda s: s.key + ".")
        for party_kind in PartyKind:
            body = _body(party_kind)
            kind_slots = [s for s in chosen if s.party_kind is party_kind]
            locals_ = [configuration.practice_dates(definition.id, s.region, s.municipality)
                       for s in kind_slots]
            for period, pairs in _each_period(definition, kind_slots, locals_, window,
                                              terms[body], approvals, configuration):
                for slot, local in pairs:
                    in_county = slot.municipality not in outside_county
                    key = (definition.id, period.key, period.due, party_kind, id(local),
                           in_county)
                    if key in cache:
                        dated = cache[key]
                    else:
                        dated = cache[key] = _dated(definition, period, party_kind, local,
                                                    non_working_days, window, terms[body],
                                                    in_county=in_county)
                    if dated is not None:
                        occurrences.append(
                            _occurrence(definition, slot, period, dated, by_id, slots_by_party)
                        )
    occurrences.sort(key=lambda o: (o.deadline.statutory, o.obligation, o.id))
    return tuple(occurrences)


_SlotIndex = dict[str, dict[str, list[_Slot]]]


def _index_by_party(slots: dict[str, tuple[_Slot, ...]]) -> _SlotIndex:
    """Obligation -> party key (m564, r19) -> the slots that party is in."""
    index: _SlotIndex = {}
    for obligation_id, obligation_slots in slots.items():
        by_party = index.setdefault(obligation_id, {})
        for slot in obligation_slots:
            for party in slot.parties:
                by_party.setdefault(party, []).append(slot)
    return index


def _selected(slot: _Slot, selection: PlanFilter) -> bool:
    if selection.region is not None and slot.region != selection.region:
        return False
    return selection.municipality is None or selection.municipality in slot.participants


def _body(party_kind: PartyKind) -> Body:
    return Body.MUNICIPAL_COUNCIL if party_kind is PartyKind.MUNICIPALITY else Body.REGIONAL_COUNCIL


def _slots(
    definition: ObligationDefinition, registry: Registry, configuration: Configuration,
    municipal: Sequence[_Slot],
) -> tuple[_Slot, ...]:
    """Who owes `definition`; `municipal` is every municipality's own slot, in registry order."""
    slots: list[_Slot] = []
    owed_by = definition.owed_by
    if owed_by in (OwedBy.MUNICIPALITY, OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY):
        slots.extend(municipal)
    if owed_by in (OwedBy.REGION, OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY):
        slots.extend(
            _Slot(key, None, r.code, (), None, None, PartyKind.REGION, frozenset({key}))
            for r in registry.counties for key in (PartyRef.of_county(r.code).key,)
        )
        if definition.self_organising_municipalities and owed_by is OwedBy.REGION:
            # A municipality outside every county (Helsinki) owes the county duty itself,
            # its council acting for a county council: a municipal occurrence.
            slots.extend(s for s in municipal if not registry.region(s.region).is_county)
    if owed_by.is_negotiation:
        for region in registry.counties:
            members = tuple(m.code for m in registry.members(region.code))
            arrangement = (configuration.arrangement(region.code, definition.id)
                           or definition.default_arrangement or Arrangement.WHOLE_REGION)
            slots.extend(_negotiation_slots(region.code, members, arrangement, configuration))
    return tuple(slots)


def _municipal_slots(registry: Registry) -> tuple[_Slot, ...]:
    """Each municipality's own slot, built once per plan: the obligations share them."""
    slots = []
    for municipality in registry.municipalities:
        key = PartyRef.of_municipality(municipality.code).key
        slots.append(_Slot(key, municipality.code, municipality.region_code,
                           (municipality.code,), None, None, PartyKind.MUNICIPALITY,
                           frozenset({key})))
    return tuple(slots)


def _negotiation_slots(
    region: str, members: tuple[str, ...], arrangement: Arrangement, configuration: Configuration
) -> Iterator[_Slot]:
    def slot(key: str, participants: Sequence[str], group: str | None) -> _Slot:
        parties = frozenset({PartyRef.of_county(region).key,
                             *(PartyRef.of_municipality(code).key for code in participants)})
        municipality = participants[0] if arrangement is Arrangement.PER_MUNICIPALITY else None
        return _Slot(key, municipality, region, tuple(sorted(participants)), group, arrangement,
                     PartyKind.REGION, parties)

    if arrangement is Arrangement.PER_MUNICIPALITY:
        for code in members:
            yield slot(PartyRef.of_pair(region, code).key, (code,), None)
    elif arrangement is Arrangement.SUB_REGIONAL:
        for group in configuration.sub_regions(region):
            yield slot(PartyRef.of_group(region, group.id).key, group.municipalities, group.id)
    else:
        yield slot(PartyRef.of_county(region).key, members, None)


def _periods(
    cadence: Cadence, window: PlanWindow, terms: Sequence[CouncilTerm]
) -> Iterator[_Period]:
    if cadence.per_term:
        for term in terms:
            yield _Period(term.id, term.start.year, term)
    else:
        # A deadline may lie a year before (budget) or after (financial statements) its
        # period, so look one year beyond the window on each side.
        for year in range(window.start.year - 1, window.end.year + 2):
            yield _Period(str(year), year, None)


_SlotDates = tuple[_Slot, PracticeDates | None]


def _each_period(
    definition: ObligationDefinition,
    slots: Sequence[_Slot],
    locals_: Sequence[PracticeDates | None],
    window: PlanWindow,
    terms: Sequence[CouncilTerm],
    approvals: Approvals,
    configuration: Configuration,
) -> Iterator[tuple[_Period, Iterable[_SlotDates]]]:
    """Each period with its (slot, local dates): all slots, or one per rolling review.

    A shared period has every slot; an anchored rolling review, its one slot. Periods
    outside, so each run is in id order; a period's slots come as one iterable, so the
    planner's inner loop resumes no generator per party (7 % of a plan).
    """
    if definition.cadence is not Cadence.ROLLING:
        for period in _periods(definition.cadence, window, terms):
            yield period, zip(slots, locals_, strict=True)
        return
    assert definition.every_years is not None, "the loader requires it of a rolling duty"
    for slot, local in zip(slots, locals_, strict=True):
        anchor = anchor_of(definition, slot.key, slot.region, slot.municipality, approvals,
                           configuration)
        if anchor is not None:
            yield _rolling_period(anchor, definition.every_years), ((slot, local),)


def unanchored(
    definitions: Iterable[ObligationDefinition],
    registry: Registry,
    approvals: Approvals,
    configuration: Configuration = EMPTY_CONFIGURATION,
    selection: PlanFilter | None = None,
) -> tuple[Unanchored, ...]:
    """The rolling duties of parties whose last approval is unknown, by obligation and party.

    They have no due date yet, so no occurrence, reminder or escalation.
    """
    selection = selection or PlanFilter()
    found: list[Unanchored] = []
    municipal = _municipal_slots(registry)
    for definition in sorted(definitions, key=lambda d: d.id):
        if definition.cadence is not Cadence.ROLLING or (
                selection.obligations is not None and definition.id not in selection.obligations):
            continue
        found.extend(
            Unanchored(definition.id, slot.key, slot.region, slot.municipality, definition.status)
            for slot in sorted(_slots(definition, registry, configuration, municipal),
                               key=lambda s: s.key)
            if _selected(slot, selection) and anchor_of(
                definition, slot.key, slot.region, slot.municipality, approvals,
                configuration) is None)
    return tuple(found)


_END_OF_PERIOD = EndOfPeriod(kind="end_of_period")


def _rule_date(rule: DateRule, period: _Period, obligation_due: date | None) -> date:
    if period.due is not None and rule.kind in ("anniversary", "end_of_period"):
        return period.due
    if rule.kind == "date_in_year":
        return date(period.year + rule.year_offset, rule.month, rule.day)
    if rule.kind == "end_of_period":
        return period.term.end if period.term is not None else date(period.year, 12, 31)
    if rule.kind == "end_of_term_year":
        assert period.term is not None, "loader rejects end_of_term_year for yearly duties"
        return period.term.term_year_end(rule.term_year)
    assert rule.kind == "days_before_deadline", "the loader keeps anniversary to rolling duties"
    assert obligation_due is not None, "loader rejects days_before_deadline for obligations"
    return obligation_due - timedelta(days=rule.days)


def _effective_rule(
    defined: Deadline, local: DateRule | None, *, inherited: bool = False
) -> tuple[DateRule, DeadlineSource]:
    """The local rule where the law leaves the date open, else the defined one.

    A step without a date of its own only inherits its duty's date as the latest one, so
    a local date may always be set for it.
    """
    if local is not None and (inherited or defined.source is not DeadlineSource.STATUTE):
        return local, DeadlineSource.LOCAL
    return defined.rule, defined.source


def _deadline(
    statutory: date,
    source: DeadlineSource,
    defined: Deadline,
    non_working_days: NonWorkingDays,
    limit: date | None,
) -> PlannedDeadline:
    """Shift by the deadline's kind; `limit` None: the law's own date is the limit."""
    shifted: ShiftedDate = non_working_days.shift(statutory, defined.kind.shift)
    if limit is None:
        limit = (shifted.effective if defined.kind is DeadlineKind.AUTHORITY_FILING
                 else shifted.statutory)
    return PlannedDeadline(shifted.statutory, shifted.effective, shifted.skipped, source,
                           defined.kind, defined.verification, limit)


def _reminders(
    effective: date, offsets: Iterable[int], non_working_days: NonWorkingDays
) -> tuple[date, ...]:
    return tuple(sorted({
        non_working_days.working_day_on_or_before(effective - timedelta(days=offset))
        for offset in offsets
    }))


@dataclass(frozen=True, slots=True)
class _Dated:
    """The dates of one obligation for one period: shared by every party with the same rules."""

    term: str
    term_year: int
    deadline: PlannedDeadline
    steps: tuple[PlannedStep, ...]
    reminders: tuple[date, ...]


_DateCache = dict[tuple[str, str, date | None, PartyKind, int, bool], "_Dated | None"]


def _dated(
    definition: ObligationDefinition,
    period: _Period,
    party_kind: PartyKind,
    local: PracticeDates | None,
    non_working_days: NonWorkingDays,
    window: PlanWindow,
    terms: Sequence[CouncilTerm],
    *,
    in_county: bool = True,
) -> _Dated | None:
    rule, source = _effective_rule(definition.deadline, local.deadline if local else None)
    due = _rule_date(rule, period, None)
    # A rolling duty's review is the one open until the next approval: due before the
    # window it is overdue, and still planned.
    if due > window.end or due < REFORM_START or (
            period.due is None and due < window.start):
        return None
    term = period.term or next((t for t in terms if t.contains(due)), None)
    if term is None:
        return None
    # Where the law sets the date, it is the limit; where it sets only a cadence, the
    # period's last day is (a practice or local target may come earlier, never later).
    limit = (None if definition.deadline.source is DeadlineSource.STATUTE
             else _rule_date(_END_OF_PERIOD, period, None))
    deadline = _deadline(due, source, definition.deadline, non_working_days, limit)
    steps = []
    previous: str | None = None
    kept = {s.id for s in definition.steps if in_county or not s.only_in_county}
    for step in definition.steps:
        if step.id not in kept:
            continue
        local_rule = local.steps.get(step.id) if local is not None else None
        if step.deadline is None and local_rule is None:
            step_deadline = deadline
        else:
            defined = step.deadline or definition.deadline
            step_rule, step_source = _effective_rule(defined, local_rule,
                                                     inherited=step.deadline is None)
            own_limit = (step.deadline is not None and
                         step.deadline.source is DeadlineSource.STATUTE)
            step_deadline = _deadline(_rule_date(step_rule, period, due), step_source,
                                      defined, non_working_days,
                                      None if own_limit else deadline.legal_limit)
        after = tuple(a for a in step.after if a in kept) if step.after is not None else (
            (previous,) if previous else ())
        steps.append(PlannedStep(
            step=step.id,
            role=step.role,
            party=step.party or party_kind,
            optional=step.optional,
            after=after,
            deadline=step_deadline,
            reminders=_reminders(step_deadline.effective, step.reminders or definition.reminders,
                                 non_working_days),
        ))
        previous = step.id
    reminders = _reminders(deadline.effective, definition.reminders, non_working_days)
    return _Dated(term.id, term.term_year(due), deadline, tuple(steps), reminders)


def _occurrence(
    definition: ObligationDefinition,
    slot: _Slot,
    period: _Period,
    dated: _Dated,
    by_id: dict[str, ObligationDefinition],
    slots_by_party: _SlotIndex,
) -> Occurrence:
    due = dated.deadline.statutory
    return Occurrence(
        id=f"{definition.id}.{slot.key}.{period.key}",
        obligation=definition.id,
        owed_by=definition.owed_by,
        municipality=slot.municipality,
        region=slot.region,
        participants=slot.participants,
        group=slot.group,
        arrangement=slot.arrangement,
        period=period.key,
        term=dated.term,
        term_year=dated.term_year,
        deadline=dated.deadline,
        steps=dated.steps,
        reminders=dated.reminders,
        depends_on=_dependencies(definition, slot, period, due, by_id, slots_by_party)
        if definition.depends_on else (),
        status=definition.status,
        optional=definition.optional,
    )


def _dependencies(
    definition: ObligationDefinition,
    slot: _Slot,
    period: _Period,
    due: date,
    by_id: dict[str, ObligationDefinition],
    slots_by_party: _SlotIndex,
) -> tuple[str, ...]:
    """Ids of the occurrences to be done first: same parties, the related period."""
    ids: list[str] = []
    for dependency in definition.depends_on:
        other = by_id.get(dependency.obligation)
        if other is None:
            continue
        if other.cadence.per_term:
            body = _body(PartyKind.REGION if other.owed_by.is_negotiation or
                         other.owed_by is OwedBy.REGION else PartyKind.MUNICIPALITY)
            candidates = terms_overlapping(body, due, due)
            if not candidates:
                continue
            term = candidates[0]
            if dependency.period_offset:
                earlier = terms_overlapping(body, term.start - timedelta(days=1),
                                            term.start - timedelta(days=1))
                if not earlier:
                    continue
                term = earlier[0]
            period_key = term.id
        else:
            base = period.year if not definition.cadence.per_term else due.year
            period_key = str(base + dependency.period_offset)
        keys = {other_slot.key for party in slot.parties
                for other_slot in slots_by_party.get(other.id, {}).get(party, ())}
        ids.extend(f"{other.id}.{key}.{period_key}" for key in keys)
    return tuple(sorted(ids))
