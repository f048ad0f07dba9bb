"""Council terms, term years and election days (OBLIGATIONS.md §2)."""

from __future__ import annotations

from datetime import date

import pytest

from calendars.terms import (
    Body,
    easter_sunday,
    election_day,
    rule_based_term,
    term_containing,
    terms_overlapping,
)
from tests.tables import csv_table


@pytest.mark.parametrize(*csv_table("council_terms.csv", ("body", "day", "start", "end"),
                                     {"body": Body, "day": date.fromisoformat,
                                      "start": date.fromisoformat, "end": date.fromisoformat}))
def test_term_containing(body, day, start, end):
    term = term_containing(body, day)
    assert term is not None
    assert (term.start, term.end) == (start, end)


def test_no_regional_term_before_the_first_council():
    assert term_containing(Body.REGIONAL_COUNCIL, date(2022, 2, 28)) is None


@pytest.mark.parametrize(
    ("body", "day", "term_year"),
    [
        pytest.param(Body.REGIONAL_COUNCIL, date(2025, 6, 1), 1, id="first-day"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2026, 5, 31), 1, id="end-of-year-1"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2026, 6, 1), 2, id="start-of-year-2"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2027, 12, 31), 3, id="year-3"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2029, 5, 31), 4, id="last-day"),
        pytest.param(Body.MUNICIPAL_COUNCIL, date(2021, 8, 1), 1, id="2021-short-year-1"),
        pytest.param(Body.MUNICIPAL_COUNCIL, date(2024, 6, 1), 4, id="2021-year-4"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2022, 3, 1), 1, id="2022-short-year-1"),
        pytest.param(Body.REGIONAL_COUNCIL, date(2024, 12, 1), 4, id="2022-year-4"),
    ],
)
def test_term_year(body, day, term_year):
    term = term_containing(body, day)
    assert term is not None
    assert term.term_year(day) == term_year


def test_term_year_end():
    term = rule_based_term(Body.REGIONAL_COUNCIL, 2029)
    assert [term.term_year_end(n) for n in (1, 2, 3, 4)] == [
        date(2030, 5, 31), date(2031, 5, 31), date(2032, 5, 31), date(2033, 5, 31),
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2025, date(2025, 4, 13), id="2025-third-sunday-is-after-easter"),
        pytest.param(2029, date(2029, 4, 15), id="2029"),
        pytest.param(2021, date(2021, 4, 18), id="2021-rule-before-the-move"),
        pytest.param(2033, date(2033, 4, 10), id="2033-third-sunday-is-easter"),
    ],
)
def test_election_day(year, expected):
    assert election_day(year) == expected


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2025, date(2025, 4, 20)), (2029, date(2029, 4, 1)), (2033, date(2033, 4, 17)),
     (2038, date(2038, 4, 25))],
)
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_not_an_election_year():
    with pytest.raises(ValueError, match="not an election year"):
        rule_based_term(Body.MUNICIPAL_COUNCIL, 2030)


def test_terms_overlapping_a_span():
    terms = terms_overlapping(Body.MUNICIPAL_COUNCIL, date(2025, 5, 31), date(2029, 6, 1))
    assert [t.id for t in terms] == ["2021-2025", "2025-2029", "2029-2033"]
