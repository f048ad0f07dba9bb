"""Who is told what, when: reminders, escalations, working days, the chain, catch-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.duty import Duty, DutyStep
from notify.plan import (
    Channel,
    Contact,
    Kind,
    escalation_days,
    plan_notices,
    reminder_days,
)
from obligations.config import EMPTY_CONFIGURATION, Configuration, EscalationLink, RegionConfigFile
from obligations.lang import StepStatus
from obligations.parties import PartyRef
from obligations.schema import Role

ANNUAL_REPORT = "hyte-annual-report-municipality"


def step(name: str, role: str, due: date, status: str = "not_started",
         party: str = "municipality") -> DutyStep:
    return DutyStep(step=name, role=role, party=party, due=due, due_effective=due,
                    status=StepStatus(status), revision=0, changed_at=None)


def occurrence(*steps: DutyStep, obligation: str = ANNUAL_REPORT, municipality: str = "905",
               region: str = "15") -> Duty:
    due = max(s.due_effective for s in steps)
    return Duty(
        id=f"{obligation}.m{municipality}.2026", obligation=obligation, owed_by="municipality",
        party=PartyRef.of_municipality(municipality),
        municipality=municipality, region=region, participants=(municipality,), period="2026",
        term="2025-2029", term_year=2, due=due, due_effective=due, revision=0,
        changed_at=datetime(2026, 1, 1), cancelled=False, steps=steps)


def contact(id: int, party: str, role: str, *, delivery: str = "digest",
            channels: tuple[Channel, ...] = (Channel.EMAIL,)) -> Contact:
    return Contact(id=id, party=party, role=role, name=f"Contact {id}", language="sv",
                   delivery=delivery, channels=channels)


@pytest.fixture(scope="module")
def by_id(definitions):
    return {d.id: d for d in definitions}


# Offsets of the annual report: reminders (30, 7, 1), escalations (1, 7, 30).
DUE = date(2026, 12, 31)  # a Thursday


@pytest.mark.parametrize(("effective", "offsets", "expected"), [
    # 30 days before 31.12.2026 is Tue 1.12; 7 before is Thu 24.12 (Christmas Eve, a
    # non-working day) → Wed 23.12; 1 before is Wed 30.12.
    (DUE, (30, 7, 1), {date(2026, 12, 1): 30, date(2026, 12, 23): 7, date(2026, 12, 30): 1}),
    # Monday 2.2.2026: 1 day before is Sunday → Friday 30.1.
    (date(2026, 2, 2), (1,), {date(2026, 1, 30): 1}),
    # Two offsets landing on the same working day: the nearer one names it.
    (date(2026, 2, 2), (1, 2), {date(2026, 1, 30): 1}),
])
def test_reminder_days_move_to_the_working_day_before(non_working_days, effective, offsets,
                                                      expected):
    assert reminder_days(effective, offsets, non_working_days) == expected


@pytest.mark.parametrize(("effective", "offsets", "expected"), [
    # 1 day after Thu 31.12.2026 is Fri 1.1.2027 (New Year) → Mon 4.1; 7 after is Thu 7.1;
    # 30 after is Sat 30.1 → Mon 1.2.
    (DUE, (1, 7, 30), {date(2027, 1, 4): (1, 1), date(2027, 1, 7): (7, 2),
                       date(2027, 2, 1): (30, 3)}),
])
def test_escalation_days_move_to_the_next_working_morning(non_working_days, effective, offsets,
                                                          expected):
    assert escalation_days(effective, offsets, non_working_days) == expected


def test_the_step_owner_is_reminded_on_the_day_and_not_the_day_after(by_id, non_working_days):
    view = [occurrence(step("council", Role.COUNCIL.value, DUE))]
    people = [contact(1, "m905", "council")]
    on_day = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                          date(2026, 12, 1))
    assert [(n.contact.id, n.trigger.kind, n.trigger.offset) for n in on_day.notices] == [
        (1, Kind.REMINDER, 30)]
    # The day after, the same trigger is still the latest (catch-up) and has the same key:
    # the outbox, not the planner, keeps it from going twice.
    after = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                         date(2026, 12, 2))
    assert [n.key for n in after.notices] == [n.key for n in on_day.notices]


def test_nothing_is_planned_on_a_non_working_day(by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    people = [contact(1, "m905", "council")]
    saturday = date(2026, 12, 5)
    assert plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                        saturday).notices == ()


@pytest.mark.parametrize("status", ["done", "waived", "not_applicable"])
def test_a_closed_step_gets_nothing(by_id, non_working_days, status):
    view = [occurrence(step("council", "council", DUE, status=status))]
    people = [contact(1, "m905", "council")]
    for today in (date(2026, 12, 1), date(2027, 1, 4), date(2027, 2, 1)):
        assert plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                            today).notices == ()


def test_escalation_climbs_the_chain_level_by_level(by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    people = [contact(1, "m905", "council"), contact(2, "m905", "top_management"),
              contact(3, "r15", "coordinator"), contact(4, "r15", "board")]
    told = {}
    for today in (date(2027, 1, 4), date(2027, 1, 7), date(2027, 2, 1)):
        plan = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days, today)
        assert {n.trigger.kind for n in plan.notices} == {Kind.ESCALATION}
        told[today] = sorted(n.contact.id for n in plan.notices)
    assert told == {date(2027, 1, 4): [1], date(2027, 1, 7): [1, 2],
                    date(2027, 2, 1): [1, 2, 3]}


def test_a_county_can_set_its_own_chain(by_id, non_working_days):
    chain = (EscalationLink(party="owner", role="step"),
             EscalationLink(party="county", role=Role.BOARD))
    configuration = Configuration(regions={"15": RegionConfigFile(region="15",
                                                                  escalation_chain=chain)})
    view = [occurrence(step("council", "council", DUE))]
    people = [contact(1, "m905", "council"), contact(2, "m905", "top_management"),
              contact(4, "r15", "board")]
    plan = plan_notices(view, by_id, people, configuration, non_working_days, date(2027, 1, 7))
    assert sorted(n.contact.id for n in plan.notices) == [1, 4]


# A practice target (31.5.2026) with the term's last day as the legal limit (31.5.2029).
TARGET = date(2026, 6, 1)  # a Monday
LIMIT = date(2029, 5, 31)  # a Thursday


def _practice_target_view() -> list[Duty]:
    return [occurrence(replace(step("council", "council", TARGET), legal_limit=LIMIT))]


PEOPLE = [contact(1, "m905", "council"), contact(2, "m905", "top_management"),
          contact(3, "r15", "coordinator")]


@pytest.mark.parametrize(("today", "told"), [
    (date(2026, 6, 2), [1]),       # target + 1: the step's own people
    (date(2026, 6, 10), []),       # target + 9: top management waits for the legal limit
    (date(2026, 7, 1), []),        # target + 30: the county waits too
    (date(2029, 6, 1), []),        # limit + 1: no level is due then (level 1 went in 2026)
    (date(2029, 6, 7), [1, 2]),    # limit + 7: top management
    (date(2029, 6, 30), []),       # limit + 30 is a Saturday: nothing on a non-working day
    (date(2029, 7, 2), [1, 2, 3]),  # the next working morning: the county's coordinator
])
def test_escalation_beyond_the_party_waits_for_the_legal_limit(by_id, non_working_days,
                                                               today, told):
    """Issue 13: late against a practice target tells only the step's own people."""
    plan = plan_notices(_practice_target_view(), by_id, PEOPLE, EMPTY_CONFIGURATION,
                        non_working_days, today)
    assert sorted(n.contact.id for n in plan.notices
                  if n.trigger.kind is Kind.ESCALATION) == told


