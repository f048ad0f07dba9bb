"""The planning engine on the real registry: dates, parties, term years, identity."""

from __future__ import annotations

from datetime import date

import pytest

from calendars.schedule import PlanFilter, PlanningError, PlanWindow, plan
from calendars.workdays import finnish_non_working_days
from obligations.schema import DeadlineSource, OwedBy
from tests.conftest import FULL_WINDOW
from tests.tables import csv_table


@pytest.fixture(scope="module")
def full_plan(definitions, registry, non_working_days):
    return {o.id: o for o in plan(definitions, registry, non_working_days, FULL_WINDOW)}


@pytest.mark.parametrize(*csv_table(
    "occurrence_dates.csv", ("occurrence_id", "due", "effective", "term", "term_year"),
    {"term_year": int}))
def test_occurrence_dates(full_plan, occurrence_id, due, effective, term, term_year):
    occurrence = full_plan[occurrence_id]
    assert (occurrence.deadline.statutory.isoformat(), occurrence.deadline.effective.isoformat(),
            occurrence.term, occurrence.term_year) == (due, effective, term, term_year)


@pytest.mark.parametrize(*csv_table(
    "step_dates.csv", ("occurrence_id", "step", "due", "effective")))
def test_step_dates(full_plan, occurrence_id, step, due, effective):
    planned = next(s for s in full_plan[occurrence_id].steps if s.step == step)
    assert (planned.deadline.statutory.isoformat(), planned.deadline.effective.isoformat()) == (
        due, effective)


def test_reminders_fall_on_working_days_before_the_deadline(full_plan, non_working_days):
    occurrence = full_plan["municipal-financial-statements.m564.2028"]
    board = occurrence.steps[0]
    # Offsets 30, 14, 7, 1 before Thursday 29.3.2029 (31.3 is a Saturday, 30.3 Good Friday).
    assert [d.isoformat() for d in board.reminders] == [
        "2029-02-27", "2029-03-15", "2029-03-22", "2029-03-28"]
    assert all(non_working_days.is_working_day(d) for d in board.reminders)


def test_helsinki_owes_municipal_duties_only(full_plan):
    helsinki = [o for o in full_plan.values() if "091" in o.participants]
    assert helsinki, "Helsinki has municipal duties"
    assert {o.owed_by for o in helsinki} == {OwedBy.MUNICIPALITY, OwedBy.REGION,
                                             OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY}
    # The one county duty it owes, as a municipality: the regional student welfare plan.
    assert {o.obligation for o in helsinki if o.owed_by is OwedBy.REGION} == {
        "regional-student-welfare-plan"}
    assert all(o.municipality == "091" for o in helsinki)
    assert not [o for o in full_plan.values() if o.region == "90" and o.municipality is None]


def test_helsinki_makes_the_regional_student_welfare_plan(full_plan):
    """1287/2013 §1(4), HE 19/2022: the city council acts for the county council."""
    occurrence = full_plan["regional-student-welfare-plan.m091.2025-2029"]
    assert [s.step for s in occurrence.steps] == ["drafted-by-cooperation-group", "council"]
    county = full_plan["regional-student-welfare-plan.r19.2025-2029"]
    assert [s.step for s in county.steps][-1] == "attached-to-child-plan"


def test_helsinki_delivers_its_welfare_plan_to_no_county(full_plan):
    """615/2021 §2(2): Helsinki belongs to no county; Oulu delivers to its county."""
    helsinki = full_plan["welfare-report-plan-municipality.m091.2025-2029"]
    oulu = full_plan["welfare-report-plan-municipality.m564.2025-2029"]
    assert "sent-to-region" not in [s.step for s in helsinki.steps]
    assert "sent-to-region" in [s.step for s in oulu.steps]
    published = next(s for s in helsinki.steps if s.step == "published")
    assert published.after == ("goals-in-budget",)


def test_joint_negotiation_is_one_occurrence_naming_every_municipality(full_plan, registry):
    negotiations = [o for o in full_plan.values()
                    if o.obligation == "hyte-negotiation-annual" and o.period == "2026"]
    assert len(negotiations) == 21
    north = next(o for o in negotiations if o.region == "19")
    assert north.participants == tuple(m.code for m in registry.members("19"))
    assert len(north.participants) == 30
    assert north.municipality is None


def test_per_term_duty_counts(full_plan):
    counts: dict[str, int] = {}
    for occurrence in full_plan.values():
        if occurrence.term == "2025-2029":
            counts[occurrence.obligation] = counts.get(occurrence.obligation, 0) + 1
    assert counts["welfare-report-plan-municipality"] == 292
    assert counts["welfare-report-plan-region"] == 21
    assert counts["county-municipality-negotiation-14"] == 21
    assert counts["hyte-responsible-body"] == 292 + 21


def test_ids_are_unique_and_made_of_obligation_party_period(full_plan):
    for occurrence_id, occurrence in full_plan.items():
        obligation, party, period = occurrence_id.split(".")
        assert (obligation, period) == (occurrence.obligation, occurrence.period)
        assert party.startswith(("m", "r"))


