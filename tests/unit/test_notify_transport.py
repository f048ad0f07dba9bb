"""Teams pacing and Retry-After, on their own: a fake monotonic clock, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notify.transport import MAX_RETRY_AFTER_SECONDS, TeamsPacer, retry_after_seconds

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(("header", "seconds"), [
    ("2", 2.0),
    (" 120 ", 120.0),
    ("0", 0.0),
    ("Tue, 01 Dec 2026 07:00:30 GMT", 30.0),
    ("Tue, 01 Dec 2026 06:59:00 GMT", 0.0),  # a date gone by: at once
    ("9999999", MAX_RETRY_AFTER_SECONDS),
    ("-5", None),
    ("soon", None),
    ("", None),
    (None, None),
])
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    assert retry_after_seconds(header, NOW) == seconds


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_spaces_posts_per_address():
    fake = FakeTime()
    pacer = TeamsPacer(2.0, clock=fake.clock, sleep=fake.sleep)
    one, other = ("teams.example", 443, "/a"), ("teams.example", 443, "/b")
    assert pacer.turn(one) is None
    assert pacer.turn(one) is None
    assert pacer.turn(other) is None  # another workflow has its own pace
    assert fake.slept == [0.5]
    fake.now += 2.0  # idle: no debt carried over
    assert pacer.turn(one) is None
    assert fake.slept == [0.5]


def test_a_hold_refuses_posts_until_it_ends():
    fake = FakeTime()
    pacer = TeamsPacer(1.0, clock=fake.clock, sleep=fake.sleep)
    address = ("teams.example", 443, "/a")
    pacer.hold(address, 30.0)
    assert pacer.turn(address) == pytest.approx(30.0)
    fake.now += 29.0
    assert pacer.turn(address) == pytest.approx(1.0)
    pacer.hold(address, 0.5)  # a shorter hold does not shorten the one in force
    assert pacer.turn(address) == pytest.approx(1.0)
    fake.now += 1.0
    assert pacer.turn(address) is None
    assert fake.slept == []


def test_the_pace_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        TeamsPacer(0)
