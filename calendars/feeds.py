"""Which feeds exist, what each holds, and their text in Finnish, Swedish and English. Pure.

Feeds: per pair (a municipality with its county's own duties), per party (a municipality;
a county with all its municipalities), per role of a party (its steps only) and per
obligation (the whole country). A joint negotiation is one event in a county feed.
The input is the store's view, the one read model (`calendars.duty.Duty`): revisions,
statuses and cancellations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fnmatch import fnmatchcase

from calendars.duty import Duty, DutyStep
from calendars.ics import (
    CalendarMeta,
    EventData,
    TodoData,
    alarm_moment,
    render_calendar,
    render_event,
    render_todo,
    utc,
    without_alarms,
)
from calendars.wording import (
    describe_shift,
    finnish_date,
    legal_citation,
    legal_url,
)
from calendars.workdays import NonWorkingDays
from obligations.catalogue import N_, gettext
from obligations.lang import CLOSED, StepStatus
from obligations.parties import Parties, PartyRef, Registry
from obligations.schema import (
    DeadlineSource,
    Lang,
    ObligationDefinition,
    OwedBy,
    PartyKind,
    Role,
    Status,
)
from obligations.vocabulary import label, role_label

UID_DOMAIN = "yhdyspinta.fi"
_TODO_STATUS = {
    StepStatus.NOT_STARTED: ("NEEDS-ACTION", 0),
    StepStatus.IN_PROGRESS: ("IN-PROCESS", 50),
    StepStatus.DONE: ("COMPLETED", 100),
    StepStatus.WAIVED: ("CANCELLED", 100),
    StepStatus.NOT_APPLICABLE: ("CANCELLED", 100),
}
_COLORS = {"pair": ("teal", "#008080"), "municipality": ("teal", "#008080"),
           "region": ("rebeccapurple", "#663399"), "role": ("sienna", "#a0522d"),
           "obligation": ("forestgreen", "#228b22")}
"""RFC 7986 COLOR is a CSS3 colour name; Apple's own property takes the same colour in hex."""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed: its id, what it selects, its default language."""

    id: str
    kind: str
    """pair, municipality, region, role or obligation."""
    party: PartyRef | None
    """`m564` or `r19` (none for obligation feeds)."""
    role: str | None
    obligation: str | None
    default_lang: Lang
    pair_region: str | None = None
    """For pair feeds: the county whose own duties join the municipality's."""

    def selects(self, occurrence: Duty) -> bool:
        """True if the occurrence belongs in this feed."""
        if self.kind == "obligation":
            return occurrence.obligation == self.obligation
        code = self.party.code if self.party is not None else ""
        if self.kind == "region":
            return occurrence.region == code
        if self.kind == "municipality":
            return code in occurrence.participants
        if self.kind == "pair":
            if code in occurrence.participants:
                return True
            return occurrence.municipality is None and not occurrence.participants and \
                occurrence.region == self.pair_region
        return self.kind == "role" and any(self.takes_step(occurrence, s)
                                           for s in occurrence.steps)

    def takes_step(self, occurrence: Duty, step: DutyStep) -> bool:
        """Role feeds hold only their role's steps; the other feeds hold every step."""
        if self.kind != "role":
            return True
        if step.role != self.role:
            return False
        party = self.party
        if party is None:
            return False
        if party.is_municipality:
            return not step.by_county and party.code in occurrence.participants
        return step.by_county and occurrence.region == party.code


def alarm_dates(effective: date, offsets: Sequence[int],
                non_working_days: NonWorkingDays) -> dict[date, int]:
    """Day each alarm rings → its offset: the working day on or before effective − offset.

    The same dates as the reminder messages (`notify.plan.reminder_days`): the nearest
    offset to the deadline wins when two fall on one working day.
    """
    days: dict[date, int] = {}
    for offset in sorted(set(offsets), reverse=True):
        day = effective - timedelta(days=offset)
        if non_working_days.covers(day):
            day = non_working_days.working_day_on_or_before(day)
        days[day] = offset
    return days


PRIMARY_LEAD_DAYS = 7
"""The primary reminder leaves at least this many days to act (a week by default)."""


def primary_offset(offsets: Sequence[int], lead_days: int = PRIMARY_LEAD_DAYS) -> int | None:
    """The reminder a person most needs, the first VALARM of an event.

    The one nearest the deadline that still leaves `lead_days` to act; if every reminder
    is closer than that, the earliest one.
    """
    if not offsets:
        return None
    enough = [o for o in offsets if o >= lead_days]
    return min(enough) if enough else max(offsets)


