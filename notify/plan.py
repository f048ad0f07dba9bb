"""Who is told what on a given day: reminders before a step's deadline, escalations after.

Pure: the store's view of the duties, the definitions, the contacts, the county's
escalation chain and the non-working days in; notices out. No clock, no I/O.

Rules (and why):
- Nothing goes out on a non-working day. A reminder that would fall on one moves to the
  working day before, as the calendars' alarms do (a reminder keeps its promised lead
  time); an escalation moves to the next working morning (never before it is due).
- One notice per step and recipient a day at most: when several of a step's dates have
  passed unsent (the service was down), only the latest is sent, and only if it is at most
  `catch_up_days` old. An old reminder is noise once a newer one exists.
- A closed step (done, waived, not applicable) gets nothing, nor does any step of a duty
  that is not tracked (due before its party's "tracked from" day, `Duty.tracked`). An
  optional step gets reminders but is never escalated.
- Escalation level N tells the first N links of the chain (each level adds people).
- Escalation beyond the party's own people (every link but `owner`/`step`: top
  management, the county) waits for the legal limit: those levels count their offsets
  from the step's legal limit, not from its target, so a duty late against a practice
  target alone tells only the people who do the step. A county whose configuration sets
  `escalate_before_legal_limit` counts every level from the target.
- A step whose role has no contact falls back to the party's coordinator; a notice with
  no recipient at all is reported, not silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from calendars.duty import Duty, DutyStep
from calendars.workdays import NonWorkingDays
from obligations.config import Configuration, EscalationLink
from obligations.schema import ObligationDefinition, Role, Shift


class Channel(StrEnum):
    """Where a contact reads messages."""

    EMAIL = "email"
    """A message to the contact's address, with the duties as an .ics attachment."""
    TEAMS = "teams"
    """An Adaptive Card posted to the contact's Teams workflow."""


