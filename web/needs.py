""""What needs me": the open steps of a signed-in person, for the top of the party pages.

A step is the person's when they own it, or when it has no owner and their grants cover it
(`may_change`); a step owned by someone else is not theirs. Three lists:

- late: their open steps past the effective deadline (never of a duty not tracked,
  `Duty.tracked`);
- due this month: their open steps due from today to the end of the month;
- waiting on someone else: open steps of others that come before one of their open steps
  in the same duty's checklist (they cannot finish until those are done).

Pure: the duties, the owners and today in, rows out.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from calendars.duty import Duty, DutyStep
from state.owners import Owner
from state.people import Person
from web.duty import may_change


@dataclass(frozen=True, slots=True)
class Need:
    """One step in a "what needs me" list."""

    duty: Duty
    step: DutyStep
    owner: Owner | None


@dataclass(frozen=True, slots=True)
class Needs:
    """The three lists, each by due date."""

    late: tuple[Need, ...]
    this_month: tuple[Need, ...]
    waiting: tuple[Need, ...]

    def __bool__(self) -> bool:
        return bool(self.late or self.this_month or self.waiting)


def needs_of(person: Person, duties: Iterable[Duty],
             owners: Mapping[tuple[str, str], Owner], today: date,
             allowed: Callable[[Person, Duty, DutyStep], bool] = may_change) -> Needs:
    """What needs the person among `duties` on `today`."""
    month_end = today.replace(day=monthrange(today.year, today.month)[1])
    late: list[Need] = []
    this_month: list[Need] = []
    waiting: dict[tuple[str, str], Need] = {}
    for duty in duties:
        if duty.cancelled:
            continue
        before: list[Need] = []
        for step in duty.steps:
            if step.status.closed:
                continue
            owner = owners.get((duty.id, step.step))
            mine = owner.email == person.email if owner is not None \
                else allowed(person, duty, step)
            need = Need(duty, step, owner)
            if not mine:
                before.append(need)
                continue
            if step.due_effective < today and not step.optional:
                if not duty.tracked:
                    continue  # due before tracking began: nobody is late for it
                late.append(need)
            elif today <= step.due_effective <= month_end:
                this_month.append(need)
            else:
                continue
            for other in before:
                waiting.setdefault((duty.id, other.step.step), other)

    def by_due(need: Need) -> tuple[date, str, str]:
        return need.step.due_effective, need.duty.id, need.step.step

    return Needs(tuple(sorted(late, key=by_due)), tuple(sorted(this_month, key=by_due)),
                 tuple(sorted(waiting.values(), key=by_due)))
