"""Finnish non-working days and the shift rule of Act 150/1930 (OBLIGATIONS.md §3)."""

from __future__ import annotations

from datetime import date

import pytest
from _pytest.mark import ParameterSet

from calendars.wording import shift_reason
from obligations.schema import Shift
from tests.tables import yaml_records


@pytest.mark.parametrize(
    ("statutory", "effective"),
    [
        pytest.param(date(2029, 3, 31), date(2029, 4, 3), id="31.3.2029-sat-then-easter"),
        pytest.param(date(2029, 6, 30), date(2029, 7, 2), id="30.6.2029-sat"),
        pytest.param(date(2028, 12, 31), date(2029, 1, 2), id="31.12.2028-sun-then-new-year"),
        pytest.param(date(2026, 5, 31), date(2026, 6, 1), id="31.5.2026-sun"),
        pytest.param(date(2026, 3, 31), date(2026, 3, 31), id="working-day-unchanged"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 28), id="christmas-eve-to-monday"),
        pytest.param(date(2026, 6, 19), date(2026, 6, 22), id="midsummer-eve"),
        pytest.param(date(2026, 12, 6), date(2026, 12, 7), id="independence-day-sun"),
    ],
)
def test_next_working_day_vectors(non_working_days, statutory, effective):
    assert non_working_days.shift(statutory, Shift.NEXT_WORKING_DAY).effective == effective


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 4, 30), id="may-day-eve"),
        pytest.param(date(2026, 12, 31), id="new-years-eve"),
    ],
)
def test_days_that_do_not_shift(non_working_days, day):
    """May Day Eve and New Year's Eve are working days under 150/1930."""
    assert non_working_days.is_working_day(day)


def test_non_working_holidays_of_2029(non_working_days):
    """The holidays of OBLIGATIONS.md §3, as the `holidays` package gives them for 2029."""
    assert sorted(d for d in non_working_days.holidays if d.year == 2029) == [
        date(2029, 1, 1), date(2029, 1, 6), date(2029, 3, 30), date(2029, 4, 1),
        date(2029, 4, 2), date(2029, 5, 1), date(2029, 5, 10), date(2029, 5, 20),
        date(2029, 6, 22), date(2029, 6, 23), date(2029, 11, 3), date(2029, 12, 6),
        date(2029, 12, 24), date(2029, 12, 25), date(2029, 12, 26),
    ]


def test_previous_working_day(non_working_days):
    shifted = non_working_days.shift(date(2026, 5, 31), Shift.PREVIOUS_WORKING_DAY)
    assert (shifted.effective, shifted.skipped) == (date(2026, 5, 29),
                                                    (date(2026, 5, 31), date(2026, 5, 30)))


def test_no_shift_keeps_the_date(non_working_days):
    shifted = non_working_days.shift(date(2026, 5, 31), Shift.NONE)
    assert (shifted.effective, shifted.shifted) == (date(2026, 5, 31), False)


def test_outside_the_known_years_is_an_error(non_working_days):
    with pytest.raises(ValueError, match="outside the non-working days known"):
        non_working_days.is_working_day(date(2050, 1, 3))


def _shift_reasons() -> list[ParameterSet]:
    return [pytest.param(case["statutory"], Shift(case["shift"]), lang, text,
                         id=f"{case['id']}-{lang}")
            for case in yaml_records("shift_reasons.yaml", ("statutory", "shift", "reason"))
            for lang, text in case["reason"].items()]


@pytest.mark.parametrize(("statutory", "shift", "lang", "expected"), _shift_reasons())
def test_shift_reason_names_the_rule_and_the_day(non_working_days, statutory, shift, lang,
                                                 expected):
    shifted = non_working_days.shift(statutory, shift)
    assert shift_reason(shifted.statutory, shifted.effective, non_working_days, lang) == expected


def test_no_reason_when_not_shifted(non_working_days):
    shifted = non_working_days.shift(date(2026, 3, 31), Shift.NEXT_WORKING_DAY)
    assert shift_reason(shifted.statutory, shifted.effective, non_working_days, "en") == ""