def closed_on(steps: Sequence[DutyStep]) -> date | None:
    """The day the last of `steps` was closed (done, waived, not applicable), if all are.

    The date only, in Helsinki: feeds say when, never who.
    """
    if not steps or any(s.status not in CLOSED for s in steps):
        return None
    from zoneinfo import ZoneInfo

    stamps = [utc(s.changed_at) for s in steps if s.changed_at is not None]
    if not stamps:
        return None
    return max(stamps).astimezone(ZoneInfo("Europe/Helsinki")).date()


def has_own_deadline(occurrence: Duty, step: DutyStep) -> bool:
    """True if the step is due on another day than its duty (it gets a VEVENT of its own)."""
    return step.due_effective != occurrence.due_effective


def rings(spec: FeedSpec, county_acts: bool) -> bool:
    """Whether an event keeps its alarms in this feed: alarms are for those who act.

    The obligation feeds (the whole country) follow a duty and ring for nobody; a county's
    feed holds its municipalities' duties to follow and rings only for what the county
    itself does (its own duties, the negotiations, its steps). Besides the noise of
    hundreds of alarms, this keeps every default feed under 1 MB (issue 15).
    """
    if spec.kind == "obligation":
        return False
    return spec.kind != "region" or county_acts


def home_feed(party: PartyRef) -> str:
    """A party's own feed: a municipality's pair feed (with its county's duties), a county's."""
    return f"pair-{party.code}" if party.is_municipality else f"region-{party.code}"


def is_public(feed_id: str, patterns: frozenset[str]) -> bool:
    """A feed served without a token: its id, or a pattern such as `pair-*`, is listed."""
    return feed_id in patterns or any(fnmatchcase(feed_id, p) for p in patterns if "*" in p)


def feed_catalogue(registry: Registry, definitions: Sequence[ObligationDefinition]) -> tuple[
        FeedSpec, ...]:
    """Every feed, in a stable order."""
    specs: list[FeedSpec] = []
    municipal_roles: set[str] = set()
    county_roles: set[str] = set()
    for definition in definitions:
        for step in definition.steps:
            party = step.party
            if party is None:
                if definition.owed_by in (OwedBy.MUNICIPALITY,):
                    municipal_roles.add(step.role.value)
                elif definition.owed_by is OwedBy.REGION:
                    county_roles.add(step.role.value)
                else:
                    municipal_roles.add(step.role.value)
                    county_roles.add(step.role.value)
            elif party is PartyKind.MUNICIPALITY:
                municipal_roles.add(step.role.value)
            else:
                county_roles.add(step.role.value)
    for municipality in registry.municipalities:
        lang = municipality.default_lang
        key = PartyRef.of_municipality(municipality.code)
        specs.append(FeedSpec(f"municipality-{municipality.code}", "municipality", key, None,
                              None, lang))
        region = registry.region(municipality.region_code)
        if region.is_county:
            specs.append(FeedSpec(f"pair-{municipality.code}", "pair", key, None, None, lang,
                                  pair_region=region.code))
        specs.extend(FeedSpec(f"role-{municipality.code}-{role}", "role", key, role, None, lang)
                     for role in sorted(municipal_roles))
    for region in registry.regions:
        key = PartyRef.of_county(region.code)
        specs.append(FeedSpec(f"region-{region.code}", "region", key, None, None,
                              _region_lang(registry, region.code)))
        if region.is_county:
            specs.extend(FeedSpec(f"role-{region.code}-{role}", "role", key, role, None,
                                  _region_lang(registry, region.code))
                         for role in sorted(county_roles))
    specs.extend(FeedSpec(f"obligation-{d.id}", "obligation", None, None, d.id, "fi")
                 for d in sorted(definitions, key=lambda d: d.id))
    return tuple(specs)


def removed_obligation_feeds(occurrences: Sequence[Duty],
                             definitions: Sequence[ObligationDefinition]) -> tuple[
        FeedSpec, ...]:
    """Obligation feeds of definitions removed whose cancelled duties the store still has.

    They answer with the cancellations (not 404, a sync error in every client) until the
    cancelled duties drop out of the store's view (`keep_cancelled_days`).
    """
    known = {d.id for d in definitions}
    gone = sorted({o.obligation for o in occurrences if o.cancelled} - known)
    return tuple(FeedSpec(f"obligation-{o}", "obligation", None, None, o, "fi") for o in gone)