@pytest.mark.parametrize(("today", "told"), [
    (date(2026, 6, 2), [1]), (date(2026, 6, 9), [1, 2]), (date(2026, 7, 1), [1, 2, 3]),
    (date(2029, 6, 7), []),
])
def test_a_county_may_escalate_before_the_legal_limit(by_id, non_working_days, today, told):
    configuration = Configuration(regions={"15": RegionConfigFile(
        region="15", escalate_before_legal_limit=True)})
    plan = plan_notices(_practice_target_view(), by_id, PEOPLE, configuration,
                        non_working_days, today)
    assert sorted(n.contact.id for n in plan.notices
                  if n.trigger.kind is Kind.ESCALATION) == told


def test_escalation_days_count_the_levels_beyond_from_the_legal_limit(non_working_days):
    days = escalation_days(TARGET, (1, 7, 30), non_working_days, legal_limit=LIMIT, own=1)
    assert days == {date(2026, 6, 2): (1, 1), date(2029, 6, 7): (7, 2),
                    date(2029, 7, 2): (30, 3)}
    # Target and limit the same day: as before issue 13.
    assert escalation_days(LIMIT, (1, 7, 30), non_working_days, legal_limit=LIMIT, own=1) == \
        escalation_days(LIMIT, (1, 7, 30), non_working_days)


