"""The rolling cadence: a review every N years from the last approval (417/2007 §12).

The fixture definition is tests/fixtures/definitions/rolling/ (the child and youth welfare
plan, every four years from the council's approval); the configuration with last approvals
is tests/fixtures/config/rolling/.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.schedule import PlanFilter, PlanWindow, Unanchored, anniversary, plan, unanchored
from obligations.config import Configuration
from obligations.errors import InputError
from obligations.loader import load_configuration, load_definitions
from obligations.schema import DeadlineKind, DeadlineSource, ObligationDefinition, Status

FIXTURES = Path(__file__).parents[1] / "fixtures"
OBLIGATION = "child-youth-welfare-plan"
WINDOW = PlanWindow(date(2023, 1, 1), date(2037, 12, 31))


@pytest.fixture(scope="module")
def rolling() -> tuple[ObligationDefinition, ...]:
    return load_definitions(FIXTURES / "definitions" / "rolling")


@pytest.fixture(scope="module")
def configured(rolling, registry) -> Configuration:
    return load_configuration(FIXTURES / "config" / "rolling", rolling, registry)


def _plan(rolling, registry, non_working_days, *, approvals=None,
          configuration: Configuration | None = None, party: str = "564"):
    selection = PlanFilter(municipality=party) if len(party) == 3 else PlanFilter(region=party)
    occurrences = plan(rolling, registry, non_working_days, WINDOW,
                       configuration or Configuration(), selection, approvals)
    return {o.id: o for o in occurrences}


def test_approved_2022_is_due_four_years_later_not_at_the_terms_end(
        rolling, registry, non_working_days):
    planned = _plan(rolling, registry, non_working_days,
                    approvals={(OBLIGATION, "m564"): date(2022, 6, 1)})
    assert list(planned) == [f"{OBLIGATION}.m564.2026"]
    deadline = planned[f"{OBLIGATION}.m564.2026"].deadline
    # 1.6.2026 is a Monday: the target, the effective date and the legal limit coincide.
    assert (deadline.statutory, deadline.effective, deadline.legal_limit) == (
        date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 1))
    assert deadline.kind is DeadlineKind.INTERNAL_DECISION
    assert deadline.statutory != date(2029, 5, 31)
    occurrence = planned[f"{OBLIGATION}.m564.2026"]
    assert (occurrence.period, occurrence.term, occurrence.term_year) == ("2026", "2025-2029", 2)
    assert {s.step: s.deadline.statutory for s in occurrence.steps} == {
        "prepared-in-cooperation": date(2026, 6, 1), "council": date(2026, 6, 1),
        "in-budget": date(2026, 6, 1)}


def test_an_anniversary_on_a_weekend_is_decided_on_the_working_day_before(
        rolling, registry, non_working_days):
    # 12.6.2027 is a Saturday: the council decides by Friday 11.6.2027; the limit stays.
    planned = _plan(rolling, registry, non_working_days, party="19",
                    approvals={(OBLIGATION, "r19"): date(2023, 6, 12)})
    deadline = planned[f"{OBLIGATION}.r19.2027"].deadline
    assert (deadline.statutory, deadline.effective, deadline.legal_limit) == (
        date(2027, 6, 12), date(2027, 6, 11), date(2027, 6, 12))


def test_the_configuration_anchors_a_party_the_store_knows_nothing_of(
        rolling, registry, non_working_days, configured):
    planned = _plan(rolling, registry, non_working_days, configuration=configured)
    assert {i: o.deadline.statutory for i, o in planned.items()} == {
        f"{OBLIGATION}.m564.2026": date(2026, 6, 1)}
    county = _plan(rolling, registry, non_working_days, configuration=configured, party="19")
    assert {i: o.deadline.statutory for i, o in county.items()
            if o.municipality is None} == {f"{OBLIGATION}.r19.2027": date(2027, 6, 12)}
    assert configured.last_approval(OBLIGATION, "19", "425") is None, "never inherited"


@pytest.mark.parametrize(("decided_on", "review", "due"), [
    pytest.param(date(2026, 9, 15), "2030", date(2030, 9, 15), id="overrides-configuration"),
    pytest.param(date(2022, 11, 30), "2026", date(2026, 11, 30), id="same-year-same-id"),
])
def test_a_recorded_decision_wins_over_the_configuration(
        rolling, registry, non_working_days, configured, decided_on, review, due):
    planned = _plan(rolling, registry, non_working_days, configuration=configured,
                    approvals={(OBLIGATION, "m564"): decided_on})
    assert {i: o.deadline.statutory for i, o in planned.items()} == {
        f"{OBLIGATION}.m564.{review}": due}


def test_unknown_last_approval_has_no_occurrence_but_is_listed(
        rolling, registry, non_working_days, configured):
    planned = _plan(rolling, registry, non_working_days, configuration=configured, party="425")
    assert planned == {}
    listed = unanchored(rolling, registry, {}, configured, PlanFilter(region="19"))
    assert Unanchored(OBLIGATION, "m425", "19", "425", Status.CANDIDATE) in listed
    parties = {u.party for u in listed}
    assert not parties & {"m564", "r19"}, "anchored by the configuration"
    assert len(listed) == len(registry.members("19")) - 1
    recorded = unanchored(rolling, registry, {(OBLIGATION, "m425"): date(2024, 1, 2)},
                          configured, PlanFilter(municipality="425"))
    assert recorded == ()


def test_rolling_duties_are_not_planned_for_other_cadences(
        definitions, registry, non_working_days):
    """The frozen per-term copy keeps its term's last day; nothing of it is unanchored."""
    assert unanchored(definitions, registry, {}) == ()