def test_id_does_not_change_when_a_date_changes(definitions, registry, non_working_days):
    """Moving the budget's deadline moves its dates, not its identity."""
    budget = next(d for d in definitions if d.id == "municipal-budget")
    rule = budget.deadline.rule.model_copy(update={"month": 11, "day": 30})
    moved = budget.model_copy(update={"deadline": budget.deadline.model_copy(
        update={"rule": rule})})
    others = [d for d in definitions if d.id != "municipal-budget"]
    window = PlanWindow(date(2026, 1, 1), date(2026, 12, 31))
    before = {o.id: o for o in plan(definitions, registry, non_working_days, window)
              if o.obligation == "municipal-budget"}
    after = {o.id: o for o in plan([*others, moved], registry, non_working_days, window)
             if o.obligation == "municipal-budget"}
    assert before.keys() == after.keys()
    assert {o.deadline.statutory for o in after.values()} == {date(2026, 11, 30)}


def test_budget_depends_on_last_years_negotiation(full_plan):
    assert full_plan["municipal-budget.m564.2027"].depends_on == (
        "hyte-negotiation-annual.r19.2026",)
    assert full_plan["region-budget.r19.2027"].depends_on == (
        "hyte-negotiation-annual.r19.2026",)
    assert full_plan["municipal-budget.m091.2027"].depends_on == ()
    assert full_plan["strategic-cooperation-agreement.r20.2025-2029"].depends_on == (
        "county-municipality-negotiation-14.r20.2025-2029",)


def test_window_is_inclusive(definitions, registry, non_working_days):
    window = PlanWindow(date(2026, 6, 30), date(2026, 6, 30))
    occurrences = plan(definitions, registry, non_working_days, window)
    assert {o.obligation for o in occurrences} == {"municipal-financial-statements",
                                                   "region-financial-statements"}
    assert len(occurrences) == 292 + 21


def test_filters(definitions, registry, non_working_days):
    window = PlanWindow(date(2026, 1, 1), date(2026, 12, 31))
    kajaani = plan(definitions, registry, non_working_days, window,
                   selection=PlanFilter(municipality="205"))
    assert kajaani
    assert all("205" in o.participants for o in kajaani)
    kainuu = plan(definitions, registry, non_working_days, window,
                  selection=PlanFilter(region="20"))
    assert {o.region for o in kainuu} == {"20"}
    assert {o.municipality for o in kainuu} - {None} == {m.code for m in registry.members("20")}
    budgets = plan(definitions, registry, non_working_days, window,
                   selection=PlanFilter(obligations=frozenset({"municipal-budget"})))
    assert {o.obligation for o in budgets} == {"municipal-budget"}


def test_deadline_sources_are_carried(full_plan):
    assert full_plan["municipal-budget.m205.2029"].deadline.source is DeadlineSource.STATUTE
    assert full_plan["hyte-annual-report-municipality.m205.2026"].deadline.source is \
        DeadlineSource.CADENCE
    assert full_plan["welfare-report-plan-municipality.m091.2025-2029"].deadline.source is \
        DeadlineSource.PRACTICE


def test_window_before_the_reform_is_refused(definitions, registry, non_working_days):
    with pytest.raises(PlanningError, match="2023-01-01"):
        plan(definitions, registry, non_working_days, PlanWindow(date(2022, 1, 1),
                                                                 date(2022, 12, 31)))


def test_window_must_be_covered_by_non_working_days(definitions, registry):
    short = finnish_non_working_days(2026, 2026)
    with pytest.raises(PlanningError, match="must cover 2024–2029"):
        plan(definitions, registry, short, PlanWindow(date(2026, 1, 1), date(2026, 12, 31)))


def test_window_beyond_2199_is_refused():
    with pytest.raises(PlanningError, match="at most to 2199-12-31"):
        PlanWindow(date(2026, 1, 1), date(9999, 1, 1))


def test_reversed_window_is_refused():
    with pytest.raises(PlanningError, match="after it ends"):
        PlanWindow(date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.parametrize(*csv_table(
    "step_legal_limits.csv", ("occurrence_id", "step", "statutory", "effective", "legal_limit")))
def test_target_and_legal_limit(full_plan, occurrence_id, step, statutory, effective,
                                legal_limit):
    planned = next(s for s in full_plan[occurrence_id].steps if s.step == step).deadline
    assert (planned.statutory.isoformat(), planned.effective.isoformat(),
            planned.legal_limit.isoformat()) == (statutory, effective, legal_limit)


def test_occurrence_carries_its_legal_limit(full_plan):
    plan_ = full_plan["welfare-report-plan-municipality.m205.2025-2029"]
    assert (plan_.deadline.effective, plan_.deadline.legal_limit) == (
        date(2026, 5, 29), date(2029, 5, 31))
    assert plan_.deadline.source is DeadlineSource.PRACTICE
    budget = full_plan["municipal-budget.m564.2029"]
    assert (budget.deadline.effective, budget.deadline.legal_limit) == (
        date(2028, 12, 29), date(2028, 12, 31))
