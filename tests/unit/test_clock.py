"""The one clock: today is the date in Finland, whatever the host's zone; `--today` wins.

Every instant is passed in: no test reads the real time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from yhdyspinta import clock


@pytest.mark.parametrize(("instant", "day"), [
    # 00:30 in Helsinki on New Year's Day is still New Year's Eve in UTC.
    (datetime(2026, 12, 31, 22, 30, tzinfo=UTC), date(2027, 1, 1)),
    (datetime(2026, 12, 31, 21, 59, tzinfo=UTC), date(2026, 12, 31)),
    # Summer time (UTC+3): the day turns at 21:00 UTC.
    (datetime(2026, 6, 30, 20, 59, tzinfo=UTC), date(2026, 6, 30)),
    (datetime(2026, 6, 30, 21, 0, tzinfo=UTC), date(2026, 7, 1)),
    # A host far west of Finland: its afternoon is already tomorrow in Helsinki.
    (datetime(2026, 3, 2, 15, 0, tzinfo=timezone(timedelta(hours=-8))), date(2026, 3, 3)),
])
def test_today_is_the_date_in_finland(instant, day):
    assert clock.today(at=instant) == day
    assert clock.finnish_date(instant) == day


def test_a_fixed_day_wins_over_the_instant():
    at = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)
    assert clock.today(date(2025, 5, 5), at=at) == date(2025, 5, 5)


def test_a_naive_instant_is_refused():
    """A datetime without a zone could be any of 24 hours; guessing would move deadlines."""
    with pytest.raises(ValueError, match="time zone"):
        clock.finnish_date(datetime(2026, 12, 31, 22, 30))


def test_now_is_aware_utc():
    """Stored timestamps are compared across backends: they must carry UTC."""
    assert clock.now().utcoffset() == timedelta(0)