@settings(max_examples=60, deadline=None)
@given(anchor=st.dates(date(2019, 1, 1), date(2027, 12, 31)), years=st.integers(1, 10))
def test_the_review_is_due_on_the_anniversary_never_later(
        rolling, registry, non_working_days, anchor, years):
    definitions = tuple(d.model_copy(update={"every_years": years}) for d in rolling)
    due = anniversary(anchor, years)
    planned = _plan(definitions, registry, non_working_days,
                    approvals={(OBLIGATION, "m564"): anchor})
    if not date(2023, 1, 1) <= due <= WINDOW.end:
        assert planned == {}
        return
    (occurrence,) = planned.values()
    deadline = occurrence.deadline
    assert occurrence.id == f"{OBLIGATION}.m564.{anchor.year + years}"
    assert deadline.statutory == deadline.legal_limit == due
    assert deadline.source is DeadlineSource.CADENCE
    assert due.year - anchor.year == years
    assert (due.month, due.day) <= (anchor.month, anchor.day), "never past N years"
    assert due - anchor >= timedelta(days=365 * years + (years // 4) - 1)
    assert deadline.effective <= deadline.statutory
    assert all(s.deadline.legal_limit <= due for s in occurrence.steps)


def test_a_review_due_before_the_window_is_still_planned_overdue(
        rolling, registry, non_working_days):
    """Approved 1.3.2021 and not since: the review of 1.3.2025 is open in any later window."""
    occurrences = plan(rolling, registry, non_working_days,
                       PlanWindow(date(2029, 6, 1), date(2033, 5, 31)), Configuration(),
                       PlanFilter(municipality="564"),
                       {(OBLIGATION, "m564"): date(2021, 3, 1)})
    assert [(o.id, o.deadline.legal_limit) for o in occurrences] == [
        (f"{OBLIGATION}.m564.2025", date(2025, 3, 1))]


def test_29_february_gives_28_february():
    assert anniversary(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("region: '19'\nlast_approvals: {municipal-budget: 2022-06-01}\n",
                 "2: last_approvals.municipal-budget: 'municipal-budget' is not a rolling duty "
                 "(cadence rolling)", id="not-rolling"),
    pytest.param("region: '19'\nlast_approvals: {no-such-plan: 2022-06-01}\n",
                 "2: last_approvals.no-such-plan: no obligation 'no-such-plan'", id="unknown"),
    pytest.param("region: '19'\nlast_approvals: {child-youth-welfare-plan: 1999-12-31}\n",
                 "2: last_approvals.child-youth-welfare-plan: Input should be greater than or "
                 "equal to 2000-01-01", id="too-early"),
    pytest.param("region: '19'\nlast_approvals: {child-youth-welfare-plan: someday}\n",
                 "2: last_approvals.child-youth-welfare-plan: Input should be a valid date or "
                 "datetime, input is too short", id="not-a-date"),
    pytest.param("region: '19'\npractice_dates:\n  child-youth-welfare-plan:\n"
                 "    deadline: {kind: date_in_year, month: 6, day: 1}\n",
                 "4: practice_dates.child-youth-welfare-plan.deadline: a rolling duty is due on "
                 "the anniversary of its last approval; set last_approvals instead",
                 id="practice-date"),
    pytest.param("region: '90'\nlast_approvals: {child-youth-welfare-plan: 2022-06-01}\n",
                 "2: last_approvals.child-youth-welfare-plan: the county does not owe "
                 "'child-youth-welfare-plan' itself", id="helsinki-is-no-county"),
])
def test_a_bad_last_approval_is_named_with_its_line(tmp_path, rolling, definitions, registry,
                                                    text, expected):
    (tmp_path / "county.yaml").write_text(text, encoding="utf-8")
    others = tuple(d for d in definitions if d.id != OBLIGATION)
    with pytest.raises(InputError) as caught:
        load_configuration(tmp_path, (*rolling, *others), registry)
    prefix = f"{tmp_path / 'county.yaml'}:"
    assert [str(p).removeprefix(prefix) for p in caught.value.problems] == [expected]