class Kind(StrEnum):
    """Why a notice is sent."""

    REMINDER = "reminder"
    """Before a step's deadline, to the people who do the step."""
    ESCALATION = "escalation"
    """After it, to more people at each level of the county's escalation chain."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """A person or channel to notify (the store's contact, without its secrets).

    Built by keyword only: most fields are strings a positional call could swap unseen.
    """

    id: int
    """The store's contact id (`c12` in a notice's key)."""
    party: str
    """`m564` or `r19`."""
    role: str
    """The `Role` value of the steps the contact hears of (`coordinator`, `council`, …)."""
    name: str
    language: str
    """`fi`, `sv` or `en`; any other value is read as Finnish."""
    delivery: str
    """`digest` (one message a day) or `single` (one message per notice)."""
    channels: tuple[Channel, ...]
    email: str | None = None
    """The address a "mark done" link is bound to (not the channel's secret part)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Trigger:
    """A reminder or escalation of one step that falls due on `scheduled`.

    Built by keyword only: `offset` and `level` are both small whole numbers.
    """

    occurrence_id: str
    step: str
    kind: Kind
    offset: int
    """Days before (reminder) or after (escalation) the step's effective deadline; for an
    escalation beyond the party's own people, days after the step's legal limit."""
    level: int
    """Escalation level, 1 for the first; 0 for reminders."""
    scheduled: date


@dataclass(frozen=True, slots=True)
class Notice:
    """A trigger addressed to one contact on one channel: one line of a message."""

    trigger: Trigger
    contact: Contact
    channel: Channel

    @property
    def key(self) -> str:
        """Unique per occurrence, step, trigger, recipient, channel and day."""
        t = self.trigger
        return (f"{t.occurrence_id}|{t.step}|{t.kind.value}-{t.offset}|c{self.contact.id}|"
                f"{self.channel.value}|{t.scheduled.isoformat()}")


@dataclass(frozen=True, slots=True)
class Unaddressed:
    """A trigger nobody could be told of: no contact for its party and role."""

    trigger: Trigger
    parties: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NoticePlan:
    """The day's notices, and the triggers no contact was found for."""

    notices: tuple[Notice, ...]
    unaddressed: tuple[Unaddressed, ...]


def reminder_days(effective: date, offsets: Iterable[int],
                  non_working_days: NonWorkingDays) -> dict[date, int]:
    """Day each reminder goes out → its offset (the nearest to the deadline wins a tie)."""
    days: dict[date, int] = {}
    for offset in sorted(set(offsets), reverse=True):
        day = non_working_days.working_day_on_or_before(effective - timedelta(days=offset))
        days[day] = offset
    return days


def own_levels(chain: Sequence[EscalationLink]) -> int:
    """How many escalation levels tell only the party's own people (the step's role).

    Level N tells the first N links, so the levels from the first other link on go beyond.
    """
    return next((n for n, link in enumerate(chain)
                 if not (link.party == "owner" and link.role == "step")), len(chain))


def escalation_days(effective: date, offsets: Iterable[int],
                    non_working_days: NonWorkingDays, *, legal_limit: date | None = None,
                    own: int = 0) -> dict[date, tuple[int, int]]:
    """Day each escalation goes out → (offset, level); level 1 is the first escalation.

    With a `legal_limit`, the levels after the first `own` ones (those that tell people
    beyond the party's own) count their offset from the legal limit when it is later.
    """
    days: dict[date, tuple[int, int]] = {}
    for level, offset in enumerate(sorted(set(offsets)), start=1):
        base = effective if legal_limit is None or level <= own else max(effective,
                                                                         legal_limit)
        shifted = non_working_days.shift(base + timedelta(days=offset),
                                         Shift.NEXT_WORKING_DAY)
        days[shifted.effective] = (offset, level)
    return days


def step_trigger(
    occurrence: Duty,
    step: DutyStep,
    definition: ObligationDefinition,
    today: date,
    catch_up_days: int,
    non_working_days: NonWorkingDays,
    *,
    chain: Sequence[EscalationLink] | None = None,
    before_legal_limit: bool = False,
) -> Trigger | None:
    """The one trigger of a step to act on today, if any (the latest not yet too old).

    Escalations beyond the party's own people in `chain` wait for the step's legal limit,
    unless `before_legal_limit` (the county's configuration) says otherwise.
    """
    if step.closed or occurrence.cancelled or not occurrence.tracked:
        return None
    planned = definition.step(step.step) if _has_step(definition, step.step) else None
    offsets = (planned.reminders if planned and planned.reminders is not None
               else definition.reminders)
    candidates: list[Trigger] = [
        Trigger(occurrence_id=occurrence.id, step=step.step, kind=Kind.REMINDER, offset=offset,
                level=0, scheduled=day)
        for day, offset in reminder_days(step.due_effective, offsets, non_working_days).items()
    ]
    if not (planned and planned.optional):
        candidates.extend(
            Trigger(occurrence_id=occurrence.id, step=step.step, kind=Kind.ESCALATION,
                    offset=offset, level=level, scheduled=day)
            for day, (offset, level) in escalation_days(
                step.due_effective, definition.escalations, non_working_days,
                legal_limit=None if before_legal_limit or chain is None else step.limit,
                own=own_levels(chain) if chain is not None else 0).items()
        )
    earliest = today - timedelta(days=catch_up_days)
    due = [t for t in candidates if earliest <= t.scheduled <= today]
    return max(due, key=lambda t: (t.scheduled, t.kind == Kind.ESCALATION)) if due else None


def _has_step(definition: ObligationDefinition, step_id: str) -> bool:
    return any(s.id == step_id for s in definition.steps)


def owner_parties(occurrence: Duty, step: DutyStep) -> tuple[str, ...]:
    """Party keys (`m564`, `r19`) whose people do the step."""
    return tuple(party.key for party in occurrence.step_owners(step))


def addressees(
    occurrence: Duty,
    step: DutyStep,
    trigger: Trigger,
    chain: Sequence[EscalationLink],
) -> list[tuple[tuple[str, ...], str]]:
    """(party keys, role) pairs to tell, in order; the first is the step's own people."""
    owners = owner_parties(occurrence, step)
    if trigger.kind is Kind.REMINDER:
        return [(owners, step.role)]
    wanted: list[tuple[tuple[str, ...], str]] = []
    for link in chain[:max(1, trigger.level)]:
        county = occurrence.county
        parties = owners if link.party == "owner" else ((county.key,) if county else ())
        role = step.role if link.role == "step" else str(link.role)
        if (parties, role) not in wanted:
            wanted.append((parties, role))
    return wanted


def plan_notices(
    occurrences: Iterable[Duty],
    definitions: Mapping[str, ObligationDefinition],
    contacts: Sequence[Contact],
    configuration: Configuration,
    non_working_days: NonWorkingDays,
    today: date,
    *,
    catch_up_days: int = 7,
    owners: Mapping[tuple[str, str], str] | None = None,
) -> NoticePlan:
    """Every notice to send on `today`, in a stable order; nothing on a non-working day.

    `owners` maps (occurrence, step) to the address of the step's owner. The owner comes
    first: a reminder goes to the owner's contacts (those with that address) alone, an
    escalation to them and then as without an owner. An owner without a contact changes
    nothing.
    """
    if not non_working_days.is_working_day(today):
        return NoticePlan((), ())
    by_party_role: dict[tuple[str, str], list[Contact]] = {}
    by_email: dict[str, list[Contact]] = {}
    for contact in contacts:
        by_party_role.setdefault((contact.party, contact.role), []).append(contact)
        if contact.email:
            by_email.setdefault(contact.email.strip().lower(), []).append(contact)
    notices: list[Notice] = []
    unaddressed: list[Unaddressed] = []
    for occurrence in occurrences:
        definition = definitions.get(occurrence.obligation)
        if definition is None:
            continue
        for step in occurrence.steps:
            chain = configuration.escalation_chain(occurrence.region)
            trigger = step_trigger(
                occurrence, step, definition, today, catch_up_days, non_working_days,
                chain=chain,
                before_legal_limit=configuration.escalates_before_legal_limit(
                    occurrence.region))
            if trigger is None:
                continue
            wanted = addressees(occurrence, step, trigger, chain)
            owner = (owners or {}).get((occurrence.id, step.step))
            told: dict[int, Contact] = {c.id: c for c in by_email.get(owner.lower(), [])} \
                if owner else {}
            if told and trigger.kind is Kind.REMINDER:
                wanted = []
            for parties, role in wanted:
                for party in parties:
                    found = by_party_role.get((party, role)) or \
                        by_party_role.get((party, Role.COORDINATOR.value), [])
                    for contact in found:
                        told.setdefault(contact.id, contact)
            if not told:
                unaddressed.append(Unaddressed(
                    trigger, tuple(sorted({p for parties, _ in wanted for p in parties})),
                    tuple(dict.fromkeys(role for _, role in wanted))))
                continue
            for contact in sorted(told.values(), key=lambda c: c.id):
                notices.extend(Notice(trigger, contact, channel) for channel in contact.channels)
    notices.sort(key=lambda n: (n.contact.id, n.channel.value, n.trigger.scheduled, n.key))
    return NoticePlan(tuple(notices), tuple(unaddressed))
