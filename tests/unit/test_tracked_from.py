"""A "tracked from" day per county and municipality (issue 14, onboarding mid-term).

The rule has one home, `Duty.tracked` (filled from `Configuration.tracked_from`); these
tables check it and what reads it: the page state, what needs me, reminders and
escalations, the digest, the feeds' alarms and descriptions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from calendars.duty import Duty, DutyStep
from calendars.feeds import FeedRenderer
from calendars.vuosikello import ClockMark, MarkState, render_vuosikello
from notify.compose import Composer
from notify.plan import Channel, Contact, Kind, Notice, Trigger, plan_notices
from obligations.config import EMPTY_CONFIGURATION
from obligations.errors import InputError
from obligations.lang import StepStatus
from obligations.loader import load_configuration
from obligations.parties import PartyRef
from state.people import Person
from web.needs import needs_of
from web.views import duty_state

FIXTURE = Path(__file__).parents[1] / "fixtures" / "config"
STATEMENTS = "municipal-financial-statements"
DUE = date(2026, 6, 30)  # the council's day for the financial statements of 2025, a Tuesday


@pytest.fixture(scope="module")
def configuration(definitions, registry):
    return load_configuration(FIXTURE, definitions, registry)


@pytest.mark.parametrize(("party", "region", "expected"), [
    (PartyRef.of_county("19"), "19", date(2026, 1, 1)),             # the county's own duty
    (PartyRef.of_municipality("564"), "19", date(2026, 7, 1)),      # Oulu's own day wins
    (PartyRef.of_municipality("425"), "19", date(2026, 1, 1)),      # Liminka: its county's
    (PartyRef.of_pair("19", "564"), "19", date(2026, 1, 1)),        # a §14 pair: the county's
    (PartyRef.of_group("19", "oulu-area"), "19", date(2026, 1, 1)),  # a group: the county's
    (PartyRef.of_municipality("205"), "20", None),                  # Kainuu sets none
    (PartyRef.of_county("20"), "20", None),
    (PartyRef.of_municipality("564"), None, None),
])
def test_whose_day_a_duty_takes(configuration, party, region, expected):
    assert configuration.tracked_from(party, region) == expected


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "county.yaml"
    path.write_text(text, encoding="utf-8")
    return path


FORMAT = "write the day as YYYY-MM-DD, e.g. 2026-01-01"
BAD_DAYS = {
    "2026-02-30": "cannot read the value '2026-02-30': day is out of range for month",
    '"2026-02-30"': "2026-02-30 is not a day: day is out of range for month",
    "1.1.2026": FORMAT,              # the Finnish order
    "20260101": FORMAT,              # a number is not seconds since 1970
    "2026-01-01T08:00:00": FORMAT,   # a time
}


@pytest.mark.parametrize(("text", "expected"), [
    *(pytest.param(f'region: "20"\ntracked_from: {value}\n', f"2: tracked_from: {reason}",
                   id=value) for value, reason in BAD_DAYS.items()),
    pytest.param('region: "20"\nmunicipalities:\n  "205":\n    tracked_from: soon\n',
                 f"4: municipalities.205.tracked_from: {FORMAT}", id="municipality"),
    pytest.param('region: "20"\nmunicipalities:\n  "564":\n    tracked_from: 2026-01-01\n',
                 "3: municipalities.564: municipality 564 is not in region 20",
                 id="municipality-of-another-county"),
])
def test_a_bad_tracked_from_names_file_line_and_field(tmp_path, definitions, registry, text,
                                                       expected):
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_configuration(tmp_path, definitions, registry)
    assert [str(p) for p in caught.value.problems] == [f"{path}:{expected}"]


def test_a_quoted_day_reads_as_the_same_day(tmp_path, definitions, registry):
    _write(tmp_path, 'region: "20"\ntracked_from: "2026-03-01"\n')
    configuration = load_configuration(tmp_path, definitions, registry)
    assert configuration.tracked_from(PartyRef.of_municipality("205"), "20") == date(2026, 3, 1)


def step(name: str, role: str, due: date, status: str = "not_started") -> DutyStep:
    return DutyStep(step=name, role=role, party="municipality", due=due, due_effective=due,
                    status=StepStatus(status), revision=0, changed_at=None)


def duty(municipality: str = "564", *, tracked_from: date | None = None,
         status: str = "not_started", cancelled: bool = False) -> Duty:
    return Duty(
        id=f"{STATEMENTS}.m{municipality}.2025", obligation=STATEMENTS, owed_by="municipality",
        party=PartyRef.of_municipality(municipality), municipality=municipality, region="19",
        participants=(municipality,), period="2025", term="2025-2029", term_year=2, due=DUE,
        due_effective=DUE, revision=0, changed_at=datetime(2026, 1, 2), cancelled=cancelled,
        steps=(step("council", "council", DUE, status),), tracked_from=tracked_from)


@pytest.mark.parametrize(("tracked_from", "tracked"), [
    (None, True),                # no day configured: tracked throughout
    (date(2026, 7, 1), False),   # due the day before tracking began
    (DUE, True),                 # due on the very day tracking began
    (date(2026, 1, 1), True),
])
def test_a_duty_is_tracked_from_its_partys_day_on(tracked_from, tracked):
    read = duty(tracked_from=tracked_from)
    today = date(2026, 9, 1)  # long past the target and the legal limit
    assert read.tracked is tracked
    late = 63 if tracked else 0
    assert (read.days_late(today), read.days_past_limit(today)) == (late, late)
    assert bool(read.overdue_steps(today)) is tracked
    assert bool(read.past_limit_steps(today)) is tracked


@pytest.mark.parametrize(("tracked_from", "status", "cancelled", "expected"), [
    (date(2026, 7, 1), "not_started", False, MarkState.NOT_TRACKED),
    (date(2026, 7, 1), "in_progress", False, MarkState.NOT_TRACKED),
    (date(2026, 7, 1), "done", False, MarkState.COMPLETE),   # recorded steps still show
    (date(2026, 7, 1), "not_started", True, MarkState.CANCELLED),
    (None, "not_started", False, MarkState.OVERDUE),
    (date(2026, 1, 1), "not_started", False, MarkState.OVERDUE),
])
def test_the_state_every_page_shows(tracked_from, status, cancelled, expected):
    read = duty(tracked_from=tracked_from, status=status, cancelled=cancelled)
    assert duty_state(read, date(2026, 9, 1)) is expected


def _contact(id: int, municipality: str) -> Contact:
    return Contact(id=id, party=f"m{municipality}", role="coordinator", name=f"C{id}",
                   language="fi", delivery="digest", channels=(Channel.EMAIL,),
                   email=f"c{id}@example.fi")


@pytest.mark.parametrize(("today", "kind"), [
    (date(2026, 6, 23), Kind.REMINDER),     # 7 days before 30.6.2026
    (date(2026, 7, 1), Kind.ESCALATION),    # the first escalation, the next day
])
def test_a_duty_not_tracked_gets_no_reminder_and_no_escalation(
    definitions, non_working_days, today, kind
):
    by_id = {d.id: d for d in definitions}
    oulu = duty("564", tracked_from=date(2026, 7, 1))
    liminka = duty("425", tracked_from=date(2026, 1, 1))
    contacts = [_contact(1, "564"), _contact(2, "425")]
    plan = plan_notices([oulu, liminka], by_id, contacts, EMPTY_CONFIGURATION,
                        non_working_days, today)
    assert [(n.contact.id, n.trigger.occurrence_id, n.trigger.kind) for n in plan.notices] == [
        (2, liminka.id, kind)]
    assert plan.unaddressed == ()
    # The same duty, tracked, is told on the same day: the day is what keeps Oulu quiet.
    tracked = plan_notices([replace(oulu, tracked_from=None)], by_id, contacts,
                           EMPTY_CONFIGURATION, non_working_days, today)
    assert [(n.contact.id, n.trigger.kind) for n in tracked.notices] == [(1, kind)]


def test_a_digest_has_no_line_for_a_duty_not_tracked(definitions, registry, non_working_days):
    today = date(2026, 7, 6)  # a Monday: even the weekly list of long-overdue steps is out
    coming = replace(duty("564"), id=f"{STATEMENTS}.m564.2026", period="2026",
                     steps=(step("council", "council", date(2026, 7, 31)),),
                     due=date(2026, 7, 31), due_effective=date(2026, 7, 31))
    old = duty("564", tracked_from=date(2026, 7, 1))
    renderer = FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                            non_working_days=non_working_days, occurrences=[coming, old],
                            prodid="-//test//FI")
    notice = Notice(Trigger(occurrence_id=coming.id, step="council", kind=Kind.REMINDER,
                            offset=30, level=0, scheduled=today),
                    _contact(1, "564"), Channel.EMAIL)
    (digest,) = Composer(renderer, today).compose([notice])
    assert digest.occurrence_ids == (coming.id,)
    tracked = replace(renderer, occurrences=[coming, replace(old, tracked_from=None)])
    (digest,) = Composer(tracked, today).compose([notice])
    assert old.id in digest.occurrence_ids  # tracked, the same duty is listed as overdue


@pytest.mark.parametrize(("lang", "line"), [
    ("fi", "Ei seurannassa: tavoitepäivä on ennen seurannan alkua 1.7.2026."),
    ("sv", "Ej uppföljd: måldagen ligger före uppföljningens början 1.7.2026."),
    ("en", "Not tracked: the target is before tracking began on 1.7.2026."),
])
def test_the_feed_keeps_the_event_says_not_tracked_and_rings_no_alarm(
    definitions, registry, non_working_days, lang, line
):
    definition = next(d for d in definitions if d.id == STATEMENTS)
    steps = tuple(step(s.id, s.role.value, date(2026, 3, 31) if n == 0 else DUE)
                  for n, s in enumerate(definition.steps))
    old = replace(duty("564", tracked_from=date(2026, 7, 1)), steps=steps)
    renderer = FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                            non_working_days=non_working_days, occurrences=[old],
                            prodid="-//test//FI")
    event = renderer.event_data(old, lang)
    assert (event.alarms, event.cancelled) == ((), False)
    assert line in event.description.splitlines()
    board = renderer.step_event_data(old, steps[0], lang)  # the board's own 31.3 event
    assert board.alarms == ()
    assert line in board.description.splitlines()
    assert line in renderer.todo_data(old, steps[0], lang).description.splitlines()
    tracked = replace(old, tracked_from=None)
    event = renderer.event_data(tracked, lang)
    assert event.alarms
    assert line not in event.description
    assert renderer.step_event_data(tracked, steps[0], lang).alarms


def test_what_needs_me_lists_no_late_step_of_a_duty_not_tracked():
    person = Person(id=1, email="maija@ouka.fi", name="Maija", is_admin=False,
                    grants=frozenset({("m564", "coordinator")}))
    old = duty("564", tracked_from=date(2026, 7, 1))
    tracked = replace(old, id=f"{STATEMENTS}.m564.2024", tracked_from=None)
    needs = needs_of(person, [old, tracked], {}, date(2026, 9, 1),
                     allowed=lambda p, d, s: True)
    assert [n.duty.id for n in needs.late] == [tracked.id]
    assert not needs.this_month
    assert not needs.waiting


@pytest.mark.parametrize(("lang", "counted"), [
    ("fi", "2 ei seurannassa"), ("sv", "2 ej uppföljda"), ("en", "2 not tracked")])
def test_the_year_clock_counts_and_draws_duties_not_tracked(lang, counted):
    marks = [ClockMark(date(2026, 3, day), f"d{day}", "a", MarkState.NOT_TRACKED)
             for day in (2, 3)]
    svg = render_vuosikello(year=2026, title="t", lang=lang, marks=marks,
                            series_names={"a": "A"})
    assert counted in svg
    assert svg.count('stroke-dasharray="3 2.97"') == 3  # both marks and the legend's