def _region_lang(registry: Registry, region_code: str) -> Lang:
    """Swedish where most of the county's municipalities have a Swedish majority."""
    members = registry.members(region_code)
    swedish = sum(1 for m in members if m.default_lang == "sv")
    return "sv" if swedish * 2 > len(members) else "fi"


_DATE_LABELS = {"statute": N_("feed.date.statute"), "cadence": N_("feed.date.cadence"),
                "practice": N_("feed.date.practice"), "local": N_("feed.date.local")}
"""What a date is, by its source (`DeadlineSource`): the law's date, the legal limit where
the law sets only a cadence, a practice target, or a locally set date."""


@dataclass
class FeedRenderer:
    """Renders feeds from the store's view, each component once per language.

    Build a new one when the store changes (the server does, on its poll).
    """

    definitions: Mapping[str, ObligationDefinition]
    registry: Registry
    non_working_days: NonWorkingDays
    occurrences: Sequence[Duty]
    prodid: str
    refresh: timedelta = timedelta(hours=6)
    primary_lead_days: int = PRIMARY_LEAD_DAYS
    """Which reminder is the primary one, the first VALARM (see `primary_offset`)."""
    obligation_until: date | None = None
    """The obligation feeds (the whole country) leave out duties due later than this."""
    parties: Parties | None = None
    """Party names with the sub-regional groups' (default: the registry's names only)."""
    _parties: Parties = field(init=False, repr=False)
    _by_key: dict[str, list[Duty]] = field(default_factory=dict, repr=False)
    _events: dict[tuple[str, Lang], bytes] = field(default_factory=dict, repr=False)
    _todos: dict[tuple[str, str, Lang], bytes] = field(default_factory=dict, repr=False)
    _step_events: dict[tuple[str, str, Lang], bytes] = field(default_factory=dict,
                                                             repr=False)

    def __post_init__(self) -> None:
        self._parties = self.parties if self.parties is not None else Parties(self.registry)
        # Index once, so that each of thousands of feeds looks only at its candidates.
        for occurrence in self.occurrences:
            keys = {f"o{occurrence.obligation}", PartyRef.of_county(occurrence.region or "").key}
            keys.update(PartyRef.of_municipality(code).key for code in occurrence.participants)
            if occurrence.municipality is None and not occurrence.participants:
                keys.add(f"own{occurrence.region}")
            for key in keys:
                self._by_key.setdefault(key, []).append(occurrence)

    def candidates(self, spec: FeedSpec) -> list[Duty]:
        """The occurrences that may belong to the feed, in the store's order."""
        if spec.kind == "obligation" or spec.party is None:
            return self._by_key.get(f"o{spec.obligation}", [])
        party = spec.party.key
        if spec.kind == "region" or not spec.party.is_municipality:
            return self._by_key.get(party, [])
        own = self._by_key.get(party, [])
        if spec.kind == "pair":
            county = self._by_key.get(f"own{spec.pair_region}", [])
            order = {id(o): n for n, o in enumerate(self.occurrences)}
            return sorted([*own, *county], key=lambda o: order[id(o)])
        return own

    def feed_name(self, spec: FeedSpec, lang: Lang) -> str:
        """The calendar's display name."""
        registry = self.registry
        if spec.kind == "obligation":
            definition = self.definitions.get(spec.obligation or "")
            return f"Yhdyspinta: {definition.names.get(lang) if definition else spec.obligation}"
        party = spec.party
        if party is None:
            return "Yhdyspinta"
        if party.is_municipality:
            municipality = registry.municipality(party.code)
            name = municipality.name(lang)
            if spec.kind == "pair":
                region = registry.region(municipality.region_code).name(lang)
                name = gettext("feed.name.pair", lang, municipality=name, region=region)
            kind = PartyKind.MUNICIPALITY
        else:
            name = registry.region(party.code).name(lang)
            kind = PartyKind.REGION
        if spec.kind == "role" and spec.role:
            name = gettext("feed.name.role", lang, party=name,
                                                    role=role_label(Role(spec.role), kind, lang))
        return f"Yhdyspinta: {name}"

    def render(self, spec: FeedSpec, lang: Lang, *, todos: bool = False) -> bytes:
        """The feed's bytes: the same store view gives the same bytes.

        Each duty is an all-day VEVENT, and so is each step with a deadline of its own
        (Outlook, Google and Apple Calendar show no VTODO). `todos` is the variant for task
        clients: every step also as a VTODO.
        """
        meta = CalendarMeta(
            name=self.feed_name(spec, lang),
            description=gettext("feed.description", lang),
            prodid=self.prodid,
            color=_COLORS[spec.kind][0],
            apple_color=_COLORS[spec.kind][1],
            refresh=self.refresh,
            language=lang,
        )
        components: list[bytes] = []
        for occurrence in self.candidates(spec):
            if not spec.selects(occurrence):
                continue
            if spec.kind == "obligation" and self.obligation_until is not None and \
                    occurrence.due_effective > self.obligation_until:
                continue  # beyond the national window, removed or not: never in this feed
            if occurrence.obligation not in self.definitions:
                # A duty whose definition was removed is cancelled in the store: it stays,
                # cancelled, as long as any cancelled duty does, so that clients drop it.
                if occurrence.cancelled:
                    components.extend(self._removed(spec, occurrence, lang))
                continue
            county_acts = occurrence.municipality is None
            event = self._event(occurrence, lang)
            components.append(event if rings(spec, county_acts) else without_alarms(event))
            steps = [s for s in occurrence.steps if spec.takes_step(occurrence, s)]
            for step in steps:
                # The whole country's feed lists the steps' dates in the duty's checklist.
                if has_own_deadline(occurrence, step) and spec.kind != "obligation":
                    event = self._step_event(occurrence, step, lang)
                    components.append(
                        event if rings(spec, step.party == PartyKind.REGION.value)
                        else without_alarms(event))
            # A cancelled duty's steps stay too, marked CANCELLED, so that a client that
            # has them drops them from its task list instead of keeping them open forever.
            if todos:
                components.extend(self._todo(occurrence, step, lang) for step in steps)
        return render_calendar(meta, components)

    def _removed(self, spec: FeedSpec, occurrence: Duty,
                 lang: Lang) -> list[bytes]:
        """Cancelled VEVENTs of a duty whose definition is gone: what the store knows."""
        key = (occurrence.id, "", lang)
        cached = self._step_events.get(key)
        party = self.party_name(occurrence, lang)
        prefix = gettext("feed.cancelled", lang) + ": "
        if cached is None:
            cached = self._step_events[key] = render_event(EventData(
                uid=f"{occurrence.id}@{UID_DOMAIN}", day=occurrence.due_effective,
                summary=f"{prefix}{occurrence.obligation} {occurrence.period} – {party}",
                description=gettext("feed.removed", lang), url=None, categories=("Yhdyspinta",),
                sequence=occurrence.revision + sum(s.revision for s in occurrence.steps),
                stamp=utc(occurrence.changed_at), cancelled=True, alarms=(), language=lang))
        events = [cached]
        for step in occurrence.steps:
            if not spec.takes_step(occurrence, step) or not has_own_deadline(occurrence, step) \
                    or spec.kind == "obligation":
                continue
            step_key = (occurrence.id, f"{step.step}|removed", lang)
            event = self._step_events.get(step_key)
            if event is None:
                event = self._step_events[step_key] = render_event(EventData(
                    uid=f"{occurrence.id}.{step.step}.event@{UID_DOMAIN}",
                    day=step.due_effective,
                    summary=f"{prefix}{step.step} ({occurrence.obligation} "
                            f"{occurrence.period}) – {party}",
                    description=gettext("feed.removed", lang), url=None,
                    categories=("Yhdyspinta",), sequence=occurrence.revision + step.revision,
                    stamp=utc(occurrence.changed_at), cancelled=True, alarms=(),
                    language=lang))
            events.append(event)
        return events

    def party_name(self, occurrence: Duty, lang: Lang) -> str:
        """Who owes the duty, as a person reads it (`Parties.display_name`)."""
        return self._parties.display_name(occurrence.party, lang)

    def _summary(self, occurrence: Duty, lang: Lang) -> str:
        definition = self.definitions[occurrence.obligation]
        prefix = (gettext("feed.cancelled", lang) + ": " if occurrence.cancelled else
                  gettext("feed.done", lang) + ": " if closed_on(occurrence.steps) else "")
        if definition.status is Status.CANDIDATE:
            prefix = prefix + gettext("feed.tentative", lang) + ": "
        return (f"{prefix}{definition.names.get(lang)} {occurrence.period} – "
                f"{self.party_name(occurrence, lang)}")

    def date_lines(self, dated: Duty | DutyStep, lang: Lang,
                   source: str = DeadlineSource.STATUTE.value) -> list[str]:
        """The date labelled by what it is and, if it moves, the effective one and why.

        Statutory (the law's date), legal limit (the law sets only a cadence: the period's
        last day), practice target or local date (`DeadlineSource`). A target with a later
        legal limit gets the limit on a line of its own, labelled as such.
        """
        label = _DATE_LABELS.get(source, N_("feed.date.statute"))
        lines = [f"{gettext(label, lang)}: {finnish_date(dated.due)}"]
        if dated.due != dated.due_effective:
            reason = describe_shift(dated.shift, lang)
            effective = dated.due_effective
            because = gettext("feed.because", lang)
            lines.append(gettext("feed.shifted", lang) + f": {finnish_date(effective)} "
                         f"({because} {reason})")
        limit = dated.legal_limit
        if limit is not None and limit not in (dated.due, dated.due_effective):
            lines.append(gettext("feed.legal_limit", lang) + f": {finnish_date(limit)}")
        return lines

    def step_source(self, occurrence: Duty, step: DutyStep) -> str:
        """Where a step's date comes from: its own deadline's source, else the duty's."""
        planned = self.definitions[occurrence.obligation].step(step.step)
        if planned.deadline is None or step.due == occurrence.due:
            return occurrence.due_source
        return planned.deadline.source.value

    def _event(self, occurrence: Duty, lang: Lang) -> bytes:
        key = (occurrence.id, lang)
        cached = self._events.get(key)
        if cached is None:
            cached = self._events[key] = render_event(self.event_data(occurrence, lang))
        return cached

    def event_data(self, occurrence: Duty, lang: Lang) -> EventData:
        """What the VEVENT of an occurrence says, in one language."""
        definition = self.definitions[occurrence.obligation]
        lines = self.date_lines(occurrence, lang, occurrence.due_source)
        lines.append(gettext("feed.term_year", lang, term=occurrence.term,
                                                      year=occurrence.term_year))
        for basis in definition.legal_basis:
            lines.append(gettext("feed.basis", lang) + f": {legal_citation(basis, lang)} "
                         f"{legal_url(basis, lang)}")
        if definition.status is Status.CANDIDATE:
            lines.append(gettext("feed.candidate", lang))
        closed = closed_on(occurrence.steps)
        if closed is not None:
            lines.append(gettext("feed.closed_on", lang, date=finnish_date(closed)))
        lines.extend(self._not_tracked(occurrence, lang))
        lines.append("")
        lines.append(gettext("feed.steps", lang) + ":")
        for step in occurrence.steps:
            marker = "[x]" if step.status in CLOSED else "[ ]"
            role = role_label(Role(step.role), PartyKind(step.party), lang)
            lines.append(f"{marker} {definition.step(step.step).names.get(lang)} ({role}, "
                         f"{finnish_date(step.due_effective)})")
        return EventData(
            uid=f"{occurrence.id}@{UID_DOMAIN}",
            day=occurrence.due_effective,
            summary=self._summary(occurrence, lang),
            description="\n".join(lines),
            url=str(definition.legal_basis[0].url),
            categories=("Yhdyspinta", definition.names.get(lang),
                        label(OwedBy(occurrence.owed_by), lang),
                        gettext("feed.term_year", lang, term=occurrence.term,
                                                         year=occurrence.term_year)),
            # The description lists the steps' states: their revisions count too.
            sequence=occurrence.revision + sum(s.revision for s in occurrence.steps),
            stamp=max(utc(m) for m in (occurrence.changed_at,
                                          *(s.changed_at for s in occurrence.steps
                                            if s.changed_at))),
            cancelled=occurrence.cancelled,
            alarms=() if closed or not occurrence.tracked else self.alarms(
                occurrence.due_effective, definition.reminders),
            language=lang,
            tentative=definition.status is Status.CANDIDATE,
            alarm_text=f"{definition.names.get(lang)} {occurrence.period}",
        )

    @staticmethod
    def _not_tracked(occurrence: Duty, lang: Lang) -> list[str]:
        """The line saying a duty is not tracked (`Duty.tracked`), or none."""
        if occurrence.tracked or occurrence.tracked_from is None:
            return []
        return [gettext("feed.not_tracked", lang,
                        date=finnish_date(occurrence.tracked_from))]

    def alarms(self, effective: date, offsets: Sequence[int]) -> tuple[datetime, ...]:
        """When the alarms of a deadline ring: 09:00 Helsinki on the reminders' days.

        The primary reminder comes first (Outlook keeps only the first VALARM), the
        others follow in time order.
        """
        days = alarm_dates(effective, offsets, self.non_working_days)
        primary = primary_offset(tuple(days.values()), self.primary_lead_days)
        ordered = sorted(days, key=lambda day: (days[day] != primary, day))
        return tuple(alarm_moment(day) for day in ordered)

    def _step_event(self, occurrence: Duty, step: DutyStep, lang: Lang) -> bytes:
        key = (occurrence.id, step.step, lang)
        cached = self._step_events.get(key)
        if cached is None:
            cached = self._step_events[key] = render_event(
                self.step_event_data(occurrence, step, lang))
        return cached

    def step_event_data(self, occurrence: Duty, step: DutyStep,
                        lang: Lang) -> EventData:
        """The VEVENT of a step with its own deadline, with the step's alarms."""
        definition = self.definitions[occurrence.obligation]
        planned = definition.step(step.step)
        closed = closed_on((step,))
        prefix = (gettext("feed.cancelled", lang) + ": " if occurrence.cancelled else
                  gettext("feed.done", lang) + ": " if step.status in CLOSED else "")
        if definition.status is Status.CANDIDATE:
            prefix = prefix + gettext("feed.tentative", lang) + ": "
        role = role_label(Role(step.role), PartyKind(step.party), lang)
        lines = [gettext("feed.role", lang) + f": {role}",
                 *self.date_lines(step, lang, self.step_source(occurrence, step)),
                 gettext("feed.due", lang) + f": {definition.names.get(lang)} {occurrence.period} "
                 f"{finnish_date(occurrence.due_effective)}"]
        if closed is not None:
            lines.append(gettext("feed.closed_on", lang, date=finnish_date(closed)))
        lines.extend(self._not_tracked(occurrence, lang))
        offsets = planned.reminders if planned.reminders is not None else definition.reminders
        stamps = [occurrence.changed_at] + ([step.changed_at] if step.changed_at else [])
        return EventData(
            uid=f"{occurrence.id}.{step.step}.event@{UID_DOMAIN}",
            day=step.due_effective,
            summary=f"{prefix}{planned.names.get(lang)} ({definition.names.get(lang)} "
                    f"{occurrence.period}) – {self.party_name(occurrence, lang)}",
            description="\n".join(lines),
            url=str(definition.legal_basis[0].url),
            categories=("Yhdyspinta", definition.names.get(lang), role),
            sequence=occurrence.revision + step.revision,
            stamp=max(utc(s) for s in stamps),
            cancelled=occurrence.cancelled,
            alarms=() if step.status in CLOSED or not occurrence.tracked else
            self.alarms(step.due_effective, offsets),
            language=lang,
            tentative=definition.status is Status.CANDIDATE,
            alarm_text=planned.names.get(lang),
        )

    def _todo(self, occurrence: Duty, step: DutyStep, lang: Lang) -> bytes:
        key = (occurrence.id, step.step, lang)
        cached = self._todos.get(key)
        if cached is None:
            cached = self._todos[key] = render_todo(self.todo_data(occurrence, step, lang))
        return cached

    def todo_data(self, occurrence: Duty, step: DutyStep, lang: Lang) -> TodoData:
        """What the VTODO of a step says, in one language."""
        definition = self.definitions[occurrence.obligation]
        status, percent = _TODO_STATUS[step.status]
        if occurrence.cancelled and status not in ("COMPLETED", "CANCELLED"):
            status = "CANCELLED"
        role = role_label(Role(step.role), PartyKind(step.party), lang)
        lines = [gettext("feed.role", lang) + f": {role}",
                 *self.date_lines(step, lang, self.step_source(occurrence, step)),
                 *self._not_tracked(occurrence, lang)]
        stamps = [occurrence.changed_at] + ([step.changed_at] if step.changed_at else [])
        return TodoData(
            uid=f"{occurrence.id}.{step.step}@{UID_DOMAIN}",
            due=step.due_effective,
            summary=(gettext("feed.cancelled", lang) + ": " if occurrence.cancelled else "")
            + f"{definition.step(step.step).names.get(lang)} – "
              f"{self.party_name(occurrence, lang)}",
            description="\n".join(lines),
            status=status,
            percent=percent,
            related_to=f"{occurrence.id}@{UID_DOMAIN}",
            categories=("Yhdyspinta", definition.names.get(lang), role),
            sequence=occurrence.revision + step.revision,
            stamp=max(utc(s) for s in stamps),
            completed=utc(step.changed_at) if step.status == "done" and step.changed_at
            else None,
            language=lang,
        )
