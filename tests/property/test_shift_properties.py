"""Properties of the 150/1930 shift, on the real Finnish calendar and on arbitrary ones."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.workdays import NonWorkingDays, finnish_non_working_days, from_dates
from obligations.schema import Shift

FINLAND = finnish_non_working_days(2022, 2042)
DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2040, 12, 31))


def _check_next(calendar: NonWorkingDays, statutory: date) -> None:
    shifted = calendar.shift(statutory, Shift.NEXT_WORKING_DAY)
    assert calendar.is_working_day(shifted.effective)
    assert shifted.effective >= statutory
    # the first working day on or after: every day before it (from statutory) is skipped
    between = [statutory + timedelta(days=n) for n in range((shifted.effective - statutory).days)]
    assert list(shifted.skipped) == between
    assert not any(calendar.is_working_day(d) for d in between)


@given(DAYS)
def test_next_working_day_on_the_finnish_calendar(statutory):
    _check_next(FINLAND, statutory)


@given(DAYS)
def test_previous_working_day_on_the_finnish_calendar(statutory):
    shifted = FINLAND.shift(statutory, Shift.PREVIOUS_WORKING_DAY)
    assert FINLAND.is_working_day(shifted.effective)
    assert shifted.effective <= statutory
    assert not any(FINLAND.is_working_day(d) for d in shifted.skipped)
    assert len(shifted.skipped) == (statutory - shifted.effective).days


@settings(max_examples=50)
@given(
    holidays=st.sets(st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 12, 20)),
                     max_size=120),
    statutory=st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 12, 20)),
)
def test_next_working_day_on_any_calendar(holidays, statutory):
    _check_next(from_dates(2030, 2031, holidays), statutory)


@given(DAYS)
def test_working_days_do_not_move(statutory):
    if FINLAND.is_working_day(statutory):
        for rule in Shift:
            assert FINLAND.shift(statutory, rule).effective == statutory