def test_an_optional_step_is_reminded_but_never_escalated(by_id, non_working_days):
    report = by_id[ANNUAL_REPORT]
    council = report.step("council").model_copy(update={"optional": True})
    optional = report.model_copy(update={"steps": (council,)})
    definitions = {**by_id, ANNUAL_REPORT: optional}
    view = [occurrence(step("council", "council", DUE))]
    people = [contact(1, "m905", "council"), contact(3, "r15", "coordinator")]
    reminded = plan_notices(view, definitions, people, EMPTY_CONFIGURATION, non_working_days,
                            date(2026, 12, 1))
    assert [n.trigger.kind for n in reminded.notices] == [Kind.REMINDER]
    for late in (date(2027, 1, 4), date(2027, 1, 7), date(2027, 2, 1)):
        notices = plan_notices(view, definitions, people, EMPTY_CONFIGURATION,
                               non_working_days, late).notices
        assert Kind.ESCALATION not in {n.trigger.kind for n in notices}
    # The same step, not optional, is escalated: the test above is not vacuous.
    assert plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                        date(2027, 1, 4)).notices


def test_missed_days_send_only_the_latest_and_only_if_recent(by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    people = [contact(1, "m905", "council")]
    # Down from 1.12 to 31.12: on 31.12 the 1-day reminder of 30.12 is the latest.
    plan = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days, DUE)
    assert [(n.trigger.offset, n.trigger.scheduled) for n in plan.notices] == [
        (1, date(2026, 12, 30))]
    # Ten days after the last trigger nothing is caught up (catch-up is 7 days).
    quiet = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                         date(2027, 1, 20))
    assert quiet.notices == ()


def test_no_contact_for_the_role_falls_back_to_the_coordinator_or_is_reported(
        by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    fallback = plan_notices(view, by_id, [contact(5, "m905", "coordinator")],
                            EMPTY_CONFIGURATION, non_working_days, date(2026, 12, 1))
    assert [n.contact.id for n in fallback.notices] == [5]
    nobody = plan_notices(view, by_id, [contact(6, "m564", "council")], EMPTY_CONFIGURATION,
                          non_working_days, date(2026, 12, 1))
    assert nobody.notices == ()
    assert [(u.parties, u.roles) for u in nobody.unaddressed] == [(("m905",), ("council",))]


def test_each_channel_of_a_contact_gets_its_own_notice(by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    both = contact(1, "m905", "council", channels=(Channel.EMAIL, Channel.TEAMS))
    plan = plan_notices(view, by_id, [both], EMPTY_CONFIGURATION, non_working_days,
                        date(2026, 12, 1))
    assert [n.channel for n in plan.notices] == [Channel.EMAIL, Channel.TEAMS]
    assert len({n.key for n in plan.notices}) == 2


def test_county_steps_go_to_the_county(by_id, non_working_days):
    view = [replace(occurrence(step("council", "council", DUE, party="region")),
                    municipality=None, participants=())]
    people = [contact(1, "m905", "council"), contact(2, "r15", "council")]
    plan = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                        date(2026, 12, 1))
    assert [n.contact.party for n in plan.notices] == ["r15"]


@settings(max_examples=200, deadline=None)
@given(due=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
       today=st.dates(date(2024, 1, 1), date(2031, 6, 30)),
       status=st.sampled_from(["not_started", "in_progress", "done"]))
def test_notices_fall_on_working_days_only_and_never_after_today(by_id, non_working_days,
                                                                 due, today, status):
    view = [occurrence(step("council", "council", due, status=status))]
    people = [contact(1, "m905", "council"), contact(2, "m905", "top_management"),
              contact(3, "r15", "coordinator")]
    plan = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days, today)
    if not non_working_days.is_working_day(today) or status == "done":
        assert plan.notices == ()
    for notice in plan.notices:
        scheduled = notice.trigger.scheduled
        assert non_working_days.is_working_day(scheduled)
        assert today - timedelta(days=7) <= scheduled <= today
        if notice.trigger.kind is Kind.REMINDER:
            assert scheduled <= due
        else:
            assert scheduled > due


def test_a_step_owner_gets_the_reminder_first_and_is_told_first_of_an_escalation(
        by_id, non_working_days):
    view = [occurrence(step("council", "council", DUE))]
    secretary = contact(1, "m905", "council")
    owner = replace(contact(2, "m905", "coordinator"), email="Owner@Vasa.fi")
    people = [secretary, owner]
    owners = {(view[0].id, "council"): "owner@vasa.fi"}
    reminded = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                            date(2026, 12, 1), owners=owners)
    assert [n.contact.id for n in reminded.notices] == [2]
    # Without an owner (or with one no contact has the address of): as before.
    for others in ({}, {(view[0].id, "council"): "nobody@vasa.fi"}):
        plain = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                             date(2026, 12, 1), owners=others)
        assert [n.contact.id for n in plain.notices] == [1]
    # An escalation tells the owner and then the chain as before.
    escalated = plan_notices(view, by_id, people, EMPTY_CONFIGURATION, non_working_days,
                             date(2027, 1, 4), owners=owners)
    assert sorted(n.contact.id for n in escalated.notices) == [1, 2]
    assert {n.trigger.kind for n in escalated.notices} == {Kind.ESCALATION}
