"""Properties of the law's encoding (issue 13), on arbitrary calendars and deadlines.

- No internal decision's effective date is later than its statutory date.
- No filing with an authority falls on a non-working day, nor before its statutory date.
- Every target (occurrence and step) is on or before its legal limit.
- Helsinki owes no duty towards a county.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.schedule import Occurrence, PlanWindow, plan
from calendars.workdays import NonWorkingDays, from_dates
from obligations.loader import load_definitions
from obligations.parties import Registry, load_registry
from obligations.schema import DateInYear, DeadlineKind, DeadlineSource, ObligationDefinition

DEFINITIONS = load_definitions()
BY_ID = {d.id: d for d in DEFINITIONS}
FULL = load_registry()
# Kainuu (20) with its municipalities, and Helsinki (90): every kind of party, quickly.
REGISTRY = Registry(
    FULL.year, FULL.source,
    tuple(r for r in FULL.regions if r.code in ("20", "90")),
    tuple(m for m in FULL.municipalities if m.region_code in ("20", "90")),
)
FIRST_YEAR, LAST_YEAR = 2021, 2040
WINDOW_START, WINDOW_END = date(2025, 6, 1), date(2033, 5, 31)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

calendars = st.sets(
    st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR, 12, 31)),
    max_size=400,
).map(lambda days: from_dates(FIRST_YEAR, LAST_YEAR, days))
windows = st.tuples(
    st.dates(min_value=WINDOW_START, max_value=WINDOW_END),
    st.integers(min_value=0, max_value=1200),
).map(lambda w: PlanWindow(w[0], min(w[0] + timedelta(days=w[1]), WINDOW_END)))


def _deadlines(occurrence: Occurrence):
    yield occurrence.deadline
    for step in occurrence.steps:
        yield step.deadline


def _check(occurrences: tuple[Occurrence, ...], non_working_days: NonWorkingDays) -> None:
    for occurrence in occurrences:
        for deadline in _deadlines(occurrence):
            if deadline.kind is DeadlineKind.INTERNAL_DECISION:
                assert deadline.effective <= deadline.statutory, occurrence.id
            else:
                assert deadline.effective >= deadline.statutory, occurrence.id
                assert non_working_days.is_working_day(deadline.effective), occurrence.id
            assert non_working_days.is_working_day(deadline.effective), occurrence.id
            assert deadline.effective <= deadline.legal_limit, occurrence.id
            # The statutory target itself never lies beyond the law's last day either.
            assert deadline.statutory <= deadline.legal_limit or \
                deadline.kind is DeadlineKind.AUTHORITY_FILING, occurrence.id


@SETTINGS
@given(non_working_days=calendars, window=windows)
def test_shipped_definitions_on_any_calendar(non_working_days, window):
    _check(plan(DEFINITIONS, REGISTRY, non_working_days, window), non_working_days)


@st.composite
def _budget_variants(draw: st.DrawFn) -> ObligationDefinition:
    """The municipal budget with any date and kind for its duty and its tax-rate filing."""
    budget = BY_ID["municipal-budget"]
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=1, max_value=28))
    kind = draw(st.sampled_from(DeadlineKind))
    deadline = budget.deadline.model_copy(update={
        "rule": DateInYear(kind="date_in_year", month=month, day=day, year_offset=-1),
        "kind": kind})
    filing = budget.step("tax-rates-notified")
    assert filing.deadline is not None
    step_kind = draw(st.sampled_from(DeadlineKind))
    steps = tuple(
        s.model_copy(update={"deadline": filing.deadline.model_copy(update={"kind": step_kind})})
        if s.id == filing.id else
        # A step the law gives no date falls by the duty's date (the loader checks this).
        s.model_copy(update={"deadline": s.deadline.model_copy(update={"rule": deadline.rule})})
        if s.deadline is not None and s.deadline.source is not DeadlineSource.STATUTE else s
        for s in budget.steps)
    return budget.model_copy(update={"deadline": deadline, "steps": steps})


@SETTINGS
@given(definition=_budget_variants(), non_working_days=calendars, window=windows)
def test_any_deadline_and_kind_keep_the_rules(definition, non_working_days, window):
    _check(plan([definition], REGISTRY, non_working_days, window), non_working_days)


@SETTINGS
@given(non_working_days=calendars, window=windows)
def test_helsinki_owes_no_duty_towards_a_county(non_working_days, window):
    """615/2021 §2(2): Helsinki belongs to no county, so nothing is delivered to one, and it
    takes part in no county's negotiation."""
    occurrences = plan(DEFINITIONS, REGISTRY, non_working_days, window)
    for occurrence in occurrences:
        if "091" not in occurrence.participants and occurrence.region != "90":
            continue
        assert occurrence.municipality == "091", occurrence.id
        assert not occurrence.owed_by.is_negotiation, occurrence.id
        definition = BY_ID[occurrence.obligation]
        for step in occurrence.steps:
            assert not definition.step(step.step).only_in_county, (occurrence.id, step.step)
            assert all(not definition.step(a).only_in_county for a in step.after)
