"""Planning is deterministic, order-independent and consistent with its window."""

from __future__ import annotations

import random
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars.schedule import PlanWindow, plan
from calendars.workdays import finnish_non_working_days
from obligations.loader import load_definitions
from obligations.parties import Registry, load_registry
from tests.conftest import FIXTURE_DEFINITIONS

DEFINITIONS = load_definitions(FIXTURE_DEFINITIONS)
REGISTRY = load_registry()
NON_WORKING_DAYS = finnish_non_working_days(2021, 2040)
FULL = PlanWindow(date(2025, 6, 1), date(2033, 5, 31))
FULL_PLAN = plan(DEFINITIONS, REGISTRY, NON_WORKING_DAYS, FULL)
SLOW = settings(max_examples=15, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def test_no_effective_date_on_a_non_working_day():
    """Every deadline, shifted either way, lands on a working day; reminders too."""
    for occurrence in FULL_PLAN:
        assert NON_WORKING_DAYS.is_working_day(occurrence.deadline.effective), occurrence.id
        for step in occurrence.steps:
            assert NON_WORKING_DAYS.is_working_day(step.deadline.effective)
            assert all(NON_WORKING_DAYS.is_working_day(d) for d in step.reminders)
            assert all(d <= step.deadline.effective for d in step.reminders)


def test_ids_are_unique():
    ids = [o.id for o in FULL_PLAN]
    assert len(ids) == len(set(ids))


@SLOW
@given(st.randoms(use_true_random=False))
def test_order_of_inputs_does_not_matter(rng: random.Random):
    definitions = list(DEFINITIONS)
    rng.shuffle(definitions)
    municipalities = list(REGISTRY.municipalities)
    rng.shuffle(municipalities)
    regions = list(REGISTRY.regions)
    rng.shuffle(regions)
    shuffled = Registry(REGISTRY.year, REGISTRY.source, tuple(regions), tuple(municipalities))
    assert plan(definitions, shuffled, NON_WORKING_DAYS, FULL) == FULL_PLAN


def test_planning_twice_gives_the_same_result():
    assert plan(DEFINITIONS, REGISTRY, NON_WORKING_DAYS, FULL) == FULL_PLAN


@SLOW
@given(
    start=st.dates(min_value=FULL.start, max_value=FULL.end),
    length=st.integers(min_value=0, max_value=800),
)
def test_a_window_is_a_slice_of_a_larger_plan(start, length):
    """Planning a sub-window gives exactly the occurrences of the full plan due inside it."""
    window = PlanWindow(start, min(start + timedelta(days=length), FULL.end))
    expected = tuple(o for o in FULL_PLAN if window.contains(o.deadline.statutory))
    assert plan(DEFINITIONS, REGISTRY, NON_WORKING_DAYS, window) == expected
